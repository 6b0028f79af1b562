"""Delegation and plan pages for the official, the host agency's reporter, another agency's
reporter, a leader and an anonymous visitor; fixed query counts; plan vs actual; calendar."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from accounts.paging import list_counts_forget
from delegations.models import Delegation, DelegationMember, DelegationPlan, Direction, PlanItem
from tests.delegations.factories import (
    ConferenceFactory,
    DelegationFactory,
    MemberFactory,
    PlanFactory,
    PlanItemFactory,
)
from tests.factories import AgreementFactory, PartnerFactory

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
TODAY = date(2024, 7, 20)
ALL_USERS = ["official", "reporter", "other_reporter", "leader", "administrator"]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY):
        yield


@pytest.fixture
def plan():
    return PlanFactory(year=2024, direction=Direction.OUTBOUND, title="Kế hoạch đoàn ra 2024")


@pytest.fixture
def item(plan, agency):
    return PlanItemFactory(
        plan=plan, lead_agency=agency, description="Xúc tiến du lịch tại Hàn Quốc", country="KR"
    )


@pytest.fixture
def delegation(agency):
    """A proposed outbound delegation of the reporter's agency (SVHTTDL), outside the plan."""
    return DelegationFactory(host_agency=agency, title="Đoàn đi Hàn Quốc")


def _login(client, request, who: str):
    user = request.getfixturevalue(who)
    client.force_login(user)
    return user


def _read_urls(delegation, plan) -> list[str]:
    return [
        reverse("delegations:list"),
        delegation.get_absolute_url(),
        reverse("delegations:plan_list"),
        plan.get_absolute_url(),
        reverse("delegations:plan_vs_actual"),
        reverse("delegations:calendar") + "?year=2024&month=6",
    ]


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("who", ALL_USERS)
def test_everyone_logged_in_reads_every_page(client, request, delegation, plan, item, who):
    _login(client, request, who)
    for url in _read_urls(delegation, plan):
        assert client.get(url).status_code == 200, url


def test_anonymous_is_sent_to_login(client, delegation, plan):
    urls = [
        *_read_urls(delegation, plan),
        reverse("delegations:create"),
        reverse("delegations:update", args=[delegation.pk]),
        reverse("delegations:results", args=[delegation.pk]),
        reverse("delegations:plan_create"),
        reverse("delegations:plan_item_create", args=[plan.pk]),
    ]
    for url in urls:
        assert client.get(url)["Location"].startswith(LOGIN), url
    for name in ("approve", "set_aside"):
        url = reverse(f"delegations:{name}", args=[delegation.pk])
        assert client.post(url)["Location"].startswith(LOGIN)
    delegation.refresh_from_db()
    assert delegation.state == Delegation.State.PROPOSED


def test_unknown_delegation_is_404(client, official):
    client.force_login(official)
    assert client.get(reverse("delegations:detail", args=[999])).status_code == 404


def test_list_columns(client, official, delegation, item):
    partner = PartnerFactory(name_vi="Thành phố An-xơng")
    delegation.partners.add(partner, PartnerFactory(name_vi="Bộ Ngoại giao <Hàn Quốc>"))
    MemberFactory(delegation=delegation)
    MemberFactory(delegation=delegation)
    DelegationFactory(plan_item=item, title="Đoàn trong kế hoạch", done=True)
    received = DelegationFactory(
        title="Đoàn đã báo cáo", done=True, report_received_on=date(2024, 6, 20), country="JP"
    )
    client.force_login(official)
    response = client.get(reverse("delegations:list"))
    html = response.content.decode()
    # The partners in name order, escaped; "—" for a delegation without partners.
    assert "Bộ Ngoại giao &lt;Hàn Quốc&gt;; Thành phố An-xơng" in html
    assert '<td class="small">—</td>' in html
    assert "10/06/2024 – 15/06/2024" in html
    row = next(d for d in response.context["delegations"] if d.pk == delegation.pk)
    assert row.member_count + 1 == 3
    assert '<td class="text-end">3</td>' in html
    assert f'<a href="{delegation.get_absolute_url()}">Đoàn đi Hàn Quốc</a>' in html
    assert '<td class="small">Hàn Quốc</td>' in html
    assert '<td class="small">Nhật Bản</td>' in html
    assert "Xúc tiến đầu tư" in html  # the purpose, in Vietnamese
    assert '<span class="badge text-bg-secondary" data-testid="delegation-state">' in html
    done = next(d for d in response.context["delegations"] if d.title == "Đoàn trong kế hoạch")
    assert done.report == "overdue"  # ended 15/06, due 30/06, today 20/07
    assert (
        '<span class="badge text-bg-danger" data-testid="report-status">'
        in html.split("Đoàn trong kế hoạch")[1].split("</tr>")[0]
    )
    assert "30/06/2024" in html.split("Đoàn trong kế hoạch")[1].split("</tr>")[0]
    after_received = html.split(f'{received.get_absolute_url()}"')[1].split("</tr>")[0]
    assert 'data-testid="report-status">' in after_received
    assert "30/06/2024" not in after_received  # received: no due date


