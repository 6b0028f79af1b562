"""The figures the portal already knows, gathered for a report.

Everything returned here is plain JSON (numbers, strings, lists, dicts): it is stored as is
in a submitted version or an issued report, so that later edits to the data never change what
was sent. Dates are written dd/mm/yyyy, as they are printed.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.formats import number_format
from django_countries import countries

from accounts.counting import count_each

from .periods import Period


def _dmy(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _number(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    value = Decimal(value)
    places = 0 if value == value.to_integral_value() else 2
    return number_format(value.normalize() if places else value, places, force_grouping=True)


def _signed_rows(signed) -> list[dict]:
    """The agreements signed, with their partners' names, in one query: one row per
    agreement and partner (an agreement without partners: one row), in the order of the list
    and, within an agreement, of the partners' names."""
    rows: dict[int, dict] = {}
    for agreement in (
        signed.select_related("lead_agency")
        .annotate(partner_name=F("partners__name_vi"))
        .order_by("signed_on", "id", "partners__name_vi", "partners__id")
    ):
        row = rows.get(agreement.pk)
        if row is None:
            row = rows[agreement.pk] = {
                "number": agreement.number,
                "title": agreement.title_vi,
                "kind": str(agreement.get_kind_display()),
                "partners": [],
                "signed_on": _dmy(agreement.signed_on),
                "lead_agency": agreement.lead_agency.short_name or agreement.lead_agency.name,
            }
        if agreement.partner_name is not None:
            row["partners"].append(agreement.partner_name)
    return [{**row, "partners": "; ".join(row["partners"])} for row in rows.values()]


def _agreement_figures(period: Period, agency=None) -> dict:
    from agreements.models import Agreement, Output

    agreements = Agreement.objects.all()
    outputs = Output.objects.all()
    if agency is not None:
        agreements = agreements.filter(lead_agency=agency)
        outputs = outputs.filter(agreement__lead_agency=agency)
    in_force = agreements.in_force()
    counts = count_each(
        {
            "in_force": in_force,
            "reviewed": in_force.reviewed_in(period),
            "outputs": outputs,
            "outputs_done": (outputs, Q(status=Output.Status.ACHIEVED)),
        }
    )
    signed = _signed_rows(agreements.signed_between(period.start, period.end))
    in_force_count, reviewed = counts["in_force"], counts["reviewed"]
    return {
        "agreements_signed": len(signed),
        "agreements_in_force": in_force_count,
        "agreements_reviewed": reviewed,
        "review_percent": round(100 * reviewed / in_force_count) if in_force_count else None,
        "outputs_total": counts["outputs"],
        "outputs_done": counts["outputs_done"],
        "signed_list": signed,
    }


def _delegation_figures(period: Period, agency=None) -> dict:
    from delegations.models import Conference, Delegation, Direction

    done = Delegation.objects.done().filter(actual_start__range=(period.start, period.end))
    if agency is not None:
        done = done.filter(host_agency=agency)
    # Per direction and country; the totals per direction (delegations.services.
    # delegation_totals: the same delegations) are their sums.
    by_country: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in done.values("direction", "country").annotate(
        n=Count("id", distinct=True), members=Count("members")
    ):
        cell = by_country[(row["direction"], row["country"])]
        cell[0] += row["n"]
        cell[1] += row["n"] + row["members"]
    totals = {direction: [0, 0] for direction in Direction.values}
    for (direction, _code), (delegations, people) in by_country.items():
        totals[direction][0] += delegations
        totals[direction][1] += people

    def rows(direction: str) -> list[dict]:
        return sorted(
            (
                {"country": str(countries.name(code)) or code, "delegations": d, "people": p}
                for (dirn, code), (d, p) in by_country.items()
                if dirn == direction
            ),
            key=lambda r: (-r["delegations"], r["country"]),
        )

    # The conferences held (delegations.services.conference_totals counts the same ones).
    conferences = Conference.objects.filter(
        state=Conference.State.HELD, start_on__range=(period.start, period.end)
    )
    if agency is not None:
        conferences = conferences.filter(organiser=agency)
    conferences = list(conferences.select_related("organiser").order_by("start_on", "id"))
    return {
        "outbound_delegations": totals[Direction.OUTBOUND][0],
        "outbound_people": totals[Direction.OUTBOUND][1],
        "inbound_delegations": totals[Direction.INBOUND][0],
        "inbound_people": totals[Direction.INBOUND][1],
        "outbound_by_country": rows(Direction.OUTBOUND),
        "inbound_by_country": rows(Direction.INBOUND),
        "conferences": len(conferences),
        "conference_list": [
            {
                "title": c.title,
                "dates": f"{_dmy(c.start_on)} – {_dmy(c.end_on)}",
                "place": c.place,
                "organiser": c.organiser.short_name or c.organiser.name,
                "foreign_participants": c.foreign_participants,
            }
            for c in conferences
        ],
    }


