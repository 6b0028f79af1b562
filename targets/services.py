"""Target figures, status and trajectory; writes of measurements and task progress.

The status rules (shown in the UI as written here):
- no data: no measurement and nothing computed yet;
- achieved: the value has reached the lower bound (or floor, or the milestone is met);
- cumulative targets: on track when the pace so far, continued to the deadline, reaches the
  lower bound; at risk when it reaches at least 80% of it; off track below that;
- per-year targets are judged per year: a finished year below the floor is off track; the
  current year is on track when the value is at least the floor pro rata of the year elapsed,
  at risk otherwise;
- percentages and index values: on track when the trend of the measurements reaches the lower
  bound by the deadline; at risk when it reaches at least 90% of it; off track below that
  (a single measurement below the bound is at risk);
- milestones: on track until the deadline year, at risk in it, off track after it;
- targets that only ask for an increase: on track above the baseline, at risk otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, F, Func, IntegerField, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.errors import DomainError
from accounts.text import file_stem, nfc
from reports.periods import Period, current_period

from .models import Measurement, Target, Task, TaskPlan, TaskProgress
from .permissions import can_enter_measurement, can_manage_plans

STATUS_LABELS = {
    "achieved": gettext_lazy("Achieved"),
    "on_track": gettext_lazy("On track"),
    "at_risk": gettext_lazy("At risk"),
    "off_track": gettext_lazy("Off track"),
    "no_data": gettext_lazy("No data"),
}


@dataclass(frozen=True)
class Point:
    """A value at a moment: the end of a reporting period (or today, when computed)."""

    on: date
    value: Decimal


@dataclass(frozen=True)
class TargetState:
    target: Target
    latest: Point | None
    points: list[Point]
    status: str
    projection: Decimal | None
    pace_needed: Decimal | None  # per remaining year, for cumulative targets

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def progress_min(self) -> int | None:
        return _percent(self.latest, self.target.target_min)

    @property
    def progress_max(self) -> int | None:
        return _percent(self.latest, self.target.target_max)


def _percent(point: Point | None, bound: Decimal | None) -> int | None:
    if point is None or not bound:
        return None
    return min(999, round(100 * point.value / bound))


# ---------------------------------------------------------------------------
# Computed targets: figures from the portal's own records
# ---------------------------------------------------------------------------
def computed_records(target: Target, today: date) -> QuerySet | None:
    """The records a computed figure counts (for the click-through list)."""
    from agreements.models import Agreement
    from partners.models import Partner

    since = date(target.start_year, 1, 1)
    if target.computed == Target.Computed.NEW_PARTNERS:
        return Partner.objects.filter(relation_established_on__range=(since, today))
    if target.computed == Target.Computed.NEW_PROGRAMMES:
        return Agreement.objects.filter(
            kind__in=[Agreement.Kind.PROGRAMME, Agreement.Kind.PROJECT],
            signed_on__range=(since, today),
        ).exclude(
            state__in=[
                Agreement.State.PROPOSED,
                Agreement.State.CONSULTATION,
                Agreement.State.APPROVED,
            ]
        )
    if target.computed == Target.Computed.GEOPARKS:
        return Partner.objects.filter(parent__abbreviation="GGN")
    if target.computed == Target.Computed.REVIEW_SHARE:
        return Agreement.objects.in_force().not_reviewed_in(current_period(today))
    return None


RECORD_LIST_TITLES = {
    Target.Computed.NEW_PARTNERS: gettext_lazy("New partners counted"),
    Target.Computed.NEW_PROGRAMMES: gettext_lazy("Programmes and projects counted"),
    Target.Computed.GEOPARKS: gettext_lazy("Partner geoparks counted"),
    Target.Computed.REVIEW_SHARE: gettext_lazy("Agreements in force not yet reviewed this period"),
}
# A long list (every agreement not yet reviewed) is cut short: the registry's own pages page it.
RECORD_LIST_LIMIT = 100


@dataclass(frozen=True)
class RecordRow:
    label: str
    on: date | None
    url: str


@dataclass(frozen=True)
class RecordList:
    """The records behind a computed figure that one user may open."""

    title: str
    rows: list[RecordRow]
    total: int  # records the user may see (the rows are the first of them)
    hidden: int  # records counted in the figure that the user may not see

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def computed_record_list(
    target: Target, user, today: date, *, limit: int | None = None
) -> RecordList | None:
    """The click-through list of a computed target, in at most two queries whatever its length
    (how many the user may see, when they may not see them all, and the first rows), kept for
    the user as the figures are (``COMPUTED_CACHE_SECONDS``).

    Agreements are limited to ``Agreement.objects.visible_to(user)``; partners are visible to
    every user of the portal.
    """
    from agreements.models import Agreement

    records = computed_records(target, today)
    if records is None:
        return None
    # The user's agency and role decide what they see.
    scope = f"{user.pk}:{user.agency_id}:{getattr(user, 'role', '')}:{limit}"
    key = f"{_computed_key(_computed_version(), target, today)}:records:{scope}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    if records.model is Agreement:
        visible = records.visible_to(user)
        date_field, fields = "signed_on", ("number", "title_vi")
    else:
        visible = records
        date_field, fields = "relation_established_on", ("name_vi",)
    counted = _records_counted(target, today)
    # visible_to() hands back the queryset itself to those who see every agreement.
    total = counted if visible is records else visible.count()
    shown = visible.only("pk", date_field, *fields).order_by(
        F(date_field).desc(nulls_last=True), "-pk"
    )[: limit or RECORD_LIST_LIMIT]
    record_list = RecordList(
        title=str(RECORD_LIST_TITLES[target.computed]),
        rows=[RecordRow(str(r), getattr(r, date_field), r.get_absolute_url()) for r in shown],
        total=total,
        hidden=counted - total,
    )
    cache.set(key, record_list, COMPUTED_CACHE_SECONDS)
    return record_list


def _records_counted(target: Target, today: date) -> int:
    """How many records ``computed_records`` gives, from the figure's counts."""
    n, of = computed_counts([target], today)[target.pk]
    if target.computed == Target.Computed.REVIEW_SHARE:
        return of - n  # in force, less those reviewed in the period
    return n