def test_list_query_count_is_fixed(
    client, official, django_assert_num_queries, django_assert_max_num_queries
):
    """The same queries for 2 delegations as for 200 (a page of 50), with partners, members
    and results reports: none per row."""
    partners = [PartnerFactory() for _ in range(3)]
    item = PlanItemFactory()

    def add(count: int) -> None:
        for n in range(count):
            delegation = DelegationFactory(
                plan_item=item if n % 2 else None,
                done=n % 3 == 0,
                country=["KR", "JP", "LA"][n % 3],
                purpose=["investment", "trade"][n % 2],
            )
            delegation.partners.set(partners[: n % 4])
            MemberFactory(delegation=delegation)

    client.force_login(official)
    add(2)
    client.get(reverse("delegations:list"))
    list_counts_forget()  # both pages below count their rows (accounts.paging)
    with django_assert_max_num_queries(7) as few:
        client.get(reverse("delegations:list"))
    add(198)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("delegations:list"))
    assert len(response.context["delegations"]) == 50
    assert response.context["paginator"].count == 200
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(
            reverse("delegations:list"),
            {"year": 2024, "direction": "outbound", "plan": "in", "page": 2},
        )
    assert response.status_code == 200
    assert len(response.context["delegations"]) == 50


def test_list_filters(client, official, agency, other_agency, item):
    partner = PartnerFactory()
    mine = DelegationFactory(host_agency=agency, plan_item=item)
    mine.partners.add(partner)
    inbound = DelegationFactory(
        host_agency=other_agency, direction=Direction.INBOUND, country="CN", done=True
    )
    old = DelegationFactory(
        host_agency=other_agency,
        planned_start=date(2023, 5, 1),
        planned_end=date(2023, 5, 3),
        approved=True,
    )
    client.force_login(official)

    def listed(**query) -> set:
        return set(client.get(reverse("delegations:list"), query).context["delegations"])

    assert listed() == {mine, inbound, old}
    assert listed(year=2023) == {old}
    assert listed(direction="inbound") == {inbound}
    assert listed(state="approved") == {old}
    assert listed(host_agency=agency.pk) == {mine}
    assert listed(plan="in") == {mine}
    assert listed(plan="out") == {inbound, old}
    assert listed(report="overdue") == {inbound}
    assert listed(partner=partner.pk) == {mine}


def test_detail_outside_the_plan_and_decision(client, reporter, delegation):
    MemberFactory(delegation=delegation, name="Lê Văn Thành Viên", organisation="Hội hữu nghị")
    client.force_login(reporter)
    html = client.get(delegation.get_absolute_url()).content.decode()
    assert '<span class="badge text-bg-warning" data-testid="plan-badge">' in html
    assert "Lê Văn Thành Viên" in html
    assert "Hội hữu nghị" in html
    assert delegation.head_name in html
    assert 'data-testid="approve-form"' not in html  # a reporter does not approve


def test_detail_in_the_plan_links_the_plan_item(client, leader, item):
    delegation = DelegationFactory(plan_item=item)
    client.force_login(leader)
    response = client.get(delegation.get_absolute_url())
    html = response.content.decode()
    assert item.plan.get_absolute_url() in html
    assert "2024 – Xúc tiến du lịch tại Hàn Quốc" in html
    assert response.context["can_edit"] is False
    assert "approve_form" not in response.context


