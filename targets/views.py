from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .models import Target
from .services import STATUS_LABELS, target_states


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
    return render(request, "targets/detail.html", {"target": target, "state": state})
