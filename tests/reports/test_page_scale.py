"""The report pages at scale: the agency report form's pre-filled figures in a fixed number
of queries whatever the agency's data, and the completeness page paged with its figures over
every expected agency."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from agreements.models import Agreement
from delegations.models import Conference, Delegation
from delegations.services import conference_totals, delegation_totals
from reports import services, views
from reports.figures import agency_figures
from reports.periods import Period, PeriodKind
from tests.delegations.factories import ConferenceFactory, DelegationFactory, MemberFactory
from tests.factories import AgencyFactory, AgreementFactory, PartnerFactory, UserFactory
from tests.targets.factories import MeasurementFactory, TargetFactory, TaskFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SECTIONS = {"relations": "Phối hợp tổ chức Lễ hội Thành Tuyên với tỉnh Xiêng Khoảng (Lào)."}


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 9, tzinfo=TZ), tick=False)


def _agency_data(agency, count: int) -> None:
    """``count`` of everything the figures list: agreements signed in the period (with two
    partners each), delegations done with members, conferences, measurements, tasks."""
    for index in range(count):
        AgreementFactory(
            lead_agency=agency,
            signed_on=date(2026, 1, 1 + index),
            partners=PartnerFactory.create_batch(2),
        )
        delegation = DelegationFactory(
            done=True,
            host_agency=agency,
            planned_start=date(2026, 2, 1 + index),
            country=("KR", "LA", "JP")[index % 3],
        )
        MemberFactory.create_batch(2, delegation=delegation)
        ConferenceFactory(organiser=agency, start_on=date(2026, 3, 1 + index), state="held")
        MeasurementFactory(target=TargetFactory(owner_agency=agency))
        TaskFactory(lead_agency=agency)


@pytest.mark.parametrize("count", [1, 8])
def test_report_form_has_a_fixed_number_of_queries(
    client, period, agency, head, official, count, django_assert_max_num_queries
):
    _agency_data(agency, count)
    with at(date(2026, 6, 18)):
        report = services.report_open(period=period, agency=agency, user=head)
        services.report_save_draft(report=report, user=head, sections=SECTIONS)
        services.report_submit(report=report, user=head)
        services.report_return(report=report, user=official, reason="Thiếu phần IV")
    client.force_login(head)
    # Session, user; the report with its return's reason; the counts; the agreements signed
    # with their partners; delegations by country; conferences; measurements; tasks; the
    # session saved (a savepoint in the test's transaction).
    with at(date(2026, 6, 25)), django_assert_max_num_queries(12):
        response = client.get(reverse("reports:report_edit", args=[report.pk]))
    page = response.content.decode()
    assert re.search(r'data-testid="return-reason">.*Thiếu phần IV', page, re.S)
    figures = response.context["figures"]
    assert figures["agreements_signed"] == count
    assert figures["conferences"] == count
    assert len(figures["measurements"]) == len(figures["tasks"]) == count


def test_figures_lists_and_totals(agency, other_agency):
    """The signed list carries every partner (in the order of their names) and agreements
    without one; the totals are those of delegations.services."""
    period = Period(2026, PeriodKind.SEMIANNUAL)
    two = AgreementFactory(
        lead_agency=agency,
        signed_on=date(2026, 1, 5),
        partners=[PartnerFactory(name_vi="Tỉnh Xiêng Khoảng"), PartnerFactory(name_vi="Bang A")],
    )
    none = AgreementFactory(lead_agency=agency, signed_on=date(2026, 1, 6), partners=[])
    AgreementFactory(lead_agency=other_agency, signed_on=date(2026, 1, 7))
    _agency_data(agency, 3)
    _agency_data(other_agency, 2)
    ConferenceFactory(organiser=agency, start_on=date(2026, 3, 1), state="planned")

    for who in (agency, None):
        figures = agency_figures(agency=who, period=period, today=date(2026, 6, 20))
        signed = Agreement.objects.signed_between(period.start, period.end)
        if who is not None:
            signed = signed.filter(lead_agency=who)
        assert [row["number"] for row in figures["signed_list"]] == list(
            signed.order_by("signed_on", "id").values_list("number", flat=True)
        )
        totals = delegation_totals(start=period.start, end=period.end, agency=who)
        assert (figures["outbound_delegations"], figures["outbound_people"]) == (
            totals["outbound"].delegations,
            totals["outbound"].people,
        )
        assert (figures["inbound_delegations"], figures["inbound_people"]) == (
            totals["inbound"].delegations,
            totals["inbound"].people,
        )
        assert figures["conferences"] == conference_totals(
            start=period.start, end=period.end, agency=who
        )
    figures = agency_figures(agency=agency, period=period, today=date(2026, 6, 20))
    rows = {row["number"]: row for row in figures["signed_list"]}
    assert rows[two.number]["partners"] == "Bang A; Tỉnh Xiêng Khoảng"
    assert rows[none.number]["partners"] == ""
    assert rows[two.number]["lead_agency"] == agency.short_name
    assert figures["outbound_people"] == 9  # three heads, six members
    assert Delegation.objects.count() == 5 and Conference.objects.count() == 6


def test_completeness_page_is_paged_with_figures_over_every_agency(
    client, period, leader, official, monkeypatch
):
    monkeypatch.setattr(views, "COMPLETENESS_PAGE_SIZE", 3)
    period.expected_agencies.clear()
    heads = []
    for index in range(7):
        head = UserFactory(
            agency=AgencyFactory(name=f"Sở số {index:02d}", short_name=f"S{index:02d}"),
            is_agency_head=True,
        )
        period.expected_agencies.add(head.agency)
        heads.append(head)
    with at(date(2026, 6, 18)):
        for head in heads[:4]:  # S00-S03 submitted on time
            report = services.report_open(period=period, agency=head.agency, user=head)
            services.report_save_draft(report=report, user=head, sections=SECTIONS)
            services.report_submit(report=report, user=head)
    services.report_open(period=period, agency=heads[4].agency, user=heads[4])  # a draft
    client.force_login(leader)
    url = period.get_absolute_url()

    def listed(response) -> list[str]:
        return re.findall(r'<tr data-agency="(\w+)">', response.content.decode())

    response = client.get(url)
    page = response.content.decode()
    counts = dict(re.findall(r'data-count="(\w+)">(\d+)', page))
    assert (counts["expected"], counts["submitted"], counts["missing"]) == ("7", "4", "3")
    assert listed(response) == ["S00", "S01", "S02"]
    assert "?page=2" in page
    assert listed(client.get(url, {"page": 3})) == ["S06"]
    # The filter keeps its state from page to page.
    response = client.get(url, {"status": "submitted", "page": 2})
    assert listed(response) == ["S03"]
    assert "?status=submitted&amp;page=1" in response.content.decode()
    assert listed(client.get(url, {"status": "missing"})) == ["S05", "S06"]
    assert listed(client.get(url, {"status": "draft"})) == ["S04"]
    assert listed(client.get(url, {"status": "nonsense"})) == []