@pytest.mark.parametrize(
    ("received", "status", "label"),
    [(None, "overdue", "text-bg-danger"), (date(2024, 6, 25), "received", "text-bg-success")],
)
def test_detail_results_report_status(client, official, received, status, label):
    delegation = DelegationFactory(done=True, report_received_on=received)
    agreement = AgreementFactory(title_vi="Biên bản hợp tác du lịch")
    delegation.agreements_signed.add(agreement)
    client.force_login(official)
    response = client.get(delegation.get_absolute_url())
    html = response.content.decode()
    assert response.context["report"] == status
    assert f'<span class="badge {label}" data-testid="report-status">' in html
    assert "30/06/2024" in html  # 15 days after 15/06
    assert agreement.get_absolute_url() in html


def test_detail_report_due_before_the_deadline(client, official):
    delegation = DelegationFactory(
        done=True, planned_start=date(2024, 7, 10), planned_end=date(2024, 7, 12)
    )
    client.force_login(official)
    response = client.get(delegation.get_absolute_url())
    assert response.context["report"] == "due"
    assert "27/07/2024" in response.content.decode()


def test_detail_hides_internal_agreements_from_other_agencies(client, other_reporter):
    delegation = DelegationFactory(done=True)
    internal = AgreementFactory(internal=True, title_vi="Thỏa thuận nội bộ")
    public = AgreementFactory(title_vi="Thỏa thuận công khai")
    delegation.agreements_signed.add(internal, public)
    client.force_login(other_reporter)
    response = client.get(delegation.get_absolute_url())
    html = response.content.decode()
    assert "Thỏa thuận công khai" in html
    assert "Thỏa thuận nội bộ" not in html
    assert response.context["hidden_agreements"] == 1


def test_detail_query_count_is_fixed(client, official, django_assert_max_num_queries):
    delegation = DelegationFactory(done=True, plan_item=PlanItemFactory())
    delegation.partners.set([PartnerFactory() for _ in range(5)])
    for _ in range(20):
        MemberFactory(delegation=delegation)
    delegation.agreements_signed.set([AgreementFactory() for _ in range(5)])
    client.force_login(official)
    with django_assert_max_num_queries(15):
        assert client.get(delegation.get_absolute_url()).status_code == 200


# ---------------------------------------------------------------------------
# Propose and edit
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("official", 200),
        ("reporter", 200),
        ("other_reporter", 200),
        ("leader", 403),
        ("administrator", 403),
    ],
)
def test_create_page(client, request, who, status):
    _login(client, request, who)
    assert client.get(reverse("delegations:create")).status_code == status


def _payload(host_agency, plan_item=None, **extra) -> dict:
    data = {
        "direction": "outbound",
        "plan_item": plan_item.pk if plan_item else "",
        "title": "Đoàn xúc tiến du lịch tại Hàn Quốc",
        "purpose": "tourism",
        "country": "KR",
        "head_name": "Nguyễn Văn Trưởng Đoàn",
        "head_title": "Phó Chủ tịch UBND tỉnh",
        "planned_start": "10/09/2024",
        "planned_end": "15/09/2024",
        "host_agency": host_agency.pk,
        "funding_source": "state_budget",
        "budget": "",
        "places": "Seoul",
        "programme": "",
        "members-TOTAL_FORMS": "3",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        "members-0-name": "Trần Thị Thành Viên",
        "members-0-title": "Phó Giám đốc",
        "members-0-agency": host_agency.pk,
        "members-1-name": "Kim Min-jun",
        "members-1-organisation": "KOVECA",
    }
    data.update(extra)
    return data


