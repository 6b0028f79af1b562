from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.errors import DomainError
from agreements.views import _form_error

from .forms import MeasurementForm
from .models import Target
from .services import STATUS_LABELS, can_enter_measurement, measurement_record, target_states


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
