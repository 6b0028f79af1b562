"""Writes and figures for delegations, plans and conferences."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions as role
from accounts.errors import DomainError
from accounts.text import nfc

from .models import (
    Conference,
    Delegation,
    DelegationMember,
    DelegationPlan,
    Direction,
    PlanItem,
)

D = Delegation.State
C = Conference.State


def _save(obj) -> None:
    obj.full_clean()
    obj.save()


def _clean_text(data: dict[str, Any]) -> dict[str, Any]:
    return {k: nfc(v) if isinstance(v, str) else v for k, v in data.items()}


def _check_owner(user, agency) -> None:
    if role.is_reporter(user) and agency is not None and user.agency_id != agency.pk:
        raise DomainError(
            {"host_agency": _("You can only propose delegations of your own agency.")}
        )


# ---------------------------------------------------------------------------
# Plans
# ---------------------------------------------------------------------------
@transaction.atomic
def plan_create(*, user, data: dict[str, Any]) -> DelegationPlan:
    plan = DelegationPlan(**_clean_text(data))
    if DelegationPlan.objects.filter(year=plan.year, direction=plan.direction).exists():
        raise DomainError(_("There is already a plan for this year and direction."))
    _save(plan)
    return plan


@transaction.atomic
def plan_item_save(
    *, user, plan: DelegationPlan, data: dict[str, Any], partners=(), fields=(), item=None
) -> PlanItem:
    item = item or PlanItem(plan=plan)
    for name, value in _clean_text(data).items():
        setattr(item, name, value)
    _save(item)
    item.partners.set(partners)
    item.fields.set(fields)
    return item


# ---------------------------------------------------------------------------
# Delegations
# ---------------------------------------------------------------------------
def _set_members(delegation: Delegation, members: list[dict[str, Any]] | None) -> None:
    if members is None:
        return
    delegation.members.all().delete()
    rows = []
    for member in members:
        if not (member.get("name") or "").strip():
            continue
        row = DelegationMember(delegation=delegation, **_clean_text(member))
        row.full_clean(exclude=["delegation"])
        rows.append(row)
    for row in rows:
        row.save()


@transaction.atomic
def delegation_propose(
    *,
    user,
    data: dict[str, Any],
    partners=(),
    fields=(),
    members: list[dict[str, Any]] | None = None,
) -> Delegation:
    """A reporter (for their agency) or an official proposes a delegation, in or outside
    the annual plan."""
    delegation = Delegation(**_clean_text(data), created_by=user, state=D.PROPOSED)
    _check_owner(user, delegation.host_agency if delegation.host_agency_id else None)
    item = delegation.plan_item
    if item is not None and item.plan.direction != delegation.direction:
        raise DomainError({"plan_item": _("This plan item is for the other direction.")})
    _save(delegation)
    delegation.partners.set(partners)
    delegation.fields.set(fields)
    _set_members(delegation, members)
    return delegation


@transaction.atomic
def delegation_update(
    *,
    delegation: Delegation,
    user,
    data: dict[str, Any],
    partners=None,
    fields=None,
    members: list[dict[str, Any]] | None = None,
) -> Delegation:
    data = {k: v for k, v in data.items() if k != "state"}
    for name, value in _clean_text(data).items():
        setattr(delegation, name, value)
    _check_owner(user, delegation.host_agency)
    _save(delegation)
    if partners is not None:
        delegation.partners.set(partners)
    if fields is not None:
        delegation.fields.set(fields)
    _set_members(delegation, members)
    return delegation


def _locked(delegation: Delegation) -> Delegation:
    return Delegation.objects.select_for_update().get(pk=delegation.pk)


@transaction.atomic
def delegation_approve(
    *,
    delegation: Delegation,
    user,
    decision_number: str,
    decision_date: date,
    decision_authority: str,
) -> Delegation:
    """Approve with the decision (number, date, authority). A trip outside the plan needs
    its own decision; one in the plan may cite the plan's."""
    delegation = _locked(delegation)
    if delegation.state not in {D.PROPOSED, D.POSTPONED}:
        raise DomainError(
            _("A delegation that is “%(state)s” cannot be approved.")
            % {"state": delegation.get_state_display()}
        )
    if not delegation.in_plan and not decision_number.strip():
        raise DomainError(
            {"decision_number": _("A delegation outside the plan needs its own approval decision.")}
        )
    if decision_date > timezone.localdate():
        raise DomainError({"decision_date": _("The decision date cannot be in the future.")})
    delegation.decision_number = nfc(decision_number)
    delegation.decision_date = decision_date
    delegation.decision_authority = nfc(decision_authority)
    delegation.state = D.APPROVED
    _save(delegation)
    return delegation