def test_reporter_proposes_from_the_plan_for_their_own_agency(
    client, reporter, agency, other_agency, item
):
    client.force_login(reporter)
    page = client.get(reverse("delegations:create") + f"?plan_item={item.pk}")
    form = page.context["form"]
    assert form["plan_item"].value() == item.pk
    assert "2024 – Xúc tiến du lịch tại Hàn Quốc" in page.content.decode()
    assert form["host_agency"].value() == agency.pk
    # A reporter cannot move the delegation to another agency: the field is fixed.
    response = client.post(reverse("delegations:create"), _payload(other_agency, item))
    delegation = Delegation.objects.get()
    assert response["Location"] == delegation.get_absolute_url()
    assert delegation.host_agency == agency
    assert delegation.plan_item == item
    assert delegation.state == Delegation.State.PROPOSED
    assert delegation.created_by == reporter
    members = list(delegation.members.order_by("id"))
    assert [m.name for m in members] == ["Trần Thị Thành Viên", "Kim Min-jun"]
    assert members[1].organisation == "KOVECA"


def test_official_proposes_for_any_agency(client, official, other_agency):
    client.force_login(official)
    response = client.post(reverse("delegations:create"), _payload(other_agency))
    assert response.status_code == 302
    delegation = Delegation.objects.get()
    assert delegation.host_agency == other_agency
    assert not delegation.in_plan


def test_propose_rejects_a_plan_item_of_the_other_direction_or_year(client, official, agency):
    inbound_item = PlanItemFactory(plan=PlanFactory(year=2024, direction=Direction.INBOUND))
    next_year_item = PlanItemFactory(plan=PlanFactory(year=2025))
    client.force_login(official)
    for item in (inbound_item, next_year_item):
        response = client.post(reverse("delegations:create"), _payload(agency, item))
        assert response.status_code == 200
        assert "plan_item" in response.context["form"].errors
    assert not Delegation.objects.exists()


