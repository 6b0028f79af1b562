"""The delegations journey in a real browser, in Vietnamese.

The annual outbound plan holds one tourism-promotion trip to Japan led by SVHTTDL. An official
of Sở Ngoại vụ reads the plan against what happened (1 planned, 0 done). The reporter of
SVHTTDL proposes the delegation from the plan's row; the official approves it with the
decision; after the trip the reporter records the results. The official then reads 1 done
and the person-trips of the trip: the head and the members.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect

from accounts.models import Agency, User
from delegations import services
from delegations.models import Delegation, DelegationPlan, Direction, PlanItem, Purpose
from tests.browser.test_agreements_journey import dmy, follow, label, submit, watch
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFFICIAL_NAME = "Hoàng Thị Thu Trang"
REPORTER_NAME = "Ma Văn Khánh"
PLAN_TITLE = "Kế hoạch đoàn ra năm {year} của tỉnh"
ITEM = "Xúc tiến du lịch tại Nhật Bản, quảng bá điểm đến của tỉnh"
TITLE = "Đoàn công tác xúc tiến du lịch tại tỉnh Tottori, Nhật Bản"
HEAD = "Nguyễn Văn Hải"
HEAD_TITLE = "Phó Chủ tịch UBND tỉnh"
DECISION = "1234/QĐ-UBND"
AUTHORITY = "Ủy ban nhân dân tỉnh"
RESULTS = "Làm việc với Sở Du lịch tỉnh Tottori; giới thiệu 3 tour du lịch của tỉnh."


@pytest.fixture
def journey_official(owner_agency: Agency) -> User:
    return UserFactory(
        official=True, agency=owner_agency, username="trang.snv", full_name=OFFICIAL_NAME
    )


@pytest.fixture
def journey_reporter(agency: Agency) -> User:
    return UserFactory(agency=agency, username="khanh.svhttdl", full_name=REPORTER_NAME)


def trip_dates(today: date) -> tuple[date, date]:
    """30 to 25 days ago, kept inside the current year (the plan's) early in January."""
    start = max(today - timedelta(days=30), date(today.year, 1, 1))
    return start, min(start + timedelta(days=5), today)


@pytest.fixture
def plan_item(journey_official: User, agency: Agency) -> PlanItem:
    today = timezone.localdate()
    plan = services.plan_create(
        user=journey_official,
        data={
            "year": today.year,
            "direction": Direction.OUTBOUND,
            "title": PLAN_TITLE.format(year=today.year),
            "decision_number": f"15/QĐ-UBND-{today.year}",
            "decision_date": date(today.year, 1, 1),
        },
    )
    return services.plan_item_save(
        user=journey_official,
        plan=plan,
        data={
            "purpose": Purpose.TOURISM,
            "description": ITEM,
            "country": "JP",
            "expected_month": trip_dates(today)[0].month,
            "expected_size": 4,
            "lead_agency": agency,
        },
    )


def row_with_header(table: Locator, header: str) -> Locator:
    """The table's row whose row header reads exactly ``header``."""
    rowheader = table.page.get_by_role("rowheader", name=header, exact=True)
    return table.get_by_role("row").filter(has=rowheader)


def row_with_cell(table: Locator, text: str) -> Locator:
    cell = table.page.get_by_role("cell", name=text, exact=True)
    return table.get_by_role("row").filter(has=cell)


def open_delegations(page: Page) -> None:
    follow(page, page.get_by_test_id("main-nav").get_by_role("link", name="Đoàn ra, đoàn vào"))


def show_figures(page: Page, year: int, start: date | None = None, end: date | None = None) -> None:
    form = page.get_by_test_id("pva-form")
    form.get_by_label("Năm", exact=True).fill(str(year))
    form.get_by_label("Loại đoàn", exact=True).select_option(label="Đoàn ra")
    if start and end:
        form.get_by_label("Từ ngày", exact=True).fill(dmy(start))
        form.get_by_label("Đến ngày", exact=True).fill(dmy(end))
    submit(page, "Xem")


def test_delegation_journey(
    browser: Browser,
    page: Page,
    page_problems,
    live_server,
    login,
    journey_official: User,
    journey_reporter: User,
    plan_item: PlanItem,
) -> None:
    today = timezone.localdate()
    year = today.year
    planned_start, planned_end = trip_dates(today)
    actual_start, actual_end = planned_start + timedelta(days=1), planned_end
    decided_on = planned_start - timedelta(days=10)
    report_on = min(actual_end + timedelta(days=3), today)
    members = [
        ("Trần Thị Mai", "Giám đốc Sở", "Sở Văn hóa, Thể thao và Du lịch", ""),
        ("Lê Quang Huy", "Phó Giám đốc Sở", "Sở Ngoại vụ", ""),
        ("Phạm Minh Tuấn", "Giám đốc", "", "Công ty Lữ hành Tuyên Quang Travel"),
    ]
    alert = page.get_by_role("alert")

    # 2. The official reads the plan against what happened: 1 planned, nothing done.
    login(page, journey_official.username, PASSWORD)
    open_delegations(page)
    follow(page, page.get_by_role("link", name="Kế hoạch và thực hiện", exact=True))
    show_figures(page, year)
    pva_url = page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Đoàn ra, đoàn vào: kết quả thực hiện so với kế hoạch"
    )
    expect(page.get_by_role("heading", name=f"Đoàn ra năm {year}")).to_be_visible()
    summary = page.get_by_test_id("pva-summary")
    expect(summary).to_contain_text(PLAN_TITLE.format(year=year))
    expect(summary).to_contain_text("1 đoàn theo kế hoạch")
    expect(summary).to_contain_text("0 đoàn trong kế hoạch đã thực hiện (0%)")
    states = page.get_by_test_id("pva-states")
    expect(row_with_header(states, "Kế hoạch").get_by_role("cell")).to_have_text(["1", "—", "1"])
    expect(row_with_header(states, "Đã thực hiện").get_by_role("cell")).to_have_text(
        ["0", "0", "0"]
    )
    countries = page.get_by_test_id("pva-countries")
    expect(row_with_cell(countries, "Nhật Bản").get_by_role("cell")).to_have_text(
        ["Nhật Bản", "1", "0"]
    )
    purposes = page.get_by_test_id("pva-purposes")
    expect(row_with_cell(purposes, "Xúc tiến du lịch").get_by_role("cell")).to_have_text(
        ["Xúc tiến du lịch", "1", "0"]
    )

    # 3. The reporter of SVHTTDL, in a browser of their own, proposes it from the plan.
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    try:
        rpage = context.new_page()
        reporter_problems = watch(rpage)
        login(rpage, journey_reporter.username, PASSWORD)
        open_delegations(rpage)
        follow(rpage, rpage.get_by_role("link", name="Kế hoạch năm", exact=True))
        follow(rpage, rpage.get_by_role("link", name=PLAN_TITLE.format(year=year)))
        expect(rpage.get_by_test_id("plan-title")).to_have_text(PLAN_TITLE.format(year=year))
        # The plan is the officials' to edit; a reporter only proposes.
        expect(rpage.get_by_role("link", name="Thêm đoàn theo kế hoạch")).to_have_count(0)
        item_row = rpage.get_by_test_id("plan-items").get_by_role("row").filter(has_text=ITEM)
        expect(item_row).to_contain_text("Chưa có.")
        follow(rpage, item_row.get_by_role("link", name=f"Đề xuất: {ITEM}", exact=True))

        expect(rpage.get_by_role("heading", level=1)).to_have_text("Đề xuất đoàn")
        # The form starts from the planned delegation; the host agency is the reporter's.
        expect(label(rpage, "Thuộc nội dung kế hoạch").locator("option:checked")).to_have_text(
            f"{year} – {ITEM}"
        )
        expect(label(rpage, "Loại đoàn").locator("option:checked")).to_have_text("Đoàn ra")
        expect(label(rpage, "Mục đích").locator("option:checked")).to_have_text("Xúc tiến du lịch")
        expect(label(rpage, "Quốc gia").locator("option:checked")).to_have_text("Nhật Bản")
        host = label(rpage, "Cơ quan chủ trì / đón tiếp")
        expect(host).to_be_disabled()
        expect(host.locator("option:checked")).to_have_text(journey_reporter.agency.name)
        expect(label(rpage, "Tiêu đề")).to_have_value(ITEM)

        label(rpage, "Tiêu đề").fill(TITLE)
        label(rpage, "Trưởng đoàn").fill(HEAD)
        label(rpage, "Chức vụ trưởng đoàn").fill(HEAD_TITLE)
        label(rpage, "Ngày bắt đầu dự kiến").fill(dmy(planned_start))
        label(rpage, "Ngày kết thúc dự kiến").fill(dmy(planned_end))
        member_rows = rpage.get_by_test_id("member-formset").get_by_role("row")
        for index, (name, title, agency_name, organisation) in enumerate(members, start=1):
            row = member_rows.nth(index)  # row 0 is the header
            # Each control is named after its column and its row ("Họ và tên, thành viên 1").
            row.get_by_label(f"Họ và tên, thành viên {index}", exact=True).fill(name)
            row.get_by_label(f"Chức vụ, thành viên {index}", exact=True).fill(title)
            if agency_name:
                row.get_by_label(f"Cơ quan, đơn vị, thành viên {index}", exact=True).select_option(
                    label=agency_name
                )
            if organisation:
                row.get_by_label(f"Tổ chức, thành viên {index}", exact=True).fill(organisation)
        submit(rpage, "Đề xuất")
        expect(rpage.get_by_role("alert")).to_contain_text("Đã gửi đề xuất đoàn.")
        expect(rpage.get_by_test_id("delegation-title")).to_have_text(TITLE)
        expect(rpage.get_by_test_id("delegation-state")).to_have_text("Đề xuất")
        expect(rpage.get_by_test_id("plan-badge")).to_have_text("trong kế hoạch")
        people = rpage.get_by_test_id("members").get_by_role("row")
        expect(people).to_have_count(1 + 1 + len(members))  # header, head, members
        expect(rpage.get_by_role("heading", name="Trưởng đoàn và thành viên")).to_contain_text(
            f"{1 + len(members)} người"
        )
        # Deciding is the official's.
        expect(rpage.get_by_role("button", name="Phê duyệt")).to_have_count(0)
        delegation = Delegation.objects.get(title=TITLE)
        detail_url = live_server.url + delegation.get_absolute_url()
        expect(rpage).to_have_url(detail_url)
        assert delegation.state == Delegation.State.PROPOSED
        assert delegation.plan_item == plan_item
        assert delegation.host_agency == journey_reporter.agency
        assert (delegation.planned_start, delegation.planned_end) == (planned_start, planned_end)
        assert [m.name for m in delegation.members.order_by("id")] == [m[0] for m in members]

        # 4. The official finds it in the list and approves it with the decision.
        open_delegations(page)
        follow(page, page.get_by_role("link", name=TITLE))
        expect(page).to_have_url(detail_url)
        expect(page.get_by_test_id("decision")).to_contain_text("Chưa được phê duyệt.")
        approve = page.get_by_test_id("approve-form")
        label(approve, "Số quyết định").fill(DECISION)
        label(approve, "Ngày quyết định").fill(dmy(decided_on))
        label(approve, "Cấp có thẩm quyền cho phép").fill(AUTHORITY)
        submit(page, "Phê duyệt")
        expect(alert).to_contain_text("Đã phê duyệt đoàn.")
        expect(page.get_by_test_id("delegation-state")).to_have_text("Đã phê duyệt")
        decision = page.get_by_test_id("decision")
        expect(decision).to_contain_text(DECISION)
        expect(decision).to_contain_text(dmy(decided_on))
        expect(decision).to_contain_text(AUTHORITY)
        expect(page.get_by_role("button", name="Phê duyệt")).to_have_count(0)

        # 5. After the trip, the reporter records the results.
        rpage.reload()
        expect(rpage.get_by_test_id("delegation-state")).to_have_text("Đã phê duyệt")
        follow(rpage, rpage.get_by_role("link", name="Cập nhật kết quả"))
        expect(rpage.get_by_role("heading", level=1)).to_have_text("Cập nhật kết quả")
        expect(label(rpage, "Ngày bắt đầu thực tế")).to_have_value(dmy(planned_start))
        expect(label(rpage, "Ngày kết thúc thực tế")).to_have_value(dmy(planned_end))
        label(rpage, "Ngày bắt đầu thực tế").fill(dmy(actual_start))
        label(rpage, "Ngày kết thúc thực tế").fill(dmy(actual_end))
        label(rpage, "Kết quả").fill(RESULTS)
        label(rpage, "Ngày nhận báo cáo kết quả").fill(dmy(report_on))
        submit(rpage)
        expect(rpage.get_by_role("alert")).to_contain_text(
            "Đã cập nhật kết quả chuyến công tác của đoàn."
        )
        expect(rpage).to_have_url(detail_url)
        expect(rpage.get_by_test_id("delegation-state")).to_have_text("Đã thực hiện")
        expect(rpage.get_by_test_id("results")).to_contain_text(RESULTS)
        expect(rpage.get_by_test_id("report")).to_contain_text(dmy(report_on))
        rpage.wait_for_load_state("networkidle")
        assert reporter_problems == []
    finally:
        context.close()
    delegation.refresh_from_db()
    assert delegation.state == Delegation.State.DONE
    assert (delegation.actual_start, delegation.actual_end) == (actual_start, actual_end)
    assert delegation.report_received_on == report_on

    # 6. The official reloads the figures: 1 done; the trip's person-trips over a range.
    page.goto(pva_url)
    expect(summary).to_contain_text("1 đoàn trong kế hoạch đã thực hiện (100%)")
    expect(row_with_header(states, "Đã thực hiện").get_by_role("cell")).to_have_text(
        ["1", "0", "1"]
    )
    expect(row_with_cell(countries, "Nhật Bản").get_by_role("cell")).to_have_text(
        ["Nhật Bản", "1", "1"]
    )
    expect(row_with_cell(purposes, "Xúc tiến du lịch").get_by_role("cell")).to_have_text(
        ["Xúc tiến du lịch", "1", "1"]
    )
    range_start, range_end = actual_start - timedelta(days=1), today
    show_figures(page, year, range_start, range_end)
    expect(
        page.get_by_role(
            "heading", name=f"Số đoàn và lượt người từ {dmy(range_start)} đến {dmy(range_end)}"
        )
    ).to_be_visible()
    totals = page.get_by_test_id("pva-totals")
    expect(row_with_cell(totals, "Đoàn ra").get_by_role("cell")).to_have_text(
        ["Đoàn ra", "1", str(1 + len(members))]
    )
    expect(page.get_by_test_id("total-delegations")).to_have_text("1")
    expect(page.get_by_test_id("total-people")).to_have_text(str(1 + len(members)))
    assert DelegationPlan.objects.count() == 1

    page.wait_for_load_state("networkidle")
    assert page_problems.all() == []
