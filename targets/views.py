from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.errors import DomainError
from accounts.text import file_stem
from agreements.views import _form_error

from .alerts import overdue_list_url, overdue_tasks
from .charts import target_chart_svg
from .forms import MeasurementForm, TaskForm, TaskPlanForm, TaskProgressForm
from .models import Measurement, Target, Task, TaskPlan
from .permissions import (
    can_enter_measurement,
    can_import_measurements,
    can_manage_plans,
    can_update_task,
)
from .services import (
    STATUS_LABELS,
    computed_record_list,
    measurement_record,
    plan_save,
    target_states,
    task_delete,
    task_report_progress,
    task_save,
)


@require_GET
def overview(request):
    """Every 2030 target by group, with its latest value and status (everyone reads it)."""
    targets = list(Target.objects.select_related("owner_agency").order_by("order", "code"))
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
        {
            "groups": groups,
            "counts": [(STATUS_LABELS[k], k, n) for k, n in counts.items()],
            "can_import": can_import_measurements(request.user, targets),
        },
    )


@require_GET
def detail(request, pk: int):
    """A target's figures and chart; for a computed target, the records it counts."""
    target = get_object_or_404(Target.objects.select_related("owner_agency"), pk=pk)
    today = timezone.localdate()
    (state,) = target_states([target], today)
    records = None
    if target.source == Target.Source.COMPUTED:
        records = computed_record_list(target, request.user, today)
    return render(
        request,
        "targets/detail.html",
        {
            "target": target,
            "state": state,
            # Safe to mark: target_chart_svg escapes every text it writes itself.
            "chart": mark_safe(target_chart_svg(state)),
            "records": records,
            "evidence": target.measurements.exclude(evidence="", evidence_file="").order_by(
                "-period_year", "period_kind"
            ),
            "can_enter": can_enter_measurement(request.user, target),
        },
    )


@require_GET
def measurement_evidence(request, pk: int) -> FileResponse:
    """A measurement's evidence file (a PDF) as an attachment, for anyone signed in:
    everyone reads the targets, their values and their evidence."""
    measurement = get_object_or_404(
        Measurement.objects.select_related("target").exclude(evidence_file=""), pk=pk
    )
    try:
        handle = measurement.evidence_file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    code = file_stem(measurement.target.code, default="chi-tieu")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"minh-chung-{code}-{measurement.period_year}-{measurement.period_kind}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


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
    """The plans' task-assignment tables; a reporter sees their agency's tasks first.

    ``?mine=1`` keeps the user's agency's tasks, ``?overdue=1`` the overdue ones; the badge
    counts the overdue tasks the user is to chase (as in the daily digest).
    """
    tasks = Task.objects.select_related("plan", "lead_agency").order_by("plan", "order")
    mine = request.GET.get("mine") == "1" and request.user.agency_id
    if mine:
        tasks = tasks.filter(lead_agency_id=request.user.agency_id)
    today = timezone.localdate()
    only_overdue = request.GET.get("overdue") == "1"
    if only_overdue:
        tasks = tasks.overdue(today)
    rows = [(task, task.is_overdue(today), can_update_task(request.user, task)) for task in tasks]
    return render(
        request,
        "targets/task_list.html",
        {
            "rows": rows,
            "mine": mine,
            "only_overdue": only_overdue,
            "overdue_count": overdue_tasks(request.user, today).count(),
            "overdue_url": overdue_list_url(request.user),
            "can_manage": can_manage_plans(request.user),
            "query_string": request.GET.urlencode(),
        },
    )


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


# ---------------------------------------------------------------------------
# Plans and their task-assignment tables (officials)
# ---------------------------------------------------------------------------
def _check_can_manage(request: HttpRequest) -> None:
    if not can_manage_plans(request.user):
        raise PermissionDenied


def _plan_url(plan: TaskPlan) -> str:
    return f"{reverse('targets:plan_list')}#plan-{plan.pk}"


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    """Every plan with its task-assignment table, to add, edit or remove tasks."""
    _check_can_manage(request)
    tasks = (
        Task.objects.select_related("lead_agency")
        .prefetch_related("coordinating_agencies")
        .annotate(notes=Count("progress"))
        .order_by("order", "id")
    )
    plans = TaskPlan.objects.prefetch_related(Prefetch("tasks", queryset=tasks))
    return render(request, "targets/plan_list.html", {"plans": plans})


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create a plan (no ``pk``) or edit one."""
    _check_can_manage(request)
    plan = get_object_or_404(TaskPlan, pk=pk) if pk is not None else None
    form = TaskPlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            # A fresh copy: the valid form has already written its values onto ``plan``.
            saved = plan_save(
                user=request.user,
                data=form.cleaned_data,
                plan=TaskPlan.objects.get(pk=plan.pk) if plan else None,
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The plan has been saved."))
            return redirect(_plan_url(saved))
    return render(request, "targets/plan_form.html", {"form": form, "plan": plan})


def _task_form(request: HttpRequest, plan: TaskPlan, task: Task | None) -> HttpResponse:
    form = TaskForm(request.POST or None, instance=task)
    if request.method == "POST" and form.is_valid():
        try:
            task_save(
                user=request.user,
                plan=plan,
                data=form.service_data(),
                coordinating_agencies=form.cleaned_data["coordinating_agencies"],
                task=Task.objects.get(pk=task.pk) if task else None,
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The task has been saved."))
            return redirect(_plan_url(plan))
    can_delete = task is not None and not task.progress.exists()
    return render(
        request,
        "targets/task_edit.html",
        {"form": form, "plan": plan, "task": task, "can_delete": can_delete},
    )


@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a task to plan ``pk``."""
    _check_can_manage(request)
    return _task_form(request, get_object_or_404(TaskPlan, pk=pk), None)


@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _check_can_manage(request)
    task = get_object_or_404(Task.objects.select_related("plan"), pk=pk)
    return _task_form(request, task.plan, task)


@require_POST
def task_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a task entered by mistake; refused once progress has been reported on it."""
    _check_can_manage(request)
    task = get_object_or_404(Task.objects.select_related("plan"), pk=pk)
    try:
        task_delete(user=request.user, task=task)
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("targets:task_edit", pk=task.pk)
    messages.success(request, _("The task has been deleted."))
    return redirect(_plan_url(task.plan))