def _count(queryset: QuerySet) -> Subquery:
    """``SELECT COUNT(*)`` of ``queryset``, as a scalar subquery."""
    return Subquery(
        queryset.order_by().values(n=Func(F("pk"), function="COUNT", output_field=IntegerField()))
    )


def _figure_expressions(target: Target, today: date) -> tuple[Any, Any] | None:
    """A computed figure as SQL: what it counts and, for a share, what it is a share of."""
    if target.computed == Target.Computed.REVIEW_SHARE:
        # As agreements.services.review_coverage counts it.
        from agreements.models import Agreement

        in_force = Agreement.objects.in_force()
        return _count(in_force.reviewed_in(current_period(today))), _count(in_force)
    if target.computed == Target.Computed.PROMOTION:
        # As delegations.services.promotion_activities counts it.
        from delegations.models import Conference, Delegation, Purpose

        promo, year = Purpose.promotion(), today.year
        delegations = Delegation.objects.done().filter(purpose__in=promo, actual_start__year=year)
        conferences = Conference.objects.filter(
            state=Conference.State.HELD, purpose__in=promo, start_on__year=year
        )
        return _count(delegations) + _count(conferences), None
    records = computed_records(target, today)
    return None if records is None else (_count(records), None)


def _counts(targets, today: date) -> dict[int, tuple[int, int | None] | None]:
    """The counts of the computed ``targets`` (by pk), in one query whatever their number: what
    each counts and, for a share, what it is a share of. Each is an uncorrelated subquery that
    the database runs once."""
    pks, counted, of = [], [], []
    for target in targets:
        expressions = _figure_expressions(target, today)
        if expressions is not None:
            pks.append(target.pk)
            counted.append(When(pk=target.pk, then=expressions[0]))
            if expressions[1] is not None:
                of.append(When(pk=target.pk, then=expressions[1]))
    values: dict[int, tuple[int, int | None] | None] = {t.pk: None for t in targets}
    if not pks:
        return values
    rows = (
        Target.objects.filter(pk__in=pks)
        .annotate(
            counted=Case(*counted, output_field=IntegerField()),
            of=Case(*of, default=Value(None), output_field=IntegerField()),
        )
        .values_list("pk", "counted", "of")
    )
    for pk, n, of in rows:
        values[pk] = (n, of)
    return values


