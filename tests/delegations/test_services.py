"""Delegation and conference rules: transitions, due dates, lead time, plan vs actual."""

from datetime import date

import pytest
import time_machine

from accounts.errors import DomainError
from delegations import services
from delegations.models import Conference, Delegation, DelegationPlan, Direction, PlanItem
from tests.factories import AgencyFactory, PartnerFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 20)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY):
        yield


@pytest.fixture
def plan(agency):
    plan = services.plan_create(
        user=None,
        data={"year": 2026, "direction": Direction.OUTBOUND, "title": "Kế hoạch đoàn ra 2026"},
    )
    return plan


@pytest.fixture
def item(plan, agency):
    return services.plan_item_save(
        user=None,
        plan=plan,
        data={
            "purpose": "investment",
            "description": "Xúc tiến đầu tư nông nghiệp tại Hàn Quốc",
            "country": "KR",
            "lead_agency": agency,
            "expected_month": 5,
        },
    )


def _propose(user, agency, item=None, **extra):
    data = {
        "direction": Direction.OUTBOUND,
        "plan_item": item,
        "title": "Đoàn công tác Hàn Quốc",
        "purpose": "investment",
        "head_name": "Nguyễn Văn Sơn",
        "head_title": "Phó Chủ tịch",
        "country": "KR",
        "planned_start": date(2026, 5, 10),
        "planned_end": date(2026, 5, 16),
        "host_agency": agency,
        **extra,
    }
    return services.delegation_propose(
        user=user,
        data=data,
        partners=[PartnerFactory()],
        members=[
            {"name": "Trần Thị Mai", "title": "Chuyên viên"},
            {"name": "Lê Văn Hùng", "title": "Phó Giám đốc Sở", "agency": agency},
        ],
    )


def test_lifecycle_and_results_report_due(reporter, official, agency, item):
    delegation = _propose(reporter, agency, item)
    assert delegation.state == "proposed"
    assert delegation.members.count() == 2
    services.delegation_approve(
        delegation=delegation,
        user=official,
        decision_number="",
        decision_date=date(2026, 4, 1),
        decision_authority="UBND tỉnh",
    )
    delegation = services.delegation_record_results(
        delegation=delegation,
        user=reporter,
        actual_start=date(2026, 5, 11),
        actual_end=date(2026, 5, 17),
        results="Ký biên bản ghi nhớ",
    )
    assert delegation.state == "done"
    assert delegation.report_due_on == date(2026, 6, 1)
    assert delegation.report_status(date(2026, 6, 1)) == "due"
    assert delegation.report_status(date(2026, 6, 2)) == "overdue"
    assert list(Delegation.objects.report_overdue(TODAY)) == [delegation]


def test_outside_plan_needs_its_own_decision(official, agency):
    delegation = _propose(official, agency, None)
    assert not delegation.in_plan
    with pytest.raises(DomainError) as error:
        services.delegation_approve(
            delegation=delegation,
            user=official,
            decision_number=" ",
            decision_date=date(2026, 4, 1),
            decision_authority="UBND tỉnh",
        )
    assert "decision_number" in error.value.message_dict
    delegation.refresh_from_db()
    assert delegation.state == "proposed"
    services.delegation_approve(
        delegation=delegation,
        user=official,
        decision_number="123/QĐ-UBND",
        decision_date=date(2026, 4, 1),
        decision_authority="UBND tỉnh",
    )


def test_reporter_cannot_propose_for_another_agency(reporter, other_agency):
    with pytest.raises(DomainError):
        _propose(reporter, other_agency)
    assert not Delegation.objects.exists()


def test_plan_item_of_the_other_direction_is_refused(official, agency, item):
    with pytest.raises(DomainError):
        _propose(official, agency, item, direction=Direction.INBOUND)


@pytest.mark.parametrize("state", ["postponed", "cancelled"])
def test_set_aside_needs_a_reason(official, agency, state):
    delegation = _propose(official, agency)
    with pytest.raises(DomainError):
        services.delegation_set_aside(delegation=delegation, user=official, state=state, reason="")
    services.delegation_set_aside(
        delegation=delegation, user=official, state=state, reason="Đối tác đề nghị lùi lịch"
    )
    delegation.refresh_from_db()
    assert delegation.state == state


def test_cancelled_or_done_cannot_change(official, agency):
    delegation = _propose(official, agency)
    services.delegation_set_aside(
        delegation=delegation, user=official, state="cancelled", reason="Không bố trí được"
    )
    with pytest.raises(DomainError):
        services.delegation_approve(
            delegation=delegation,
            user=official,
            decision_number="1/QĐ",
            decision_date=date(2026, 4, 1),
            decision_authority="UBND tỉnh",
        )


def test_results_only_after_the_trip(official, agency):
    delegation = _propose(
        official, agency, planned_start=date(2026, 7, 1), planned_end=date(2026, 7, 5)
    )
    services.delegation_approve(
        delegation=delegation,
        user=official,
        decision_number="2/QĐ",
        decision_date=date(2026, 6, 1),
        decision_authority="UBND tỉnh",
    )
    with pytest.raises(DomainError):
        services.delegation_record_results(
            delegation=delegation,
            user=official,
            actual_start=date(2026, 7, 1),
            actual_end=date(2026, 7, 5),
            results="x",
        )


