"""The leaders' dashboard: this year's delegations, the targets by status, how complete the
latest reporting round is, and the latest issued PDFs (read on the home page)."""

from __future__ import annotations

from datetime import date

from .models import IssuedReport, ReportingPeriod


def leader_dashboard(today: date) -> dict:
    from delegations.models import Direction
    from delegations.services import delegation_totals
    from targets.models import Target
    from targets.services import STATUS_LABELS, target_states

    from .services import completeness

    totals = delegation_totals(start=date(today.year, 1, 1), end=today)
    states = target_states(Target.objects.select_related("owner_agency"), today)
    by_status = [
        (key, label, sum(1 for s in states if s.status == key))
        for key, label in STATUS_LABELS.items()
    ]
    period = (
        ReportingPeriod.objects.filter(deadline__lte=today).order_by("-deadline").first()
        or ReportingPeriod.objects.order_by("deadline").first()
    )
    return {
        "year": today.year,
        "outbound": totals[Direction.OUTBOUND],
        "inbound": totals[Direction.INBOUND],
        "targets_by_status": by_status,
        "completeness": completeness(period=period, contacts=False) if period else None,
        "latest_issued": list(
            IssuedReport.objects.exclude(pdf="").select_related("report").order_by("-issued_at")[:5]
        ),
    }