def _figure(counts: tuple[int, int | None] | None) -> Decimal | None:
    """A count, or a share rounded as ``ReviewCoverage.percent`` rounds it (none of nothing)."""
    if counts is None:
        return None
    n, of = counts
    if of is None:
        return Decimal(n)
    return Decimal(round(100 * n / of)) if of else None


# Counting the whole register (every agreement in force and its reviews...) takes a while at
# a national scale, and every visit of the overview, a target or the leaders' dashboard shows
# the figures: they are kept for a minute. Saving or deleting a record they count forgets them
# at once (targets.signals); a bulk write, which sends no signal, shows within the minute.
COMPUTED_CACHE_SECONDS = 60
_COMPUTED_VERSION_KEY = "targets:computed:version"


def computed_values_forget() -> None:
    """Forget every cached computed figure: a record they count has changed."""
    cache.set(_COMPUTED_VERSION_KEY, uuid4().hex, None)


def _computed_version() -> str:
    return cache.get_or_set(_COMPUTED_VERSION_KEY, lambda: uuid4().hex, None)


def _computed_key(version: str, target: Target, today: date) -> str:
    return f"targets:computed:{version}:{target.pk}:{target.computed}:{target.start_year}:{today}"


def computed_counts(targets, today: date) -> dict[int, tuple[int, int | None] | None]:
    """The counts of the computed ``targets`` (by pk): from the cache, the missing ones counted
    in one query (see ``COMPUTED_CACHE_SECONDS``)."""
    version = _computed_version()
    keys = {target.pk: _computed_key(version, target, today) for target in targets}
    found = cache.get_many(keys.values()) if keys else {}
    missing = [target for target in targets if keys[target.pk] not in found]
    counted = _counts(missing, today) if missing else {}
    if counted:
        cache.set_many({keys[pk]: value for pk, value in counted.items()}, COMPUTED_CACHE_SECONDS)
    return {pk: found[key] if key in found else counted[pk] for pk, key in keys.items()}


def computed_values(targets, today: date) -> dict[int, Decimal | None]:
    """The figures of the computed ``targets`` (by pk)."""
    return {pk: _figure(counts) for pk, counts in computed_counts(targets, today).items()}


def computed_value(target: Target, today: date) -> Decimal | None:
    return computed_values([target], today)[target.pk]


# ---------------------------------------------------------------------------
# Status and trajectory
# ---------------------------------------------------------------------------
def _years_between(start: date, end: date) -> Decimal:
    return Decimal((end - start).days) / Decimal("365.25")


