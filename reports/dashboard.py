"""The home page's figures: agreements in force and their review coverage, the alerts by kind
(every role), the partners (leaders) and the leaders' dashboard (leaders and officials): this
year's delegations, the targets by status, how complete the latest reporting round is, and the
latest issued PDFs.

Every count is sent in one query (``accounts.counting.count_each``); with the targets, the
latest period and the issued PDFs the dashboard costs six queries whatever the size of the
data. Those who see every agency (officials, leaders, administrators) see the same figures:
they are kept for ``CACHE_SECONDS`` (the page says as of when), keyed by day and by what the
role's page shows, so that only one request a minute pays for the counting. A reporter's
figures are counted live, except the public agreements' part of the coverage, which is the
same for every reporter: it is kept like the lists' counts (``accounts.paging``, forgotten
on any write to agreements or reviews), 60,000 public agreements at national scale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from accounts import permissions as perms
from accounts.counting import Counted, count_each
from accounts.paging import kept_count_each

from .models import IssuedReport, ReportingPeriod

CACHE_SECONDS = 60


@dataclass
class HomeFigures:
    """What the home page counts. Plain numbers and model rows only (no translated text):
    the same object serves every language from the cache."""

    coverage: object  # agreements.services.ReviewCoverage
    alert_counts: dict[str, int]
    partners: dict[str, int] | None = None  # "count", "twinned", and one per relation status
    dashboard: dict | None = None
    computed_at: datetime = field(default_factory=timezone.now)
    cached: bool = False  # shared by every user who sees all agencies, for CACHE_SECONDS


def _coverage_querysets(user, today: date):
    """The agreements in force that the user sees, and those reviewed in the current period:
    the part of them that every reporter sees (the public agreements: ``shared``, counted
    once for all of them, ``kept_count_each``) and the user's own (``own``, counted with the
    page's other figures)."""
    from agreements.models import Agreement
    from reports.periods import current_period

    period = current_period(today)
    shared, own = Agreement.objects.in_force().visible_parts(user)
    return (
        period,
        {"in_force": shared, "reviewed": shared.reviewed_in(period)},
        {"in_force": own, "reviewed": own.reviewed_in(period)},
    )


def _partner_querysets() -> dict[str, Counted]:
    from partners.models import Partner

    partners = Partner.objects.all()
    counted = {"partners:count": partners, "partners:twinned": (partners, Q(is_twinned=True))}
    for status in Partner.RelationStatus.values:
        counted[f"partners:{status}"] = (partners, Q(relation_status=status))
    return counted


def _delegation_querysets(today: date) -> dict[str, Counted]:
    """``delegations.services.delegation_totals`` of the year so far, as counts: delegations
    done per direction, and their members (person-trips are both)."""
    from delegations.models import Delegation, DelegationMember, Direction

    done = Delegation.objects.done().filter(actual_start__range=(date(today.year, 1, 1), today))
    members = DelegationMember.objects.filter(delegation__in=done.values("pk"))
    counted = {}
    for direction in Direction.values:
        counted[f"delegations:{direction}"] = (done, Q(direction=direction))
        counted[f"members:{direction}"] = (members, Q(delegation__direction=direction))
    return counted


def _latest_period(today: date) -> ReportingPeriod | None:
    """The round whose deadline passed last (or the first one, before any deadline)."""
    return (
        ReportingPeriod.objects.filter(deadline__lte=today).order_by("-deadline").first()
        or ReportingPeriod.objects.order_by("deadline").first()
    )


def _compute(user, today: date, *, dashboard: bool, partners: bool) -> HomeFigures:
    from agreements.alerts import alert_querysets
    from agreements.services import ReviewCoverage
    from delegations.models import Direction
    from delegations.services import Tally
    from targets.models import Target
    from targets.services import STATUS_LABELS, target_states

    from .services import completeness_from_counts, completeness_querysets

    period, shared, querysets = _coverage_querysets(user, today)
    alerts = alert_querysets(user, today)
    querysets.update({f"alert:{kind}": queryset for kind, queryset in alerts.items()})
    if partners:
        querysets.update(_partner_querysets())
    reporting_period = None
    if dashboard:
        querysets.update(_delegation_querysets(today))
        reporting_period = _latest_period(today)
        if reporting_period is not None:
            querysets.update(completeness_querysets(reporting_period))
    counts = count_each(querysets)
    shared = kept_count_each(shared)

    figures = HomeFigures(
        coverage=ReviewCoverage(
            period=period,
            in_force=shared["in_force"] + counts["in_force"],
            reviewed=shared["reviewed"] + counts["reviewed"],
        ),
        alert_counts={kind: counts[f"alert:{kind}"] for kind in alerts},
    )
    if partners:
        figures.partners = {
            name.removeprefix("partners:"): n
            for name, n in counts.items()
            if name.startswith("partners:")
        }
    if dashboard:
        states = target_states(Target.objects.all(), today)
        tallies = {
            direction: Tally(
                counts[f"delegations:{direction}"],
                counts[f"delegations:{direction}"] + counts[f"members:{direction}"],
            )
            for direction in Direction.values
        }
        figures.dashboard = {
            "year": today.year,
            "outbound": tallies[Direction.OUTBOUND],
            "inbound": tallies[Direction.INBOUND],
            "targets_by_status": [
                (key, sum(1 for s in states if s.status == key)) for key in STATUS_LABELS
            ],
            "completeness": (
                completeness_from_counts(reporting_period, counts) if reporting_period else None
            ),
            "latest_issued": list(
                IssuedReport.objects.exclude(pdf="")
                .select_related("report")
                .order_by("-issued_at")[:5]
            ),
        }
    return figures


def home_figures(user, today: date, *, dashboard: bool = False, partners: bool = False):
    """The figures of the user's home page. For those who see every agency they are the same
    for all, and kept for ``CACHE_SECONDS``."""
    if not perms.can_view_all_agencies(user):
        return _compute(user, today, dashboard=dashboard, partners=partners)
    key = f"home-figures:{today.isoformat()}:dashboard={int(dashboard)}:partners={int(partners)}"
    figures = cache.get(key)
    # The age is checked here too: the cache's own expiry runs on its server's clock.
    if figures is None or timezone.now() - figures.computed_at > timedelta(seconds=CACHE_SECONDS):
        figures = _compute(user, today, dashboard=dashboard, partners=partners)
        figures.cached = True
        cache.set(key, figures, CACHE_SECONDS)
    return figures


def dashboard_context(figures: HomeFigures) -> dict | None:
    """The dashboard as the template reads it, with the labels in the current language."""
    from targets.services import STATUS_LABELS

    if figures.dashboard is None:
        return None
    by_status = [(key, STATUS_LABELS[key], n) for key, n in figures.dashboard["targets_by_status"]]
    return {**figures.dashboard, "targets_by_status": by_status}
