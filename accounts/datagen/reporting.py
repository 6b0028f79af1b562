"""The 2030 targets with their measurements, plans with task-assignment tables, reporting
periods and the agencies' reports (drafts, submitted versions with their frozen figures,
returns and acceptances)."""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import date, datetime, timedelta
from decimal import Decimal

from django_countries import countries

from reports.figures import _dmy, _number
from reports.models import (
    AgencyReport,
    AgencyReportVersion,
    ReportComment,
    ReportingPeriod,
)
from reports.periods import Period, PeriodKind
from reports.sections import PERIOD_KEYS
from reports.services import default_deadline
from targets.demo import CATALOGUE
from targets.demo import TASKS as DEMO_TASKS
from targets.models import Measurement, Target, Task, TaskPlan, TaskProgress

from . import words
from .agreements import periods_until
from .context import Context
from .writer import HistoryRow, Through

TARGET_COLUMNS = (
    "id", "code", "text_vi", "text_en", "group", "unit", "kind", "target_min", "target_max",
    "baseline_value", "baseline_year", "start_year", "deadline_year", "owner_agency_id",
    "source", "computed", "order",
)  # fmt: skip
MEASUREMENT_COLUMNS = (
    "id", "target_id", "period_year", "period_kind", "value", "evidence", "evidence_file",
    "entered_by_id", "entered_at",
)  # fmt: skip
REPORT_COLUMNS = (
    "id", "period_id", "agency_id", "state", "sections", "first_submitted_at", "submitted_at",
    "submitted_by_id", "updated_at", "updated_by_id",
)  # fmt: skip
VERSION_COLUMNS = (
    "id", "report_id", "number", "sections", "figures", "submitted_at", "submitted_by_id", "pdf",
)  # fmt: skip
K = Target.Kind
R = AgencyReport.State