def evaluate(target: Target, points: list[Point], today: date) -> TargetState:
    points = sorted(points, key=lambda p: p.on)
    latest = points[-1] if points else None
    lower = target.target_min
    deadline = date(target.deadline_year, 12, 31)
    status, projection, pace = "no_data", None, None
    if latest is None:
        return TargetState(target, None, points, status, None, None)

    if lower is None and target.kind != Target.Kind.MILESTONE:
        # "Increase" targets without a number: judged against the baseline.
        status = "on_track" if latest.value > (target.baseline_value or 0) else "at_risk"
    elif target.kind == Target.Kind.MILESTONE:
        if latest.value >= 1:
            status = "achieved"
        elif today.year < target.deadline_year:
            status = "on_track"
        elif today.year == target.deadline_year:
            status = "at_risk"
        else:
            status = "off_track"
    elif target.kind == Target.Kind.PER_YEAR:
        year_points = [p for p in points if p.on.year == latest.on.year]
        value = max(p.value for p in year_points)
        if value >= lower:
            status = "achieved"
        elif latest.on.year < today.year:
            status = "off_track"  # the year is over and the floor was missed
        else:
            elapsed = Decimal((today - date(today.year, 1, 1)).days + 1) / Decimal(366)
            status = "on_track" if value >= lower * elapsed else "at_risk"
        projection = value
    elif target.kind == Target.Kind.CUMULATIVE:
        start = date(target.start_year, 1, 1)
        elapsed = max(_years_between(start, latest.on), Decimal("0.25"))
        total = _years_between(start, deadline)
        projection = (latest.value / elapsed * total).quantize(Decimal("0.1"))
        remaining = max(_years_between(latest.on, deadline), Decimal("0.25"))
        pace = max(Decimal(0), (lower - latest.value) / remaining).quantize(Decimal("0.1"))
        if latest.value >= lower:
            status = "achieved"
        elif projection >= lower:
            status = "on_track"
        elif projection >= lower * Decimal("0.8"):
            status = "at_risk"
        else:
            status = "off_track"
    else:  # percentage or index: trend of the measurements
        if latest.value >= lower:
            status = "achieved"
        elif len(points) < 2:
            status = "at_risk"
        else:
            first = points[0]
            span = _years_between(first.on, latest.on)
            slope = (latest.value - first.value) / span if span else Decimal(0)
            projection = (latest.value + slope * _years_between(latest.on, deadline)).quantize(
                Decimal("0.1")
            )
            if projection >= lower:
                status = "on_track"
            elif projection >= lower * Decimal("0.9"):
                status = "at_risk"
            else:
                status = "off_track"
    return TargetState(target, latest, points, status, projection, pace)


def target_states(targets, today: date | None = None) -> list[TargetState]:
    """Every target's state, in two queries: the measurements, and the computed figures."""
    today = today or timezone.localdate()
    targets = list(targets)
    by_target: dict[int, list[Point]] = {t.pk: [] for t in targets}
    for m in (
        Measurement.objects.filter(target__in=targets)
        .order_by()
        .only("target_id", "period_year", "period_kind", "value")
    ):
        by_target[m.target_id].append(Point(m.period.end, m.value))
    computed = computed_values([t for t in targets if t.source == Target.Source.COMPUTED], today)
    states = []
    for target in targets:
        points = by_target[target.pk]
        value = computed.get(target.pk)
        if value is not None:
            points = [*points, Point(today, value)]
        states.append(evaluate(target, points, today))
    return states


# ---------------------------------------------------------------------------
# Writes
# ---------------------------------------------------------------------------


EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


def _check_evidence_file(upload) -> None:
    """A PDF by its content (not its name), at most 20 MB; stored under a name of ours."""
    if upload.size > EVIDENCE_MAX_BYTES:
        raise DomainError({"evidence_file": _("The file is larger than 20 MB.")})
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise DomainError({"evidence_file": _("The evidence file must be a PDF.")})
    # The browser's name only lends its words: no path, unicode or overlong name reaches the
    # file system, and the extension is the real type's.
    upload.name = f"{file_stem(upload.name.rsplit('.', 1)[0], default='minh-chung')}.pdf"


