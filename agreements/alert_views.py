"""The alerts page: what needs doing in the registry, scoped to the user, filtered by kind."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import alerts as alert_rules

PAGE_SIZE = 100


@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    """Every logged-in user: the scope (everything, or the agency's own) comes from
    agreements.alerts; the queries are a fixed number whatever the registry's size."""
    today = timezone.localdate()
    everything = alert_rules.alerts_for(request.user, today)
    kind = request.GET.get("kind", "")
    if kind not in alert_rules.AlertKind.values:
        kind = ""
    shown = [alert for alert in everything if alert.kind == kind] if kind else everything
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = alert_rules.count_by_kind(everything)
    context = {
        "today": today,
        "alerts": page.object_list,
        "page_obj": page,
        "kind": kind,
        "total": len(everything),
        "kinds": [
            {"value": value, "label": label, "count": counts[value]}
            for value, label in alert_rules.AlertKind.choices
        ],
    }
    return render(request, "agreements/alerts.html", context)