# ---------------------------------------------------------------------------------------------
# Targets and measurements
# ---------------------------------------------------------------------------------------------
def _trajectory(rng: random.Random, target: tuple, steps: int) -> list[Decimal]:
    """Values of ``steps`` consecutive periods moving towards the target."""
    _code, _group, _text, unit, kind, low, high, _owner, _computed = target
    goal = Decimal(low if low is not None else (high or rng.choice([50, 120, 300])))
    values = []
    if kind == K.MILESTONE:
        done_at = rng.randrange(steps // 2, steps + 3)
        return [Decimal(1 if i >= done_at else 0) for i in range(steps)]
    start = rng.uniform(0.35, 0.75)
    finish = rng.uniform(0.75, 1.1)
    for i in range(steps):
        share = start + (finish - start) * i / max(1, steps - 1) + rng.uniform(-0.03, 0.03)
        if kind == K.PER_YEAR:
            share = rng.uniform(0.3, 0.7) if i % 2 == 0 else rng.uniform(0.8, 1.5)
        value = (goal * Decimal(str(round(share, 4)))).quantize(Decimal("0.01"))
        if kind == K.PERCENTAGE or unit == "%":
            value = min(value, Decimal(100))
        if kind == K.CUMULATIVE and values:
            value = max(value, values[-1])
        values.append(max(value, Decimal(0)))
    return values


def build_targets(ctx: Context) -> None:
    rng = ctx.rng("targets")
    table = ctx.writer.table(Target, TARGET_COLUMNS)
    contributing = Through(ctx.writer, Target, "contributing_agencies")
    measurements = ctx.writer.table(Measurement, MEASUREMENT_COLUMNS)
    home = ctx.provinces[0]
    periods = periods_until(ctx.today, ctx.today.year - ctx.scale.report_years + 1)
    by_owner: dict[int, dict[tuple[int, str], list[tuple]]] = {}
    ctx.facts["measurements_by_owner"] = by_owner
    created = ctx.entered(date(2026, 1, 20), rng)
    for order, entry in enumerate(CATALOGUE, start=1):
        code, group, text, unit, kind, low, high, owner_code, computed = entry
        owner = home.by_code.get(owner_code) or ctx.owner
        target_id = table.next_id()
        baseline = None
        if not computed:
            baseline = (Decimal(low or 60) * Decimal("0.5")).quantize(Decimal("0.01"))
        row = (
            target_id, code, text, "", str(group), unit, str(kind),
            None if low is None else Decimal(low), None if high is None else Decimal(high),
            baseline, 2025 if baseline is not None else None, 2026, 2030, owner.id,
            Target.Source.COMPUTED if computed else Target.Source.ENTERED, computed, order,
        )  # fmt: skip
        helpers = [a.id for a in rng.sample(home.departments, min(3, len(home.departments)))]
        pairs = contributing.add(target_id, [a for a in helpers if a != owner.id])
        history = HistoryRow(row, created, ctx.official(rng), m2m={"contributing_agencies": pairs})
        table.add(row, history=[history])
        if computed:
            continue
        for period, value in zip(periods, _trajectory(rng, entry, len(periods)), strict=True):
            if period.start > ctx.today:
                continue
            by = owner.writer_id if owner.writer_id and rng.random() < 0.7 else ctx.official(rng)
            at = ctx.at(min(period.end + timedelta(days=rng.randrange(3, 20)), ctx.today), rng)
            m = (
                measurements.next_id(), target_id, period.year, str(period.kind), value,
                rng.choice(words.MEASUREMENT_EVIDENCE), "", by, at,
            )  # fmt: skip
            measurements.add(m, history=[HistoryRow(m, at, by)])
            by_owner.setdefault(owner.id, {}).setdefault(
                (period.year, str(period.kind)), []
            ).append((order, code, text, value, unit))


# ---------------------------------------------------------------------------------------------
# Plans and tasks
# ---------------------------------------------------------------------------------------------
def build_tasks(ctx: Context) -> None:
    rng = ctx.rng("tasks")
    plans = ctx.writer.table(TaskPlan, ("id", "kind", "number", "issued_on", "issuer", "title"))
    tasks = ctx.writer.table(
        Task,
        ("id", "plan_id", "text", "lead_agency_id", "deadline", "deadline_text", "state", "order"),
    )
    coordinating = Through(ctx.writer, Task, "coordinating_agencies")
    notes = ctx.writer.table(TaskProgress, ("id", "task_id", "noted_on", "note", "noted_by_id"))
    by_lead: dict[int, list[tuple]] = {}
    ctx.facts["tasks_by_lead"] = by_lead
    home = ctx.provinces[0]
    every = [a for p in ctx.provinces for a in p.departments]
    first = ctx.today.year - ctx.scale.report_years + 1
    for year in range(first, ctx.today.year + 1):
        issued = min(date(year, 2, 10) - timedelta(days=rng.randrange(0, 30)), ctx.today)
        if year == 2026:
            number = "KH-UBND/2026"
            title = (
                "Kế hoạch thực hiện Kết luận số 125-KL/TW, Nghị quyết số 02/NQ-CP và Chương "
                "trình số 17-CTr/TU về công tác đối ngoại năm 2026"
            )
        else:
            number = f"{rng.randrange(10, 99)}/KH-UBND"
            title = f"Kế hoạch công tác đối ngoại năm {year}"
        plan_id = plans.next_id()
        row = (plan_id, "plan", number, issued, "UBND tỉnh", title)
        at = ctx.entered(issued, rng)
        plans.add(row, history=[HistoryRow(row, at, ctx.official(rng))])
        rows = []
        if year == 2026:
            for lead, text, deadline, written in DEMO_TASKS:
                rows.append((home.by_code.get(lead) or ctx.owner, text, deadline, written))
        while len(rows) < ctx.scale.tasks_per_plan:
            month = rng.randrange(3, 13)
            deadline = date(year, month, 28)
            text = rng.choice(words.TASK_TEXTS).format(y=year, y1=year + 1)
            written = rng.choice(
                [f"Trong tháng {month:02d}/{year}", f"Trước ngày 28/{month:02d}/{year}", ""]
            )
            rows.append((rng.choice(every), text, deadline, written))
        for order, (lead, text, deadline, written) in enumerate(rows, start=1):
            if deadline and deadline < ctx.today:
                state = rng.choices(["done", "in_progress", "not_started"], [80, 15, 5])[0]
            else:
                state = rng.choices(["done", "in_progress", "not_started"], [15, 45, 40])[0]
            task_id = tasks.next_id()
            initial = (task_id, plan_id, text, lead.id, deadline, written, "not_started", order)
            history = [HistoryRow(initial, at, ctx.official(rng))]
            coordinating.add(
                task_id, [a.id for a in rng.sample(every, rng.choice([0, 1, 2])) if a is not lead]
            )
            final = initial
            if state != "not_started":
                noted_on = min(
                    (deadline or ctx.today) - timedelta(days=rng.randrange(0, 40)), ctx.today
                )
                noted_on = max(noted_on, issued)
                by = lead.writer_id or ctx.official(rng)
                when = max(ctx.at(noted_on, rng), at + timedelta(seconds=1))
                final = (*initial[:6], state, order)
                history.append(HistoryRow(final, when, by, "~"))
                note = (notes.next_id(), task_id, noted_on, rng.choice(words.PROGRESS_NOTES), by)
                notes.add(note, history=[HistoryRow(note, when, by)])
            tasks.add(final, history=history)
            by_lead.setdefault(lead.id, []).append(
                (
                    deadline or date(year, 12, 31),
                    order,
                    task_id,
                    text,
                    lead.short_name,
                    written,
                    deadline,
                    state,
                    issued,
                )
            )


# ---------------------------------------------------------------------------------------------
# Frozen figures of a submitted version (reports.figures.agency_figures, from what was built)
# ---------------------------------------------------------------------------------------------
class Figures:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.agreements = ctx.facts.get("agreements_by_lead", {})
        self.delegations = ctx.facts.get("delegations_by_host", {})
        self.conferences = ctx.facts.get("conferences_by_organiser", {})
        self.measurements = ctx.facts.get("measurements_by_owner", {})
        self.tasks = ctx.facts.get("tasks_by_lead", {})
        self.kind_labels = ctx.facts.get("kind_labels", {})
        self.period_index = ctx.facts.get("period_index", {})
        self.task_labels = {k: str(v) for k, v in Task.State.choices}
        self.country_names: dict[str, str] = {}

    def country(self, code: str) -> str:
        if code not in self.country_names:
            self.country_names[code] = str(countries.name(code)) or code
        return self.country_names[code]

    def agency(self, agency_id: int, period: Period, day: date) -> dict:
        start, end = period.start, period.end
        signed, in_force, reviewed, outputs_total, outputs_done = [], 0, 0, 0, 0
        key = (period.year, str(period.kind))
        bit = 1 << self.period_index[period] if period in self.period_index else 0
        for a in self.agreements.get(agency_id, ()):
            (
                aid,
                number,
                title,
                kind,
                partners,
                signed_on,
                lead,
                effective,
                until,
                outputs,
                achieved,
                reviewed_mask,
                created_on,
            ) = a
            if created_on > day:
                continue
            if signed_on and start <= signed_on <= end:
                signed.append((signed_on, aid, number, title, kind, partners, lead))
            if effective and effective <= day and (until is None or until >= day):
                in_force += 1
                reviewed += bool(reviewed_mask & bit)
            outputs_total += outputs
            outputs_done += bisect_right(achieved, day)  # achieved by their due date
        signed.sort()
        tallies = {"outbound": [0, 0], "inbound": [0, 0]}
        by_country: dict[tuple[str, str], list[int]] = {}
        for direction, country, started, people in self.delegations.get(agency_id, ()):
            if started and start <= started <= end:
                tallies[direction][0] += 1
                tallies[direction][1] += people
                cell = by_country.setdefault((direction, country), [0, 0])
                cell[0] += 1
                cell[1] += people

        def rows(direction: str) -> list[dict]:
            return sorted(
                (
                    {"country": self.country(code), "delegations": d, "people": p}
                    for (dirn, code), (d, p) in by_country.items()
                    if dirn == direction
                ),
                key=lambda r: (-r["delegations"], r["country"]),
            )

        held = sorted(c for c in self.conferences.get(agency_id, ()) if start <= c[0] <= end)
        measured = sorted(self.measurements.get(agency_id, {}).get(key, ()))
        tasks = sorted(t for t in self.tasks.get(agency_id, ()) if t[8] <= day)
        task_rows = [
            {
                "text": text,
                "lead_agency": lead,
                "deadline": written or _dmy(deadline),
                "state": self.task_labels[state],
                "overdue": state != "done" and deadline is not None and deadline < day,
            }
            for _sort, _order, _id, text, lead, written, deadline, state, _issued in tasks
        ]
        return {
            "agreements_signed": len(signed),
            "agreements_in_force": in_force,
            "agreements_reviewed": reviewed,
            "review_percent": round(100 * reviewed / in_force) if in_force else None,
            "outputs_total": outputs_total,
            "outputs_done": outputs_done,
            "signed_list": [
                {
                    "number": number,
                    "title": title,
                    "kind": self.kind_labels.get(kind, kind),
                    "partners": partners,
                    "signed_on": _dmy(signed_on),
                    "lead_agency": lead,
                }
                for signed_on, _aid, number, title, kind, partners, lead in signed
            ],
            "outbound_delegations": tallies["outbound"][0],
            "outbound_people": tallies["outbound"][1],
            "inbound_delegations": tallies["inbound"][0],
            "inbound_people": tallies["inbound"][1],
            "outbound_by_country": rows("outbound"),
            "inbound_by_country": rows("inbound"),
            "conferences": len(held),
            "conference_list": [
                {
                    "title": title,
                    "dates": f"{_dmy(s)} – {_dmy(e)}",
                    "place": place,
                    "organiser": organiser,
                    "foreign_participants": foreign,
                }
                for s, _id, e, title, place, organiser, foreign in held
            ],
            "measurements": [
                {"code": code, "target": text, "value": _number(value), "unit": unit}
                for _order, code, text, value, unit in measured
            ],
            "tasks": task_rows,
            "tasks_overdue": sum(1 for row in task_rows if row["overdue"]),
            "computed_on": _dmy(day),
        }


# ---------------------------------------------------------------------------------------------
# Periods and agency reports
# ---------------------------------------------------------------------------------------------
def _narrative(
    rng: random.Random, agency_name: str, period: Period, figures: dict
) -> dict[str, str]:
    when = (
        f"6 tháng đầu năm {period.year}"
        if period.kind == PeriodKind.SEMIANNUAL
        else f"năm {period.year}"
    )
    values = {
        "agency": agency_name,
        "period": when,
        "n": figures["agreements_signed"] or rng.randrange(1, 6),
        "m": figures["agreements_reviewed"] or rng.randrange(1, 10),
        "n2": figures["inbound_delegations"],
    }
    sections = {}
    for key in PERIOD_KEYS:
        pool = words.SECTION_SENTENCES[key]
        if key == "delegations":
            values["n"], values["m"] = figures["outbound_delegations"], figures["outbound_people"]
        elif key == "conferences":
            values["n"] = figures["conferences"]
        optional = key in ("conferences", "ngo_aid", "consular", "border", "economic", "cultural")
        if optional and rng.random() < 0.5:
            sections[key] = ""
            continue
        chosen = rng.sample(pool, min(len(pool), rng.choice([1, 2])))
        sections[key] = " ".join(s.format(**values) for s in chosen)
        values["n"] = rng.randrange(1, 8)
        values["m"] = rng.randrange(2, 50)
    return sections


def build_reports(ctx: Context) -> None:
    rng = ctx.rng("reports")
    w = ctx.writer
    periods_table = w.table(ReportingPeriod, ("id", "year", "kind", "deadline", "created_at"))
    expected = Through(w, ReportingPeriod, "expected_agencies")
    reports = w.table(AgencyReport, REPORT_COLUMNS)
    versions = w.table(AgencyReportVersion, VERSION_COLUMNS)
    comments = w.table(
        ReportComment, ("id", "report_id", "version_id", "kind", "text", "author_id", "created_at")
    )
    figures = Figures(ctx)
    agencies = [
        a for p in ctx.provinces for a in p.agencies
        if a.kind != "provincial_body" and a is not ctx.owner
    ]  # fmt: skip
    today = ctx.today
    for period in periods_until(today, today.year - ctx.scale.report_years + 1):
        deadline = default_deadline(period)
        created = ctx.at(min(period.end - timedelta(days=30), today), rng)
        period_id = periods_table.next_id()
        row = (period_id, period.year, str(period.kind), deadline, created)
        by = ctx.official(rng)
        pairs = expected.add(period_id, [a.id for a in agencies])
        periods_table.add(
            row,
            history=[
                HistoryRow(row, created, by, "+", None, {"expected_agencies": []}),
                HistoryRow(row, created, by, "~", None, {"expected_agencies": pairs}),
            ],
        )
        open_period = deadline >= today
        for agency in agencies:
            _report(
                ctx,
                rng,
                figures,
                reports,
                versions,
                comments,
                period,
                period_id,
                deadline,
                agency,
                open_period,
            )


def _report(
    ctx, rng, figures, reports, versions, comments, period, period_id, deadline, agency, open_period
) -> None:
    today = ctx.today
    r = rng.random()
    if open_period:
        final = "missing" if r < 0.6 else "draft" if r < 0.92 else "submitted"
    else:
        final = (
            "missing" if r < 0.04 else "draft" if r < 0.08 else "returned" if r < 0.11
            else "submitted" if r < 0.17 else "accepted"
        )  # fmt: skip
    if final == "missing" or agency.head_id is None:
        return
    writer_id = agency.writer_id
    head_id = agency.head_id
    late = rng.random() < 0.12
    opened_on = min(deadline - timedelta(days=rng.randrange(8, 30)), today)
    opened = ctx.at(opened_on, rng)
    report_id = reports.next_id()
    state = {"sections": {}, "first": None, "submitted": None, "by": None}
    history: list[HistoryRow] = []
    clock = [opened]

    def snapshot(
        kind: str, reason: str | None, user: int, when: datetime, report_state: str, updated_by: int
    ):
        row = (
            report_id, period_id, agency.id, report_state, state["sections"], state["first"],
            state["submitted"], state["by"], when, updated_by,
        )  # fmt: skip
        history.append(HistoryRow(row, when, user, kind, reason))
        return row

    def later(days_low: int, days_high: int, floor: date | None = None) -> datetime | None:
        day = clock[-1].date() + timedelta(days=rng.randrange(days_low, days_high + 1))
        if floor and day < floor:
            day = floor
        if day > today:
            return None
        moment = max(ctx.at(day, rng), clock[-1] + timedelta(minutes=5))
        if moment > ctx.now:
            return None
        clock.append(moment)
        return moment

    last = snapshot("+", None, writer_id, opened, R.DRAFT, writer_id)
    saved = later(0, 4)
    if saved is None:
        reports.add(last, history=history)
        return
    day = saved.date()
    figures_now = figures.agency(agency.id, period, day)
    state["sections"] = _narrative(rng, agency.name, period, figures_now)
    last = snapshot("~", "draft saved", writer_id, saved, R.DRAFT, writer_id)
    updated_by = writer_id
    if final == "draft":
        reports.add(last, history=history)
        return
    rounds = 2 if final == "accepted" and rng.random() < 0.15 else 1
    if final == "returned":
        rounds = 1
    for number in range(1, rounds + 1):
        floor = deadline + timedelta(days=rng.randrange(1, 20)) if late and number == 1 else None
        if floor is None and number == 1:
            floor = deadline - timedelta(days=rng.randrange(0, 7))
        submitted_at = later(0, 3, floor)
        if submitted_at is None:
            break
        version_figures = figures.agency(agency.id, period, submitted_at.date())
        version_id = versions.next_id()
        version = (
            version_id,
            report_id,
            number,
            state["sections"],
            version_figures,
            submitted_at,
            head_id,
            "",
        )
        versions.add(version, history=[HistoryRow(version, submitted_at, head_id)])
        state["first"] = state["first"] or submitted_at
        state["submitted"], state["by"] = submitted_at, head_id
        last = snapshot("~", f"submitted v{number}", head_id, submitted_at, R.SUBMITTED, updated_by)
        if final == "submitted":
            break
        decided = later(1, 8)
        if decided is None:
            break
        official = ctx.official(rng)
        if final == "returned" or number < rounds:
            text = rng.choice(words.RETURN_REASONS)
            last = snapshot("~", "returned", official, decided, R.RETURNED, updated_by)
            comment = (
                comments.next_id(),
                report_id,
                version_id,
                "returned",
                text,
                official,
                decided,
            )
            comments.add(comment, history=[HistoryRow(comment, decided, official)])
            if final == "returned":
                break
            revised = later(1, 6)
            if revised is None:
                break
            sections = dict(state["sections"])
            sections["delegations"] = (
                sections.get("delegations", "") + " Đã bổ sung số liệu theo yêu cầu."
            ).strip()
            state["sections"] = sections
            last = snapshot("~", "draft saved", writer_id, revised, R.RETURNED, writer_id)
        else:
            last = snapshot("~", "accepted", official, decided, R.ACCEPTED, updated_by)
            comment = (
                comments.next_id(),
                report_id,
                version_id,
                "accepted",
                rng.choice(words.ACCEPT_NOTES),
                official,
                decided,
            )
            comments.add(comment, history=[HistoryRow(comment, decided, official)])
    reports.add(last, history=history)