def _task_rows(tasks, today: date) -> list[dict]:
    return [
        {
            "text": t.text,
            "lead_agency": t.lead_agency.short_name or t.lead_agency.name,
            "deadline": t.deadline_text or _dmy(t.deadline),
            "state": str(t.get_state_display()),
            "overdue": t.is_overdue(today),
        }
        for t in tasks
    ]


def agency_figures(*, agency, period: Period, today: date | None = None) -> dict:
    """What the portal knows of one agency for one period, to pre-fill its report."""
    from targets.models import Measurement, Task

    today = today or timezone.localdate()
    figures = {**_agreement_figures(period, agency), **_delegation_figures(period, agency)}
    measurements = (
        Measurement.objects.filter(
            target__owner_agency=agency, period_year=period.year, period_kind=period.kind
        )
        .select_related("target")
        .order_by("target__order", "target__code")
    )
    figures["measurements"] = [
        {
            "code": m.target.code,
            "target": m.target.text_vi,
            "value": _number(m.value),
            "unit": m.target.unit,
        }
        for m in measurements
    ]
    tasks = list(
        Task.objects.filter(lead_agency=agency)
        .select_related("lead_agency")
        .order_by("deadline", "order", "id")
    )
    figures["tasks"] = _task_rows(tasks, today)
    figures["tasks_overdue"] = sum(1 for row in figures["tasks"] if row["overdue"])
    figures["computed_on"] = _dmy(today)
    return figures


def target_rows(today: date) -> list[dict]:
    """Every 2030 target with its latest value, status and the points of its chart."""
    from targets.charts import target_chart_svg
    from targets.models import Target
    from targets.services import target_states

    states = target_states(
        Target.objects.select_related("owner_agency").order_by("group", "order", "code"), today
    )
    rows = []
    for state in states:
        target = state.target
        rows.append(
            {
                "code": target.code,
                "group": str(target.get_group_display()),
                "text": target.text_vi,
                "unit": target.unit,
                "target_min": _number(target.target_min),
                "target_max": _number(target.target_max),
                "latest": _number(state.latest.value) if state.latest else "",
                "latest_on": _dmy(state.latest.on) if state.latest else "",
                "status": state.status,
                "status_label": state.status_label,
                "owner": target.owner_agency.short_name or target.owner_agency.name,
                "points": [[p.on.isoformat(), str(p.value)] for p in state.points],
                # Drawn now, so that an issued report keeps the chart of its day.
                "chart": target_chart_svg(state, width=560),
            }
        )
    return rows


def province_figures(*, period: Period, today: date | None = None) -> dict:
    """The portal's own figures for the consolidated 6-month or annual report."""
    from targets.models import Task

    today = today or timezone.localdate()
    overdue = Task.objects.overdue(today).select_related("lead_agency").order_by("deadline", "id")
    return {
        **_agreement_figures(period),
        **_delegation_figures(period),
        "targets": target_rows(today),
        "overdue_tasks": _task_rows(overdue, today),
        "period_start": _dmy(period.start),
        "period_end": _dmy(period.end),
        "computed_on": _dmy(today),
    }