@transaction.atomic
def measurement_record(
    *,
    target: Target,
    user,
    period: Period,
    value: Decimal,
    evidence: str = "",
    evidence_file=None,
) -> Measurement:
    """Enter (or correct: history keeps the earlier value) a target's value for a period."""
    if target.source == Target.Source.COMPUTED:
        raise DomainError(_("This target is computed from the portal's data."))
    if not can_enter_measurement(user, target):
        raise DomainError(
            _("Only the owner agency of this target or an official can enter its values.")
        )
    if value < 0:
        raise DomainError({"value": _("The value cannot be negative.")})
    if target.kind == Target.Kind.PERCENTAGE and value > 100:
        raise DomainError({"value": _("A percentage cannot exceed 100.")})
    if period.start > timezone.localdate():
        raise DomainError({"period": _("This period has not started yet.")})
    if evidence_file is not None:
        _check_evidence_file(evidence_file)
    measurement, _created = Measurement.objects.select_for_update().get_or_create(
        target=target,
        period_year=period.year,
        period_kind=period.kind,
        defaults={"value": value},
    )
    measurement.value = value
    measurement.evidence = nfc(evidence)
    if evidence_file is not None:
        measurement.evidence_file = evidence_file
    measurement.entered_by = user
    measurement.full_clean()
    measurement.save()
    return measurement


@transaction.atomic
def task_report_progress(*, task: Task, user, state: str, note: str, noted_on: date) -> Task:
    if not note.strip():
        raise DomainError({"note": _("Describe the progress.")})
    if noted_on > timezone.localdate():
        raise DomainError({"noted_on": _("The date cannot be in the future.")})
    task.state = state
    task.full_clean()
    task.save()
    TaskProgress.objects.create(task=task, noted_on=noted_on, note=nfc(note), noted_by=user)
    return task


# ---------------------------------------------------------------------------
# Plans and their task-assignment tables
# ---------------------------------------------------------------------------
PLAN_FIELDS = ("kind", "number", "issued_on", "issuer", "title")
TASK_FIELDS = ("text", "lead_agency", "deadline", "deadline_text", "order")


def _check_can_manage(user) -> None:
    if not can_manage_plans(user):
        raise DomainError(_("Only officials can change plans and their tasks."))


def _assign(obj, data: dict[str, Any], names: tuple[str, ...]) -> None:
    for name in names:
        if name in data:
            value = data[name]
            setattr(obj, name, nfc(value.strip()) if isinstance(value, str) else value)


@transaction.atomic
def plan_save(*, user, data: dict[str, Any], plan: TaskPlan | None = None) -> TaskPlan:
    """Create a plan with a task-assignment table, or edit ``plan``."""
    _check_can_manage(user)
    plan = plan or TaskPlan()
    _assign(plan, data, PLAN_FIELDS)
    taken = (
        TaskPlan.objects.filter(number=plan.number, issuer=plan.issuer).exclude(pk=plan.pk).exists()
    )
    if taken:
        raise DomainError({"number": _("This issuer already has a plan with this number.")})
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def task_save(
    *,
    user,
    plan: TaskPlan,
    data: dict[str, Any],
    coordinating_agencies=(),
    task: Task | None = None,
) -> Task:
    """Add a task to ``plan``'s table, or edit ``task``; an empty order puts it last."""
    _check_can_manage(user)
    if task is not None and task.plan_id != plan.pk:
        raise DomainError(_("This task belongs to another plan."))
    task = task or Task(plan=plan)
    _assign(task, data, TASK_FIELDS)
    if task.order is None:
        last = plan.tasks.exclude(pk=task.pk).order_by("-order").values_list("order", flat=True)
        task.order = (last.first() or 0) + 1
    coordinating = list(coordinating_agencies)
    if task.lead_agency_id and any(a.pk == task.lead_agency_id for a in coordinating):
        raise DomainError(
            {"coordinating_agencies": _("The lead agency cannot also be a coordinating agency.")}
        )
    task.full_clean()
    task.save()
    task.coordinating_agencies.set(coordinating)
    return task


@transaction.atomic
def task_delete(*, user, task: Task) -> None:
    """Remove a task entered by mistake; a task with progress notes stays (they are its
    record), and is marked done or edited instead."""
    _check_can_manage(user)
    # The lock waits for a progress note being written at the same moment.
    locked = Task.objects.select_for_update().filter(pk=task.pk).first()
    if locked is None:
        return
    if locked.progress.exists():
        raise DomainError(
            _(
                "This task cannot be deleted: progress has already been reported on it. "
                "Edit it or mark it done instead."
            )
        )
    locked.delete()