@transaction.atomic
def delegation_set_aside(*, delegation: Delegation, user, state: str, reason: str) -> Delegation:
    """Postpone or cancel, with the reason (required)."""
    delegation = _locked(delegation)
    if state not in {D.POSTPONED, D.CANCELLED}:
        raise DomainError(_("Unknown state."))
    if delegation.state in {D.DONE, D.CANCELLED}:
        raise DomainError(
            _("A delegation that is “%(state)s” can no longer change.")
            % {"state": delegation.get_state_display()}
        )
    if not reason.strip():
        raise DomainError({"reason": _("Give the reason.")})
    delegation.state = state
    delegation.state_reason = nfc(reason)
    _save(delegation)
    return delegation


@transaction.atomic
def delegation_record_results(
    *,
    delegation: Delegation,
    user,
    actual_start: date,
    actual_end: date,
    results: str,
    agreements_signed=(),
    report_received_on: date | None = None,
) -> Delegation:
    """After the trip: the actual dates, the results and the agreements signed. The results
    report is due 15 days after the end."""
    delegation = _locked(delegation)
    if delegation.state not in {D.APPROVED, D.DONE}:
        raise DomainError(_("Only an approved delegation can record results."))
    today = timezone.localdate()
    if actual_end > today:
        raise DomainError({"actual_end": _("Results are recorded after the delegation ends.")})
    if actual_end < actual_start:
        raise DomainError({"actual_end": _("The end cannot be before the start.")})
    if report_received_on and report_received_on < actual_end:
        raise DomainError(
            {"report_received_on": _("The report cannot arrive before the delegation ends.")}
        )
    delegation.actual_start = actual_start
    delegation.actual_end = actual_end
    delegation.results = nfc(results)
    delegation.report_received_on = report_received_on
    delegation.state = D.DONE
    _save(delegation)
    delegation.agreements_signed.set(agreements_signed)
    return delegation


# ---------------------------------------------------------------------------
# Conferences
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class LeadTimeWarning:
    deadline: date
    days: int

    def __str__(self) -> str:
        return _(
            "The application should have been filed by %(date)s (%(days)s days before the "
            "opening). Ask for an exceptional approval or move the dates."
        ) % {"date": self.deadline.strftime("%d/%m/%Y"), "days": self.days}


def conference_lead_time_warning(conference: Conference, today: date | None = None):
    """A warning (not an error) when the dates leave less than the legal lead time.

    Decided conferences without a recorded application date are not judged."""
    if conference.state != Conference.State.PROPOSED and not conference.application_date:
        return None
    if conference.lead_time_ok(today or timezone.localdate()):
        return None
    return LeadTimeWarning(conference.application_deadline, conference.lead_days)


@transaction.atomic
def conference_save(
    *, user, data: dict[str, Any], partners=(), conference: Conference | None = None
) -> Conference:
    conference = conference or Conference(created_by=user)
    for name, value in _clean_text({k: v for k, v in data.items() if k != "state"}).items():
        setattr(conference, name, value)
    if role.is_reporter(user) and conference.organiser_id != user.agency_id:
        raise DomainError({"organiser": _("You can only propose conferences of your own agency.")})
    _save(conference)
    conference.partners.set(partners)
    return conference


@transaction.atomic
def conference_decide(
    *,
    conference: Conference,
    user,
    state: str,
    decision_number: str = "",
    decision_date: date | None = None,
    reason: str = "",
) -> Conference:
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    if state == C.APPROVED:
        if conference.state != C.PROPOSED:
            raise DomainError(_("Only a proposed conference can be approved."))
        if not decision_number.strip() or not decision_date:
            raise DomainError(_("Enter the approval decision's number and date."))
        if decision_date > timezone.localdate():
            raise DomainError({"decision_date": _("The decision date cannot be in the future.")})
        conference.decision_number = nfc(decision_number)
        conference.decision_date = decision_date
    elif state == C.CANCELLED:
        if conference.state in {C.HELD, C.CANCELLED}:
            raise DomainError(_("This conference can no longer be cancelled."))
        if not reason.strip():
            raise DomainError({"reason": _("Give the reason.")})
        conference.state_reason = nfc(reason)
    else:
        raise DomainError(_("Unknown state."))
    conference.state = state
    _save(conference)
    return conference


@transaction.atomic
def conference_record_results(
    *,
    conference: Conference,
    user,
    results: str,
    foreign_participants: int,
    report_received_on: date | None = None,
) -> Conference:
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    if conference.state not in {C.APPROVED, C.HELD}:
        raise DomainError(_("Only an approved conference can record results."))
    if conference.end_on > timezone.localdate():
        raise DomainError(_("Results are recorded after the conference closes."))
    if report_received_on and not (conference.end_on <= report_received_on <= timezone.localdate()):
        raise DomainError(
            {"report_received_on": _("The report arrives after the closing and not in the future.")}
        )
    conference.results = nfc(results)
    conference.foreign_participants = foreign_participants
    conference.report_received_on = report_received_on
    conference.state = C.HELD
    _save(conference)
    return conference


