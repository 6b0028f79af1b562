"""Forms at their bounds: impossible or out-of-range dates, an end before its start, negative
and huge counts, duplicate numbers, text where a number goes.

Each main create/edit form of every app is first posted with good values (it saves), then
with each bad one: the answer is the form again (200) with an error on the field, in
Vietnamese, and nothing written; never a server error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.forms import BaseForm, BaseFormSet
from django.urls import reverse

from agreements.models import EvaluationCriterion, FieldOfCooperation
from reports import jobs
from reports import services as report_services
from reports.models import ConsolidatedReport
from reports.periods import PeriodKind
from tests.delegations.factories import (
    ConferenceFactory,
    DelegationFactory,
    PlanFactory,
)
from tests.factories import AgreementFactory, OutputFactory, PartnerFactory, UserFactory
from tests.hardening.fuzzfiles import is_vietnamese
from tests.targets.factories import TargetFactory, TaskFactory, TaskPlanFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 7, 1)
# Dates no form may take: year 1 and 9999 parse (dd/mm/yyyy) but are no dates of the
# registers; the others do not parse at all.
BAD_DATES = ["01/01/0001", "31/12/9999", "31/02/2026", "29/02/2025", "hôm nay", "01/01/2101"]
BAD_COUNTS = ["-1", "abc", "99999999999999999999", "NaN"]
APPS = ("accounts", "partners", "agreements", "delegations", "targets", "reports")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@dataclass
class Case:
    """A form: where it is posted, who posts it, good values, and the bad ones."""

    name: str
    url: Callable[[dict], str]
    user: str
    good: Callable[[dict], dict[str, Any]]
    dates: list[str] = field(default_factory=list)  # date fields
    counts: list[str] = field(default_factory=list)  # fields that take a count or a number
    # (field values, the field that must carry the error)
    bad: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    # A small form posted from a record's page answers a bad value with a redirect back to
    # that page and an error message (not with the form again).
    in_message: bool = False


@pytest.fixture
def world(owner_agency, agency, other_agency, official, reporter, administrator):
    partner = PartnerFactory(name_vi="Tỉnh Xiêng Khoảng", country="LA")
    agreement = AgreementFactory(number="01/2024/BGN-XK", lead_agency=agency, partners=[partner])
    AgreementFactory(number="02/2024/BGN-XK", lead_agency=agency, partners=[partner])
    to_sign = AgreementFactory(
        lead_agency=agency,
        state="approved",
        signed_on=None,
        effective_on=None,
        end_on=None,
        partners=[partner],
    )
    output = OutputFactory(agreement=agreement, responsible_agency=agency)
    notice_agreement = AgreementFactory(lead_agency=agency, partners=[partner])
    from agreements import services as agreement_services

    agreement_services.agreement_record_event(
        agreement=notice_agreement,
        kind="amendment",
        occurred_on=date(2026, 6, 20),
        user=official,
        note="Sửa đổi",
    )
    notice = notice_agreement.notices.get()
    plan = PlanFactory(year=2026, direction="outbound")
    delegation = DelegationFactory(host_agency=agency, planned_start=date(2026, 6, 10))
    approved = DelegationFactory(host_agency=agency, planned_start=date(2026, 5, 10), approved=True)
    conference = ConferenceFactory(organiser=agency, start_on=date(2026, 9, 10))
    held = ConferenceFactory(organiser=agency, start_on=date(2026, 5, 4), state="approved")
    target = TargetFactory(code="4.1", owner_agency=agency)
    task_plan = TaskPlanFactory(number="15/KH-UBND")
    task = TaskFactory(plan=task_plan, lead_agency=agency)
    head = UserFactory(agency=agency, is_agency_head=True, username="head")
    period = report_services.period_save(
        user=None,
        year=2026,
        kind=PeriodKind.SEMIANNUAL,
        deadline=date(2026, 6, 19),
        expected_agencies=[agency],
    )
    report = report_services.report_open(period=period, agency=agency, user=head)
    report_services.report_save_draft(report=report, user=head, sections={"relations": "Có"})
    report_services.report_submit(report=report, user=head)
    report_services.report_accept(report=report, user=official)
    job = report_services.consolidated_start(user=official, kind="semiannual", year=2026)
    jobs.job_run(job_id=job.pk)
    return {
        "owner": owner_agency,
        "agency": agency,
        "partner": partner,
        "agreement": agreement,
        "to_sign": to_sign,
        "output": output,
        "notice": notice,
        "plan": plan,
        "delegation": delegation,
        "approved": approved,
        "conference": conference,
        "held": held,
        "target": target,
        "task_plan": task_plan,
        "task": task,
        "period": period,
        "consolidated": ConsolidatedReport.objects.get(),
        "field": FieldOfCooperation.objects.first(),
        "official": official,
        "reporter": reporter,
        "head": head,
        "administrator": administrator,
    }


def agreement_data(w, **extra) -> dict:
    return {
        "kind": "mou",
        "number": "99/2026/BGN",
        "title_vi": "Biên bản ghi nhớ hợp tác",
        "partners": [w["partner"].pk],
        "signing_level": "province",
        "state": "in_force",
        "signed_on": "10/03/2026",
        "effective_on": "15/03/2026",
        "end_on": "15/03/2031",
        "signer_vn_name": "Nguyễn Văn A",
        "signer_partner_name": "Kim B",
        "lead_agency": w["agency"].pk,
        "objectives": "Tăng cường hợp tác.",
        "evaluation_mechanism": "Đánh giá hằng năm.",
        "is_public": "on",
        **extra,
    }


def delegation_data(w, **extra) -> dict:
    return {
        "direction": "outbound",
        "title": "Đoàn công tác tại Hàn Quốc",
        "purpose": "investment",
        "country": "KR",
        "head_name": "Nguyễn Văn A",
        "head_title": "Phó Chủ tịch",
        "planned_start": "10/09/2026",
        "planned_end": "15/09/2026",
        "host_agency": w["agency"].pk,
        "funding_source": "state_budget",
        "budget": "150000000",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        "members-0-name": "Trần Thị B",
        "members-0-title": "Chuyên viên",
        **extra,
    }


def conference_data(w, **extra) -> dict:
    return {
        "title": "Hội thảo xúc tiến du lịch",
        "purpose": "tourism",
        "organiser": w["agency"].pk,
        "start_on": "10/10/2026",
        "end_on": "11/10/2026",
        "place": "Tuyên Quang",
        "format": "in_person",
        "foreign_participants": "20",
        "approval_authority": "province",
        **extra,
    }


def review_data(w) -> dict:
    data = {
        "period": "2026-annual",
        "reviewed_on": "20/06/2026",
        "overall": "on_track",
        "achievements": "Đã trao đổi đoàn.",
    }
    for criterion in EvaluationCriterion.objects.filter(is_active=True):
        data[f"score_{criterion.pk}"] = "3"
    return data


def first_score(w) -> str:
    return f"score_{EvaluationCriterion.objects.filter(is_active=True).first().pk}"


CASES = [
    Case(
        "partner create",
        lambda w: reverse("partners:create"),
        "official",
        lambda w: {
            "name_vi": "Tỉnh Vân Nam",
            "kind": "province_state",
            "country": "CN",
            "relation_status": "new",
            "relation_established_on": "05/02/2020",
        },
        dates=["relation_established_on"],
        bad=[
            # (Unique with the country: the form's error, or the name's.)
            ({"name_vi": "Tỉnh Xiêng Khoảng", "country": "LA"}, ""),
            ({"name_vi": "TỈNH XIÊNG KHOẢNG", "country": "LA"}, ""),
            ({"name_vi": "Tỉnh Xiêng\u200b Khoảng", "country": "LA"}, ""),
            ({"name_vi": ""}, "name_vi"),
            ({"name_vi": "x" * 1000}, "name_vi"),
        ],
    ),
    Case(
        "agreement create",
        lambda w: reverse("agreements:create"),
        "official",
        agreement_data,
        dates=["signed_on", "effective_on", "end_on"],
        bad=[
            ({"number": "01/2024/BGN-XK"}, "number"),
            ({"number": " 01/2024/BGN-XK "}, "number"),
            ({"number": "01/2024/BGN-XK\u200b"}, "number"),
            ({"end_on": "14/03/2026"}, "end_on"),
            ({"effective_on": "09/03/2026"}, "effective_on"),
            ({"signed_on": "02/07/2026"}, "signed_on"),
            ({"signed_on": ""}, "signed_on"),
            ({"partners": []}, "partners"),
            ({"partners": ["999999"]}, "partners"),
            ({"lead_agency": "abc"}, "lead_agency"),
        ],
    ),
    Case(
        "agreement edit",
        lambda w: reverse("agreements:update", args=[w["agreement"].pk]),
        "official",
        lambda w: {
            k: v for k, v in agreement_data(w, number="01/2024/BGN-XK").items() if k != "state"
        },
        dates=["signed_on", "effective_on", "end_on"],
        bad=[
            ({"number": "02/2024/BGN-XK"}, "number"),
            ({"end_on": "01/01/2026"}, "end_on"),
        ],
    ),
    Case(
        "agreement signing event",
        lambda w: reverse("agreements:event_create", args=[w["to_sign"].pk, "signing"]),
        "official",
        lambda w: {
            "occurred_on": "20/06/2026",
            "signer_vn_name": "Nguyễn Văn A",
            "signer_partner_name": "Kim B",
            "decision_number": "5/QĐ",
        },
        dates=["occurred_on"],
        bad=[({"occurred_on": "02/07/2026"}, "occurred_on")],
    ),
    Case(
        "agreement extension event",
        lambda w: reverse("agreements:event_create", args=[w["agreement"].pk, "extension"]),
        "official",
        lambda w: {"occurred_on": "20/06/2026", "new_end_on": "15/03/2034"},
        dates=["occurred_on", "new_end_on"],
        bad=[({"new_end_on": "01/01/2029"}, "new_end_on")],
    ),
    Case(
        "legal notice done",
        lambda w: reverse(
            "agreements:notice_done", args=[w["notice"].agreement_id, w["notice"].pk]
        ),
        "official",
        lambda w: {"done_on": "25/06/2026", "reference": "12/BC"},
        dates=["done_on"],
        bad=[({"done_on": "02/07/2026"}, "done_on")],
        in_message=True,
    ),
    Case(
        "output create",
        lambda w: reverse("agreements:output_create", args=[w["agreement"].pk]),
        "official",
        lambda w: {
            "description": "Trao đổi đoàn học sinh",
            "unit": "đoàn",
            "target_value": "10",
            "due_on": "31/12/2026",
            "responsible_agency": w["agency"].pk,
            "current_value": "2,5",
            "status": "in_progress",
        },
        dates=["due_on"],
        counts=["target_value", "current_value"],
    ),
    Case(
        "output progress",
        lambda w: reverse("agreements:output_progress", args=[w["agreement"].pk, w["output"].pk]),
        "reporter",
        lambda w: {"current_value": "3", "status": "in_progress", "progress_note": "Đang làm"},
        counts=["current_value"],
    ),
    Case(
        "review",
        lambda w: reverse("agreements:review_create", args=[w["agreement"].pk]),
        "official",
        review_data,
        dates=["reviewed_on"],
        bad=[
            ({"period": "9999-annual"}, "period"),
            ({"period": "abc"}, "period"),
            ({"reviewed_on": "02/07/2026"}, "reviewed_on"),
        ],
    ),
    Case(
        "delegation create",
        lambda w: reverse("delegations:create"),
        "official",
        delegation_data,
        dates=["planned_start", "planned_end"],
        counts=["budget"],
        bad=[
            ({"planned_end": "09/09/2026"}, "planned_end"),
            ({"members-TOTAL_FORMS": "100000"}, ""),
            ({"members-TOTAL_FORMS": "", "members-INITIAL_FORMS": ""}, ""),
            ({"members-0-name": "", "members-0-title": "Chuyên viên"}, "name"),
        ],
    ),
    Case(
        "delegation edit",
        lambda w: reverse("delegations:update", args=[w["delegation"].pk]),
        "official",
        delegation_data,
        dates=["planned_start", "planned_end"],
        counts=["budget"],
        bad=[({"planned_end": "01/01/2026"}, "planned_end")],
    ),
    Case(
        "delegation approve",
        lambda w: reverse("delegations:approve", args=[w["delegation"].pk]),
        "official",
        lambda w: {
            "approve-decision_number": "123/QĐ-UBND",
            "approve-decision_date": "20/06/2026",
            "approve-decision_authority": "UBND tỉnh",
        },
        dates=["approve-decision_date"],
    ),
    Case(
        "delegation results",
        lambda w: reverse("delegations:results", args=[w["approved"].pk]),
        "official",
        lambda w: {
            "actual_start": "10/05/2026",
            "actual_end": "15/05/2026",
            "results": "Ký biên bản.",
            "report_received_on": "20/05/2026",
        },
        dates=["actual_start", "actual_end", "report_received_on"],
        bad=[
            ({"actual_end": "09/05/2026"}, "actual_end"),
            ({"actual_start": "10/08/2026", "actual_end": "15/08/2026"}, "actual_end"),
        ],
    ),
    Case(
        "delegation plan create",
        lambda w: reverse("delegations:plan_create"),
        "official",
        lambda w: {
            "year": "2027",
            "direction": "outbound",
            "title": "Kế hoạch đoàn ra năm 2027",
            "decision_date": "20/06/2026",
        },
        dates=["decision_date"],
        counts=["year"],
        bad=[
            ({"year": "2026"}, ""),  # the 2026 outbound plan exists
            ({"year": "1"}, "year"),
            ({"year": "9999"}, "year"),
        ],
    ),
    Case(
        "plan item create",
        lambda w: reverse("delegations:plan_item_create", args=[w["plan"].pk]),
        "official",
        lambda w: {
            "purpose": "investment",
            "description": "Xúc tiến đầu tư",
            "country": "KR",
            "expected_month": "6",
            "expected_size": "5",
            "lead_agency": w["agency"].pk,
            "funding_source": "state_budget",
        },
        counts=["expected_size"],
        bad=[
            ({"expected_month": "13"}, "expected_month"),
            ({"expected_month": "0"}, "expected_month"),
        ],
    ),
    Case(
        "conference create",
        lambda w: reverse("delegations:conference_create"),
        "official",
        conference_data,
        dates=["start_on", "end_on", "application_date"],
        counts=["foreign_participants"],
        bad=[
            ({"end_on": "09/10/2026"}, "end_on"),
            ({"application_date": "11/10/2026"}, "application_date"),
        ],
    ),
    Case(
        "conference edit",
        lambda w: reverse("delegations:conference_update", args=[w["conference"].pk]),
        "official",
        conference_data,
        dates=["start_on", "end_on"],
        counts=["foreign_participants"],
    ),
    Case(
        "conference approve",
        lambda w: reverse("delegations:conference_decide", args=[w["conference"].pk]),
        "official",
        lambda w: {
            "state": "approved",
            "approve-decision_number": "5/QĐ-UBND",
            "approve-decision_date": "20/06/2026",
        },
        dates=["approve-decision_date"],
    ),
    Case(
        "conference results",
        lambda w: reverse("delegations:conference_results", args=[w["held"].pk]),
        "official",
        lambda w: {
            "results": "Thành công.",
            "foreign_participants": "30",
            "report_received_on": "20/05/2026",
        },
        dates=["report_received_on"],
        counts=["foreign_participants"],
    ),
    Case(
        "measurement",
        lambda w: reverse("targets:measurement_enter", args=[w["target"].pk]),
        "reporter",
        lambda w: {"period": "2026-semiannual", "value": "5,5", "evidence": "Báo cáo"},
        counts=["value"],
        bad=[({"period": "2027-semiannual"}, "period"), ({"period": "x-y"}, "period")],
    ),
    Case(
        "task progress",
        lambda w: reverse("targets:task_progress", args=[w["task"].pk]),
        "reporter",
        lambda w: {"state": "in_progress", "noted_on": "20/06/2026", "note": "Đang làm"},
        dates=["noted_on"],
        bad=[({"noted_on": "02/07/2026"}, "noted_on"), ({"note": "   "}, "note")],
    ),
    Case(
        "task plan create",
        lambda w: reverse("targets:plan_create"),
        "official",
        lambda w: {
            "kind": "plan",
            "number": "20/KH-UBND",
            "issued_on": "10/02/2026",
            "issuer": "UBND tỉnh",
            "title": "Kế hoạch năm 2026",
        },
        dates=["issued_on"],
        # (The number is unique with its issuer: the error is the form's, not the field's.)
        bad=[({"number": "15/KH-UBND"}, "")],
    ),
    Case(
        "task create",
        lambda w: reverse("targets:task_create", args=[w["task_plan"].pk]),
        "official",
        lambda w: {
            "text": "Ban hành kế hoạch",
            "lead_agency": w["agency"].pk,
            "deadline": "31/03/2026",
            "deadline_text": "Trong tháng 3/2026",
            "order": "2",
        },
        dates=["deadline"],
        counts=["order"],
    ),
    Case(
        "reporting period create",
        lambda w: reverse("reports:period_create"),
        "official",
        lambda w: {"year": "2027", "kind": "semiannual", "deadline": "19/06/2027"},
        dates=["deadline"],
        counts=["year"],
        bad=[({"year": "2026"}, ""), ({"deadline": "01/06/2027"}, "deadline")],
    ),
    Case(
        "consolidated issue",
        lambda w: reverse("reports:consolidated_issue", args=[w["consolidated"].pk]),
        "official",
        lambda w: {
            "number": "",
            "issued_on": "25/06/2026",
            "signer_title": "PHÓ GIÁM ĐỐC",
            "signer_name": "Nguyễn Thị Hòa",
            "recipients": "- UBND tỉnh;\n- Lưu: VT.",
        },
        dates=["issued_on"],
        counts=["number"],
    ),
]


def form_errors(response) -> dict[str, list[str]]:
    """The errors of every form and formset the page was rendered with."""
    found: dict[str, list[str]] = {}
    seen: set[int] = set()
    for context in response.context or []:
        for value in context.flatten().values():
            if id(value) in seen:
                continue
            seen.add(id(value))
            forms = []
            if isinstance(value, BaseForm):
                forms = [value]
            elif isinstance(value, BaseFormSet):
                forms = list(value.forms)
                if value.non_form_errors():
                    found.setdefault("", []).extend(value.non_form_errors())
            for form in forms:
                if not form.is_bound:
                    continue
                for name, messages in form.errors.items():
                    key = name if name != "__all__" else ""
                    found.setdefault(key, []).extend(messages)
                    if form.prefix:
                        found.setdefault(f"{form.prefix}-{name}", []).extend(messages)
    return found


def row_counts() -> dict[str, int]:
    tables = sorted(
        {
            model._meta.db_table
            for label in APPS
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
        }
    )
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables))
        return dict(zip(tables, cursor.fetchone(), strict=True))


def variants(case: Case) -> list[tuple[dict[str, Any], str]]:
    found = [({name: value}, name) for name in case.dates for value in BAD_DATES]
    found += [({name: value}, name) for name in case.counts for value in BAD_COUNTS]
    return found + case.bad


def check_refused(client, case: Case, url, data, expected: str, where: str) -> None:
    before = row_counts()
    if case.in_message:
        response = client.post(url, data, follow=True)
        assert response.status_code == 200, f"{where}: {response.status_code}"
        messages = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
        assert messages, f"{where}: no error message"
    else:
        response = client.post(url, data)
        assert response.status_code == 200, f"{where}: {response.status_code}"
        errors = form_errors(response)
        assert errors, f"{where}: no error shown"
        if expected:
            assert expected in errors, f"{where}: errors on {sorted(errors)}, not on {expected}"
            messages = errors[expected]
        else:
            messages = [m for ms in errors.values() for m in ms]
    for message in messages:
        assert is_vietnamese(message), f"{where}: not Vietnamese: {message!r}"
    assert row_counts() == before, f"{where}: refused but written"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_form_bounds(client, world, case):
    client.force_login(world[case.user])
    url = case.url(world)
    good = case.good(world)
    count = 0
    for overrides, expected in variants(case):
        data = {**good, **overrides}
        check_refused(client, case, url, data, expected, f"{case.name} {overrides}")
        count += 1
    assert count >= 3
    # The good values save: the bad ones were refused for being bad.
    response = client.post(url, good)
    assert response.status_code == 302, form_errors(response)


def test_every_app_has_forms_here():
    names = " ".join(case.name for case in CASES)
    for what in (
        "partner",
        "agreement",
        "output",
        "review",
        "delegation",
        "plan",
        "conference",
        "measurement",
        "task",
        "period",
        "issue",
    ):
        assert what in names, what


# ---------------------------------------------------------------------------------------------
# The filters of the lists (GET): any value is a page, never a server error
# ---------------------------------------------------------------------------------------------
ODD_QUERIES = [
    "year=1",
    "year=9999",
    "year=-5",
    "year=abc",
    "year=99999999999999999999",
    "state=zzz",
    "partner=abc",
    "partner=99999999999999999999",
    "lead_agency=-1",
    "month=13",
    "month=0&year=2026",
    "start=01/01/0001&end=31/12/9999",
    "start=31/12/2026&end=01/01/2026",
    "start=31/02/2026",
    "direction=x",
    "page=999999",
    "page=-1",
    "page=abc",
    "q=" + "%3Cscript%3E" * 500,
    "q=%00",
    "mine=1&overdue=1",
    "status=zzz",
]
LISTS = [
    "agreements:list",
    "agreements:review_coverage",
    "agreements:alerts",
    "partners:list",
    "delegations:list",
    "delegations:plan_list",
    "delegations:plan_vs_actual",
    "delegations:calendar",
    "delegations:conference_list",
    "delegations:conference_annual_report",
    "targets:overview",
    "targets:task_list",
    "targets:plan_list",
    "reports:index",
    "reports:consolidated_list",
    "search",
    "home",
]


@pytest.mark.parametrize("name", LISTS)
def test_list_filters_take_any_value(client, world, name):
    client.force_login(world["official"])
    url = reverse(name)
    for query in ODD_QUERIES:
        response = client.get(f"{url}?{query}")
        where = f"{url}?{query[:60]}"
        assert response.status_code in (200, 302, 404), f"{where}: {response.status_code}"
