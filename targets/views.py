from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.errors import DomainError
from agreements.views import _form_error

from .forms import MeasurementForm, TaskProgressForm
from .models import Target, Task
from .services import (
    STATUS_LABELS,
    can_enter_measurement,
    can_update_task,
    measurement_record,
    target_states,
    task_report_progress,
)


@require_GET
def overview(request):
    """Every 2030 target by group, with its latest value and status (everyone reads it)."""
    targets = Target.objects.select_related("owner_agency").order_by("order", "code")
    states = target_states(targets, timezone.localdate())
    groups = []
    for value, label in Target.Group.choices:
        rows = [s for s in states if s.target.group == value]
        if rows:
            groups.append((label, rows))
    counts = {key: sum(1 for s in states if s.status == key) for key in STATUS_LABELS}
    return render(
        request,
        "targets/overview.html",
        {"groups": groups, "counts": [(STATUS_LABELS[k], k, n) for k, n in counts.items()]},
    )


@require_GET
def detail(request, pk: int):
    target = get_object_or_404(Target.objects.select_related("owner_agency"), pk=pk)
    (state,) = target_states([target], timezone.localdate())
    return render(
        request,
        "targets/detail.html",
        {
            "target": target,
            "state": state,
            "can_enter": can_enter_measurement(request.user, target),
        },
    )


@require_http_methods(["GET", "POST"])
def measurement_enter(request, pk: int):
    """The owner agency (or an official) enters or corrects a value for a period."""
    target = get_object_or_404(Target.objects.select_related("owner_agency"), pk=pk)
    if not can_enter_measurement(request.user, target):
        raise PermissionDenied
    form = MeasurementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            measurement_record(
                target=target,
                user=request.user,
                period=form.cleaned_data["period"],
                value=form.cleaned_data["value"],
                evidence=form.cleaned_data["evidence"],
                evidence_file=form.cleaned_data["evidence_file"],
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The value has been recorded."))
            return redirect(target)
    return render(request, "targets/measurement_form.html", {"target": target, "form": form})


@require_GET
def task_list(request):
    """The plans' task-assignment tables; a reporter sees their agency's tasks first."""
    tasks = Task.objects.select_related("plan", "lead_agency").order_by("plan", "order")
    mine = request.GET.get("mine") == "1" and request.user.agency_id
    if mine:
        tasks = tasks.filter(lead_agency_id=request.user.agency_id)
    today = timezone.localdate()
    rows = [(task, task.is_overdue(today), can_update_task(request.user, task)) for task in tasks]
    return render(request, "targets/task_list.html", {"rows": rows, "mine": mine})


@require_http_methods(["GET", "POST"])
def task_progress(request, pk: int):
    task = get_object_or_404(Task.objects.select_related("plan", "lead_agency"), pk=pk)
    if not can_update_task(request.user, task):
        raise PermissionDenied
    form = TaskProgressForm(
        request.POST or None, initial={"state": task.state, "noted_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            task_report_progress(task=task, user=request.user, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The progress has been saved."))
            return redirect("targets:task_list")
    return render(
        request,
        "targets/task_form.html",
        {"task": task, "form": form, "notes": task.progress.all()},
    )