def test_propose_member_without_name_is_an_error(client, official, agency):
    client.force_login(official)
    data = _payload(agency, **{"members-2-title": "Chuyên viên"})
    response = client.post(reverse("delegations:create"), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[2].errors["name"]
    assert not Delegation.objects.exists()


def test_propose_end_before_start_is_an_error(client, official, agency):
    client.force_login(official)
    response = client.post(
        reverse("delegations:create"), _payload(agency, planned_end="01/09/2024")
    )
    assert "planned_end" in response.context["form"].errors
    assert not Delegation.objects.exists()


@pytest.mark.parametrize(
    ("who", "state", "status"),
    [
        ("official", "proposed", 200),
        ("official", "approved", 200),
        ("reporter", "proposed", 200),
        ("reporter", "approved", 403),
        ("other_reporter", "proposed", 403),
        ("leader", "proposed", 403),
        ("administrator", "proposed", 403),
    ],
)
def test_update_page(client, request, agency, who, state, status):
    delegation = DelegationFactory(host_agency=agency, approved=state == "approved")
    _login(client, request, who)
    url = reverse("delegations:update", args=[delegation.pk])
    assert client.get(url).status_code == status
    response = client.post(url, _payload(agency, title="Tên mới"))
    assert response.status_code == (302 if status == 200 else 403)
    delegation.refresh_from_db()
    assert (delegation.title == "Tên mới") == (status == 200)


def test_update_replaces_the_members(client, reporter, agency, delegation):
    MemberFactory(delegation=delegation, name="Người cũ")
    MemberFactory(delegation=delegation, name="Người bị xoá")
    client.force_login(reporter)
    url = reverse("delegations:update", args=[delegation.pk])
    page = client.get(url)
    assert page.context["formset"].initial[0]["name"] == "Người cũ"
    data = _payload(agency)
    data.update(
        {
            "members-TOTAL_FORMS": "3",
            "members-INITIAL_FORMS": "2",
            "members-0-name": "Người cũ",
            "members-0-agency": "",
            "members-1-name": "Người bị xoá",
            "members-1-organisation": "",
            "members-1-DELETE": "on",
            "members-2-name": "Người mới",
        }
    )
    assert client.post(url, data).status_code == 302
    names = list(delegation.members.order_by("id").values_list("name", flat=True))
    assert names == ["Người cũ", "Người mới"]
    assert DelegationMember.objects.count() == 2


# ---------------------------------------------------------------------------
# Transitions
# ---------------------------------------------------------------------------
def _approve(client, delegation, number="45/QĐ-UBND", when="01/07/2024"):
    return client.post(
        reverse("delegations:approve", args=[delegation.pk]),
        {
            "approve-decision_number": number,
            "approve-decision_date": when,
            "approve-decision_authority": "Chủ tịch UBND tỉnh",
        },
    )


def test_official_approves(client, official, delegation):
    client.force_login(official)
    assert (
        'data-testid="approve-form"' in client.get(delegation.get_absolute_url()).content.decode()
    )
    response = _approve(client, delegation)
    assert response["Location"] == delegation.get_absolute_url()
    delegation.refresh_from_db()
    assert delegation.state == Delegation.State.APPROVED
    assert delegation.decision_number == "45/QĐ-UBND"
    assert delegation.decision_date == date(2024, 7, 1)


def test_outside_the_plan_needs_its_own_decision_number(client, official, delegation, item):
    client.force_login(official)
    response = _approve(client, delegation, number="")
    assert response.status_code == 200
    assert response.context["approve_form"].errors["decision_number"]
    delegation.refresh_from_db()
    assert delegation.state == Delegation.State.PROPOSED
    # In the plan, the plan's decision may be cited: no number of its own.
    in_plan = DelegationFactory(plan_item=item)
    assert _approve(client, in_plan, number="").status_code == 302
    in_plan.refresh_from_db()
    assert in_plan.state == Delegation.State.APPROVED


def test_approve_refuses_a_future_decision_date(client, official, delegation):
    client.force_login(official)
    response = _approve(client, delegation, when="01/08/2024")
    assert response.context["approve_form"].errors["decision_date"]


@pytest.mark.parametrize("who", ["reporter", "other_reporter", "leader", "administrator"])
def test_only_officials_decide(client, request, delegation, who):
    _login(client, request, who)
    assert _approve(client, delegation).status_code == 403
    response = client.post(
        reverse("delegations:set_aside", args=[delegation.pk]),
        {"aside-state": "cancelled", "aside-reason": "Thay đổi kế hoạch"},
    )
    assert response.status_code == 403
    delegation.refresh_from_db()
    assert delegation.state == Delegation.State.PROPOSED


def test_transitions_are_post_only(client, official, delegation):
    client.force_login(official)
    for name in ("approve", "set_aside"):
        assert client.get(reverse(f"delegations:{name}", args=[delegation.pk])).status_code == 405


def test_official_postpones_then_cancels_with_a_reason(client, official, delegation):
    client.force_login(official)
    url = reverse("delegations:set_aside", args=[delegation.pk])
    response = client.post(url, {"aside-state": "postponed", "aside-reason": ""})
    assert response.status_code == 200
    assert response.context["set_aside_form"].errors["reason"]
    response = client.post(url, {"aside-state": "postponed", "aside-reason": "Dịch bệnh"})
    assert response.status_code == 302
    delegation.refresh_from_db()
    assert delegation.state == Delegation.State.POSTPONED
    assert "Dịch bệnh" in client.get(delegation.get_absolute_url()).content.decode()
    client.post(url, {"aside-state": "cancelled", "aside-reason": "Đối tác hủy"})
    delegation.refresh_from_db()
    assert delegation.state == Delegation.State.CANCELLED
    # A cancelled delegation can no longer change: no more forms on its page.
    response = client.get(delegation.get_absolute_url())
    assert "set_aside_form" not in response.context
    assert "approve_form" not in response.context


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "state", "status"),
    [
        ("official", "approved", 200),
        ("official", "done", 200),
        ("reporter", "approved", 200),
        ("reporter", "done", 200),
        ("reporter", "proposed", 403),
        ("other_reporter", "approved", 403),
        ("leader", "approved", 403),
        ("administrator", "approved", 403),
    ],
)
def test_results_page(client, request, agency, who, state, status):
    delegation = DelegationFactory(
        host_agency=agency, approved=state == "approved", done=state == "done"
    )
    _login(client, request, who)
    assert client.get(reverse("delegations:results", args=[delegation.pk])).status_code == status


def test_official_is_sent_back_when_results_cannot_be_recorded_yet(client, official, delegation):
    client.force_login(official)
    response = client.get(reverse("delegations:results", args=[delegation.pk]))
    assert response["Location"] == delegation.get_absolute_url()