# ---------------------------------------------------------------------------
# Figures: plan against what happened, delegations and person-trips
# ---------------------------------------------------------------------------
@dataclass
class Tally:
    delegations: int = 0
    people: int = 0


@dataclass
class PlanVsActual:
    year: int
    direction: str
    planned: int
    in_plan: dict[str, int]
    outside_plan: dict[str, int]
    by_country: list[tuple[str, int, int]] = field(default_factory=list)
    by_purpose: list[tuple[str, int, int]] = field(default_factory=list)


def plan_vs_actual(*, year: int, direction: str) -> PlanVsActual:
    """Planned delegations of the year against done, postponed and cancelled.

    Two grouped queries, whatever the number of delegations: the plan's items by country and
    purpose, and the year's delegations by state, country and purpose (in the plan or not),
    from which every count of the page is summed."""
    planned_rows = (
        PlanItem.objects.filter(plan__year=year, plan__direction=direction)
        .order_by()
        .values_list("country", "purpose")
        .annotate(n=Count("pk"))
    )
    delegation_rows = (
        Delegation.objects.filter(direction=direction, planned_start__year=year)
        .order_by()
        .values_list("state", "country", "purpose")
        .annotate(
            in_plan=Count("pk", filter=Q(plan_item__isnull=False)),
            outside=Count("pk", filter=Q(plan_item__isnull=True)),
        )
    )
    planned_by_country: Counter[str] = Counter()
    planned_by_purpose: Counter[str] = Counter()
    for country, purpose, n in planned_rows:
        planned_by_country[country] += n
        planned_by_purpose[purpose] += n
    in_plan: Counter[str] = Counter()
    outside: Counter[str] = Counter()
    done_by_country: Counter[str] = Counter()
    done_by_purpose: Counter[str] = Counter()
    for state, country, purpose, n_in_plan, n_outside in delegation_rows:
        in_plan[state] += n_in_plan
        outside[state] += n_outside
        if state == D.DONE:
            done_by_country[country] += n_in_plan + n_outside
            done_by_purpose[purpose] += n_in_plan + n_outside
    countries = sorted(set(planned_by_country) | set(done_by_country))
    purposes = sorted(set(planned_by_purpose) | set(done_by_purpose))
    return PlanVsActual(
        year=year,
        direction=direction,
        planned=sum(planned_by_country.values()),
        # Only the states that occur, as before (a Counter of the rows' states).
        in_plan={state: n for state, n in in_plan.items() if n},
        outside_plan={state: n for state, n in outside.items() if n},
        by_country=[(c, planned_by_country[c], done_by_country[c]) for c in countries],
        by_purpose=[(p, planned_by_purpose[p], done_by_purpose[p]) for p in purposes],
    )


def delegation_totals(*, start: date, end: date, agency=None) -> dict[str, Tally]:
    """Delegations done and person-trips (head included) per direction, for delegations that
    started within [start, end] — e.g. 15/12 of last year to 14/06 for the 6-month report.

    One query, the union of two counts per direction: the delegations, and their members
    (an inner join read from the indexes; counting both over one outer join needs a
    COUNT(DISTINCT) that made PostgreSQL hash every member of every year)."""
    where: dict[str, Any] = {"state": D.DONE, "actual_start__range": (start, end)}
    if agency is not None:
        where["host_agency"] = agency
    delegations = (
        Delegation.objects.filter(**where)
        .order_by()
        .values_list("direction")
        .annotate(kind=Value("delegations"), n=Count("*"))
    )
    members = (
        DelegationMember.objects.filter(**{f"delegation__{k}": v for k, v in where.items()})
        .order_by()
        .values_list("delegation__direction")
        .annotate(kind=Value("members"), n=Count("*"))
    )
    counts = {(direction, kind): n for direction, kind, n in delegations.union(members, all=True)}
    totals = {}
    for direction in Direction.values:
        done = counts.get((direction, "delegations"), 0)
        totals[direction] = Tally(done, done + counts.get((direction, "members"), 0))
    return totals


def conference_totals(*, start: date, end: date, agency=None) -> int:
    queryset = Conference.objects.filter(state=C.HELD, start_on__range=(start, end))
    if agency is not None:
        queryset = queryset.filter(organiser=agency)
    return queryset.count()


def promotion_activities(*, year: int) -> int:
    """Investment, trade and tourism promotion activities held in the year (2030 target:
    2-3 per year): delegations done plus conferences held with such a purpose."""
    from .models import Purpose

    promo = Purpose.promotion()
    return (
        Delegation.objects.done().filter(purpose__in=promo, actual_start__year=year).count()
        + Conference.objects.filter(state=C.HELD, purpose__in=promo, start_on__year=year).count()
    )


def delegations_overdue_reports(*, today: date, agency=None):
    queryset = Delegation.objects.report_overdue(today)
    if agency is not None:
        queryset = queryset.filter(host_agency=agency)
    return queryset