def _done(official, agency, start, end, members=2, direction=Direction.OUTBOUND, item=None):
    delegation = _propose(
        official, agency, item, direction=direction, planned_start=start, planned_end=end
    )
    delegation.members.all().delete()
    from delegations.models import DelegationMember

    for n in range(members):
        DelegationMember.objects.create(delegation=delegation, name=f"Thành viên {n}")
    services.delegation_approve(
        delegation=delegation,
        user=official,
        decision_number="3/QĐ",
        decision_date=min(start, TODAY),
        decision_authority="UBND tỉnh",
    )
    return services.delegation_record_results(
        delegation=delegation, user=official, actual_start=start, actual_end=end, results="Tốt"
    )


def test_delegations_and_person_trips_over_a_range_that_cuts_across(official, agency):
    _done(official, agency, date(2025, 12, 10), date(2025, 12, 20), members=4)  # starts before
    _done(official, agency, date(2025, 12, 15), date(2025, 12, 18), members=2)
    _done(official, agency, date(2026, 3, 1), date(2026, 3, 5), members=0)
    _done(
        official,
        agency,
        date(2026, 6, 14),
        date(2026, 6, 19),
        members=5,
        direction=Direction.INBOUND,
    )
    _done(official, agency, date(2026, 6, 15), date(2026, 6, 18), members=9)  # after the range
    totals = services.delegation_totals(start=date(2025, 12, 15), end=date(2026, 6, 14))
    assert (totals["outbound"].delegations, totals["outbound"].people) == (2, 2 + 1 + 0 + 1)
    assert (totals["inbound"].delegations, totals["inbound"].people) == (1, 6)
    other = services.delegation_totals(
        start=date(2025, 12, 15), end=date(2026, 6, 14), agency=AgencyFactory()
    )
    assert other["outbound"].delegations == 0


def test_plan_vs_actual(official, agency, plan, item):
    second = services.plan_item_save(
        user=None,
        plan=plan,
        data={
            "purpose": "tourism",
            "description": "Quảng bá du lịch tại Lào",
            "country": "LA",
            "lead_agency": agency,
        },
    )
    _done(official, agency, date(2026, 5, 1), date(2026, 5, 3), item=item)
    postponed = _propose(official, agency, second)
    services.delegation_set_aside(
        delegation=postponed, user=official, state="postponed", reason="Lùi sang quý III"
    )
    _done(official, agency, date(2026, 2, 1), date(2026, 2, 3))  # outside the plan
    result = services.plan_vs_actual(year=2026, direction=Direction.OUTBOUND)
    assert result.planned == 2
    assert result.in_plan == {"done": 1, "postponed": 1}
    assert result.outside_plan == {"done": 1}
    assert ("KR", 1, 2) in result.by_country
    assert ("LA", 1, 0) in result.by_country
    assert PlanItem.objects.count() == 2
    assert DelegationPlan.objects.get().items.count() == 2


def test_one_plan_per_year_and_direction(plan):
    with pytest.raises(DomainError):
        services.plan_create(user=None, data={"year": 2026, "direction": "outbound", "title": "X"})


@pytest.mark.parametrize(
    ("authority", "applied", "warned"),
    [
        ("province", date(2026, 8, 2), False),  # 30 days before 01/09
        ("province", date(2026, 8, 3), True),
        ("prime_minister", date(2026, 7, 23), False),  # 40 days
        ("prime_minister", date(2026, 7, 24), True),
    ],
)
def test_conference_lead_time_warning(official, agency, authority, applied, warned):
    conference = services.conference_save(
        user=official,
        data={
            "title": "Hội thảo xúc tiến đầu tư",
            "purpose": "investment",
            "organiser": agency,
            "start_on": date(2026, 9, 1),
            "end_on": date(2026, 9, 2),
            "place": "Tuyên Quang",
            "approval_authority": authority,
            "application_date": applied,
        },
    )
    warning = services.conference_lead_time_warning(conference)
    assert (warning is not None) == warned
    if warned:
        assert str(warning.days) in str(warning)


def test_conference_results_and_report_due(official, agency):
    conference = services.conference_save(
        user=official,
        data={
            "title": "Hội thảo du lịch",
            "purpose": "tourism",
            "organiser": agency,
            "start_on": date(2026, 6, 1),
            "end_on": date(2026, 6, 2),
            "place": "Hà Giang",
            "application_date": date(2026, 4, 1),
        },
    )
    services.conference_decide(
        conference=conference,
        user=official,
        state="approved",
        decision_number="9/QĐ-UBND",
        decision_date=date(2026, 4, 20),
    )
    conference = services.conference_record_results(
        conference=conference, user=official, results="Thành công", foreign_participants=35
    )
    assert conference.state == Conference.State.HELD
    assert conference.report_due_on == date(2026, 6, 17)
    assert conference.report_status(TODAY) == "overdue"
    assert services.promotion_activities(year=2026) == 1