def test_reporter_records_the_results(client, reporter, agency):
    delegation = DelegationFactory(host_agency=agency, approved=True)
    internal = AgreementFactory(internal=True)  # not visible to the reporter: kept linked
    delegation.agreements_signed.add(internal)
    signed = AgreementFactory(title_vi="Biên bản ghi nhớ về du lịch")
    client.force_login(reporter)
    url = reverse("delegations:results", args=[delegation.pk])
    page = client.get(url)
    assert page.context["form"]["actual_start"].value() == date(2024, 6, 10)
    assert internal not in page.context["form"].fields["agreements_signed"].queryset
    response = client.post(
        url,
        {
            "actual_start": "11/06/2024",
            "actual_end": "16/06/2024",
            "results": "Ký biên bản ghi nhớ về du lịch.",
            "agreements_signed": [signed.pk],
            "report_received_on": "",
        },
    )
    assert response["Location"] == delegation.get_absolute_url()
    delegation.refresh_from_db()
    assert delegation.state == Delegation.State.DONE
    assert delegation.actual_end == date(2024, 6, 16)
    assert set(delegation.agreements_signed.all()) == {signed, internal}
    assert delegation.report_status(TODAY) == "overdue"  # due 01/07/2024
    # Done: the reporter may not edit the record any more, only add results.
    assert client.get(reverse("delegations:update", args=[delegation.pk])).status_code == 403
    client.post(
        url,
        {
            "actual_start": "11/06/2024",
            "actual_end": "16/06/2024",
            "results": "Ký biên bản ghi nhớ về du lịch.",
            "agreements_signed": [signed.pk],
            "report_received_on": "28/06/2024",
        },
    )
    delegation.refresh_from_db()
    assert delegation.report_received_on == date(2024, 6, 28)


def test_results_before_the_end_are_refused(client, official):
    delegation = DelegationFactory(approved=True)
    client.force_login(official)
    response = client.post(
        reverse("delegations:results", args=[delegation.pk]),
        {"actual_start": "18/07/2024", "actual_end": "25/07/2024", "results": "Dự kiến."},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["actual_end"]
    delegation.refresh_from_db()
    assert delegation.state == Delegation.State.APPROVED


# ---------------------------------------------------------------------------
# Plans
# ---------------------------------------------------------------------------
def test_plan_list_and_detail_show_the_items_and_their_delegations(
    client, reporter, plan, item, django_assert_max_num_queries
):
    DelegationFactory(plan_item=item, title="Đoàn thực hiện kế hoạch", done=True)
    for _ in range(10):
        other = PlanItemFactory(plan=plan)
        other.partners.set([PartnerFactory()])
        DelegationFactory(plan_item=other)
    PlanFactory(year=2025, direction=Direction.INBOUND)
    client.force_login(reporter)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("delegations:plan_list"))
    plans = {p.year: p for p in response.context["plans"]}
    assert plans[2024].item_count == 11
    assert plans[2024].delegation_count == 11
    assert plans[2025].item_count == 0
    with django_assert_max_num_queries(12):
        response = client.get(plan.get_absolute_url())
    html = response.content.decode()
    assert "Đoàn thực hiện kế hoạch" in html
    assert reverse("delegations:create") + f"?plan_item={item.pk}" in html  # reporters propose
    assert reverse("delegations:plan_item_update", args=[plan.pk, item.pk]) not in html


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("official", 200),
        ("reporter", 403),
        ("other_reporter", 403),
        ("leader", 403),
        ("administrator", 403),
    ],
)
def test_plan_pages_are_for_officials(client, request, plan, item, who, status):
    _login(client, request, who)
    for url in (
        reverse("delegations:plan_create"),
        reverse("delegations:plan_item_create", args=[plan.pk]),
        reverse("delegations:plan_item_update", args=[plan.pk, item.pk]),
    ):
        assert client.get(url).status_code == status, url
    response = client.post(
        reverse("delegations:plan_create"),
        {"year": 2025, "direction": "outbound", "title": "Kế hoạch đoàn ra 2025"},
    )
    assert response.status_code == (302 if status == 200 else 403)
    assert DelegationPlan.objects.filter(year=2025).exists() == (status == 200)


def test_official_creates_a_plan_once_per_year_and_direction(client, official, plan):
    client.force_login(official)
    response = client.post(
        reverse("delegations:plan_create"),
        {"year": 2024, "direction": "outbound", "title": "Trùng"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert DelegationPlan.objects.count() == 1


def test_official_adds_and_edits_plan_items(client, official, plan, agency):
    partner = PartnerFactory()
    client.force_login(official)
    data = {
        "purpose": "trade",
        "description": "Xúc tiến thương mại tại Lào",
        "country": "LA",
        "partners": [partner.pk],
        "expected_month": "9",
        "expected_timing": "Quý III",
        "expected_size": "6",
        "lead_agency": agency.pk,
        "funding_source": "state_budget",
    }
    response = client.post(reverse("delegations:plan_item_create", args=[plan.pk]), data)
    assert response["Location"] == plan.get_absolute_url()
    item = PlanItem.objects.get()
    assert item.plan == plan
    assert item.expected_month == 9
    assert list(item.partners.all()) == [partner]
    data.update(description="Xúc tiến thương mại tại Lào (sửa)", partners=[], expected_month="")
    url = reverse("delegations:plan_item_update", args=[plan.pk, item.pk])
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.description == "Xúc tiến thương mại tại Lào (sửa)"
    assert item.expected_month is None
    assert not item.partners.exists()


def test_plan_item_of_another_plan_is_404(client, official, item):
    other = PlanFactory(year=2025)
    client.force_login(official)
    url = reverse("delegations:plan_item_update", args=[other.pk, item.pk])
    assert client.get(url).status_code == 404


# ---------------------------------------------------------------------------
# Plan against what happened
# ---------------------------------------------------------------------------
def test_plan_vs_actual(client, leader, plan, item):
    PlanItemFactory(plan=plan, country="LA", purpose="trade")
    done = DelegationFactory(plan_item=item, done=True)
    MemberFactory(delegation=done)
    MemberFactory(delegation=done)
    DelegationFactory(state=Delegation.State.CANCELLED, state_reason="Hủy", country="JP")
    DelegationFactory(direction=Direction.INBOUND, done=True)  # other direction
    client.force_login(leader)
    response = client.get(
        reverse("delegations:plan_vs_actual"), {"year": 2024, "direction": "outbound"}
    )
    context = response.context
    assert context["figures"].planned == 2
    assert context["done_in_plan"] == 1
    assert context["done_percent"] == 50
    states = {row["value"]: row for row in context["states"]}
    assert states["done"]["in_plan"] == 1
    assert states["cancelled"]["outside"] == 1
    countries = {name: (planned, done) for name, planned, done in context["by_country"]}
    assert countries["Hàn Quốc"] == (1, 1)  # Vietnamese country names
    assert countries["Lào"] == (1, 0)
    assert "Nhật Bản" not in countries  # neither planned nor done
    purposes = {label: (planned, done) for label, planned, done in context["by_purpose"]}
    assert sum(planned for planned, _ in purposes.values()) == 2
    html = response.content.decode()
    assert reverse("delegations:list") + "?year=2024&amp;direction=outbound&amp;plan=in" in html
    # For a past year the default range is its annual report's: 15/12/2023 to 14/12/2024.
    assert context["start"] == date(2023, 12, 15)
    assert context["end"] == date(2024, 12, 14)
    assert context["total_delegations"] == 2  # both directions, started 10/06
    assert context["total_people"] == 4  # 1 + 2 members, and 1
    assert 'value="15/12/2023"' in html


def test_person_trips_for_a_chosen_range(client, official):
    first = DelegationFactory(
        done=True, planned_start=date(2024, 3, 1), planned_end=date(2024, 3, 5)
    )
    MemberFactory(delegation=first)
    DelegationFactory(done=True, planned_start=date(2024, 6, 20), planned_end=date(2024, 6, 25))
    client.force_login(official)
    url = reverse("delegations:plan_vs_actual")
    response = client.get(url, {"year": 2024, "start": "01/06/2024", "end": "30/06/2024"})
    assert response.context["total_delegations"] == 1
    assert response.context["total_people"] == 1
    response = client.get(url, {"year": 2024, "start": "01/01/2024", "end": "30/06/2024"})
    assert response.context["total_delegations"] == 2
    assert response.context["total_people"] == 3
    # A bad range falls back to the defaults and says why.
    response = client.get(url, {"start": "30/06/2024", "end": "01/06/2024"})
    assert response.context["form"].errors["end"]
    assert response.context["start"] == date(2023, 12, 15)


def test_plan_vs_actual_query_count_is_fixed(
    client, official, plan, django_assert_num_queries, django_assert_max_num_queries
):
    """The figures are grouped in the database: the same queries for 3 delegations as for 45
    of many countries, purposes and states, in and outside the plan, with their members."""
    countries, purposes = ["KR", "JP", "LA", "FR", "US"], ["investment", "trade", "culture"]
    states = [Delegation.State.PROPOSED, Delegation.State.POSTPONED, Delegation.State.CANCELLED]

    def add(count: int) -> None:
        for n in range(count):
            country, purpose = countries[n % 5], purposes[n % 3]
            item = PlanItemFactory(plan=plan, country=country, purpose=purpose)
            done = n % 2 == 0
            delegation = DelegationFactory(
                plan_item=item if n % 3 else None,
                country=countries[(n + 1) % 5],
                purpose=purpose,
                done=done,
                **({} if done else {"state": states[n % 3]}),
            )
            MemberFactory(delegation=delegation)
            ConferenceFactory(state="held", start_on=date(2024, 3, n % 28 + 1))

    client.force_login(official)
    url = reverse("delegations:plan_vs_actual")
    add(3)
    client.get(url)
    with django_assert_max_num_queries(7) as few:
        client.get(url)
    add(42)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["figures"].planned == 45
    assert response.context["total_delegations"] == 23
    assert len(response.context["by_country"]) == 5
    assert response.context["conferences"] == 45


# ---------------------------------------------------------------------------
# Calendar
# ---------------------------------------------------------------------------
def test_calendar_lists_delegations_and_conferences_by_day(
    client, reporter, django_assert_max_num_queries
):
    across = DelegationFactory(
        title="Đoàn vắt qua tháng", planned_start=date(2026, 5, 29), planned_end=date(2026, 6, 2)
    )
    actual = DelegationFactory(
        title="Đoàn đã đi",
        planned_start=date(2026, 7, 1),
        planned_end=date(2026, 7, 3),
        actual_start=date(2026, 6, 28),
        actual_end=date(2026, 6, 30),
    )
    DelegationFactory(title="Đoàn tháng tám", planned_start=date(2026, 8, 1))
    conference = ConferenceFactory(title="Hội thảo địa chất", start_on=date(2026, 6, 10))
    for _ in range(10):
        DelegationFactory(planned_start=date(2026, 6, 15), planned_end=date(2026, 6, 16))
    client.force_login(reporter)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("delegations:calendar"), {"year": 2026, "month": 6})
    days = {day["date"].day: day for day in response.context["days"]}
    assert len(days) == 30
    assert across in days[1]["delegations"] and across in days[2]["delegations"]
    assert across not in days[3]["delegations"]
    assert actual in days[28]["delegations"] and actual not in days[1]["delegations"]
    assert conference in days[10]["conferences"] and conference in days[11]["conferences"]
    assert not days[12]["conferences"]
    html = response.content.decode()
    assert "Đoàn tháng tám" not in html
    assert conference.get_absolute_url() in html
    assert "?year=2026&amp;month=5" in html
    assert "?year=2026&amp;month=7" in html


def test_calendar_year_boundaries_and_bad_months(client, official):
    client.force_login(official)
    response = client.get(reverse("delegations:calendar"), {"year": 2026, "month": 12})
    assert response.context["next"] == {"year": 2027, "month": 1}
    response = client.get(reverse("delegations:calendar"), {"year": 2026, "month": 1})
    assert response.context["previous"] == {"year": 2025, "month": 12}
    for bad in ({"month": 13}, {"year": "x"}):
        assert client.get(reverse("delegations:calendar"), bad).status_code == 404
    response = client.get(reverse("delegations:calendar"))
    assert (response.context["year"], response.context["month"]) == (2024, 7)
