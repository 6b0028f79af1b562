"""The agreements journey in a real browser, in Vietnamese.

An official of Sở Ngoại vụ creates a partner and registers an agreement already in force with
two outputs; the periodic-review share reads 0%. A reporter of the lead agency records the
period's review and updates an output's progress (decimal comma). The official then sees the
share at 100% and the reporter's change, old → new, in the output's history.
"""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, Response, expect

from accounts.models import Agency, User
from agreements.models import Agreement, EvaluationCriterion, Output
from reports.periods import current_period
from tests.browser.conftest import static_load_failed
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARTNER = "Tỉnh Hủa Phăn"
TITLE = "Bản ghi nhớ hợp tác văn hóa, thể thao và du lịch với tỉnh Hủa Phăn"
OFFICIAL_NAME = "Nguyễn Thị Hồng Nhung"
REPORTER_NAME = "Lò Văn Thắng"
# The default evaluation criteria (agreements migration 0003). A transactional test empties
# the tables after each test, so they are put back when an earlier test has flushed them.
CRITERIA = [
    ("Tiến độ thực hiện các sản phẩm đầu ra", 4),
    ("Nguồn lực huy động được", 3),
    ("Mức độ tham gia của đối tác", 5),
    ("Hiệu quả, tác động đối với địa phương", 4),
]


@pytest.fixture
def criteria() -> dict[str, int]:
    for order, (name, _score) in enumerate(CRITERIA, start=1):
        EvaluationCriterion.objects.get_or_create(
            name=name, defaults={"max_score": 5, "order": order}
        )
    return dict(CRITERIA)


@pytest.fixture
def journey_official(owner_agency: Agency) -> User:
    return UserFactory(
        official=True, agency=owner_agency, username="nhung.snv", full_name=OFFICIAL_NAME
    )


@pytest.fixture
def journey_reporter(agency: Agency) -> User:
    return UserFactory(agency=agency, username="thang.svhttdl", full_name=REPORTER_NAME)


def dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def watch(page: Page) -> list[str]:
    """What the ``page_problems`` fixture watches, for a page of a second browser context:
    console errors (CSP violations included), uncaught exceptions, failed static files."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text} ({message.location})")

    def on_response(response: Response) -> None:
        if "/static/" in response.url and response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on("response", on_response)
    page.on(
        "requestfailed",
        lambda request: (
            problems.append(f"failed: {request.url} ({request.failure})")
            if static_load_failed(request)
            else None
        ),
    )
    return problems


def submit(page: Page, name: str = "Lưu") -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def follow(page: Page, link: Locator) -> None:
    with page.expect_navigation():
        link.click()


def label(page: Page, text: str) -> Locator:
    """The control labelled exactly ``text``. A required field's label ends with an asterisk
    (aria-hidden, so not part of the accessible name, but get_by_label matches the label's
    whole text)."""
    return page.get_by_label(re.compile(rf"^{re.escape(text)}(\s*\*)?$"))


def output_row(page: Page, description: str) -> Locator:
    return page.get_by_test_id("outputs").get_by_role("row").filter(has_text=description)


def change_cells(entry: Locator, field: str) -> Locator:
    """The before and after cells of one field's row in a history entry."""
    header = entry.page.get_by_role("rowheader", name=field, exact=True)
    return entry.get_by_role("row").filter(has=header).get_by_role("cell")


def test_agreement_journey(
    browser: Browser,
    page: Page,
    page_problems,
    live_server,
    login,
    journey_official: User,
    journey_reporter: User,
    criteria: dict[str, int],
) -> None:
    today = timezone.localdate()
    signed_on = today - timedelta(days=200)
    effective_on = signed_on + timedelta(days=15)
    end_on = effective_on + timedelta(days=5 * 365)
    period = current_period(today)
    number = f"02/{signed_on.year}/BGN-HP"
    alert = page.get_by_role("alert")

    # 1. The official creates the partner from the partners list.
    login(page, journey_official.username, PASSWORD)
    follow(page, page.get_by_test_id("main-nav").get_by_role("link", name="Đối tác"))
    expect(page).to_have_url(live_server.url + "/partners/")
    follow(page, page.get_by_role("link", name="Thêm đối tác"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thêm đối tác")
    label(page, "Tên tiếng Việt").fill(PARTNER)
    label(page, "Tên gốc hoặc tên tiếng Anh").fill("Houaphanh")
    label(page, "Loại").select_option(label="Tỉnh / bang")
    label(page, "Quốc gia").select_option(label="Lào")
    submit(page)
    expect(alert).to_contain_text("Đã lưu đối tác.")
    expect(page.get_by_role("heading", level=1)).to_contain_text(PARTNER)

    # ... then registers an agreement already in force, led by the reporter's agency.
    follow(page, page.get_by_test_id("main-nav").get_by_role("link", name="Thỏa thuận quốc tế"))
    follow(page, page.get_by_role("link", name="Thêm thỏa thuận"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thêm thỏa thuận")
    label(page, "Loại").select_option(label="Bản ghi nhớ")
    label(page, "Số hiệu").fill(number)
    label(page, "Tên gọi (tiếng Việt)").fill(TITLE)
    label(page, "Đối tác").select_option(label=PARTNER)
    label(page, "Cấp ký kết").select_option(label="Cấp tỉnh (HĐND, UBND tỉnh)")
    label(page, "Trạng thái").select_option(label="Còn hiệu lực")
    label(page, "Ngày ký").fill(dmy(signed_on))
    label(page, "Ngày có hiệu lực").fill(dmy(effective_on))
    label(page, "Ngày hết hiệu lực").fill(dmy(end_on))
    label(page, "Cơ quan chủ trì").select_option(label=journey_reporter.agency.name)
    label(page, "Mục tiêu").fill(
        "Tăng cường giao lưu văn hóa, thể thao; phát triển du lịch giữa hai tỉnh."
    )
    label(page, "Cơ chế đánh giá").fill("Sơ kết 6 tháng, tổng kết hằng năm.")
    submit(page)
    expect(alert).to_contain_text("Đã cập nhật thỏa thuận vào sổ theo dõi.")
    expect(page.get_by_test_id("agreement-title")).to_have_text(TITLE)
    agreement = Agreement.objects.get(number=number)
    detail_url = live_server.url + agreement.get_absolute_url()
    expect(page).to_have_url(detail_url)
    assert agreement.state == Agreement.State.IN_FORCE
    assert (agreement.signed_on, agreement.effective_on, agreement.end_on) == (
        signed_on,
        effective_on,
        end_on,
    )
    assert [p.name_vi for p in agreement.partners.all()] == [PARTNER]
    assert agreement.partners.get().country.code == "LA"
    assert agreement.lead_agency == journey_reporter.agency

    # ... and adds two outputs, assigned by default to the lead agency.
    outputs = [
        ("Đón đoàn khách du lịch Hủa Phăn", "Số lượt khách", "nghìn lượt", "10", "1"),
        ("Tổ chức tuần văn hóa Lào tại tỉnh", "Số tuần văn hóa", "tuần", "1", ""),
    ]
    for description, indicator, unit, target, current in outputs:
        follow(page, page.get_by_role("link", name="Thêm sản phẩm đầu ra"))
        label(page, "Sản phẩm đầu ra").fill(description)
        label(page, "Chỉ số").fill(indicator)
        label(page, "Đơn vị tính").fill(unit)
        label(page, "Giá trị mục tiêu").fill(target)
        label(page, "Hạn").fill(dmy(end_on))
        expect(label(page, "Cơ quan chịu trách nhiệm").locator("option:checked")).to_have_text(
            journey_reporter.agency.name
        )
        label(page, "Giá trị hiện tại").fill(current)
        submit(page)
        expect(alert).to_contain_text("Đã thêm sản phẩm đầu ra.")
    for description, _indicator, unit, target, _current in outputs:
        row = output_row(page, description)
        expect(row).to_have_count(1)
        expect(row).to_contain_text(f"{target} {unit}")
        expect(row).to_contain_text("SVHTTDL")
    first_output = Output.objects.get(agreement=agreement, description=outputs[0][0])

    # 2. The periodic-review share: one agreement in force, not reviewed yet.
    follow(page, page.get_by_test_id("main-nav").get_by_role("link", name="Thỏa thuận quốc tế"))
    follow(page, page.get_by_role("link", name="Theo dõi, đánh giá định kỳ"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(period.label)
    share = page.get_by_test_id("review-share")
    expect(share).to_have_text("0%")
    expect(page.get_by_text("0/1 thỏa thuận còn hiệu lực đã được đánh giá")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(re.escape(TITLE)))).to_be_visible()
    review_url = page.url

    # 3. The reporter of the lead agency, in a browser of their own.
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    try:
        reporter_page = context.new_page()
        reporter_problems = watch(reporter_page)
        login(reporter_page, journey_reporter.username, PASSWORD)
        nav = reporter_page.get_by_test_id("main-nav")
        follow(reporter_page, nav.get_by_role("link", name="Thỏa thuận quốc tế"))
        follow(reporter_page, reporter_page.get_by_role("link", name=TITLE))
        expect(reporter_page).to_have_url(detail_url)
        # Outputs and agreement are the official's to edit; the reporter only reports.
        expect(reporter_page.get_by_role("link", name="Thêm sản phẩm đầu ra")).to_have_count(0)

        follow(reporter_page, reporter_page.get_by_role("link", name="Ghi nhận đánh giá"))
        expect(label(reporter_page, "Kỳ báo cáo").locator("option:checked")).to_have_text(
            period.label
        )
        expect(label(reporter_page, "Ngày đánh giá")).to_have_value(dmy(today))
        label(reporter_page, "Đánh giá chung").select_option(label="Đúng tiến độ")
        label(reporter_page, "Kết quả đã thực hiện").fill(
            "Đã đón 2 đoàn khách du lịch; đang chuẩn bị tuần văn hóa."
        )
        label(reporter_page, "Khó khăn, vướng mắc").fill("Kinh phí còn hạn chế.")
        for name, score in criteria.items():
            label(reporter_page, name).fill(str(score))
        submit(reporter_page)
        expect(reporter_page.get_by_role("alert")).to_contain_text("Đã ghi nhận kết quả đánh giá.")
        review_card = reporter_page.get_by_test_id("review")
        expect(review_card).to_contain_text(period.label)
        expect(review_card).to_contain_text("Đúng tiến độ")
        expect(review_card).to_contain_text(REPORTER_NAME)

        row = output_row(reporter_page, first_output.description)
        follow(reporter_page, row.get_by_role("link", name="Cập nhật tiến độ"))
        expect(label(reporter_page, "Giá trị hiện tại")).to_have_value("1,00")
        label(reporter_page, "Giá trị hiện tại").fill("2,5")
        label(reporter_page, "Tình trạng").select_option(label="Đang thực hiện")
        label(reporter_page, "Ghi chú tiến độ").fill("Đã đón thêm 1.500 lượt khách.")
        submit(reporter_page)
        expect(reporter_page.get_by_role("alert")).to_contain_text("Đã cập nhật tiến độ.")
        expect(row.get_by_test_id("output-current")).to_have_text("2,50")
        reporter_page.wait_for_load_state("networkidle")
        assert reporter_problems == []
    finally:
        context.close()
    first_output.refresh_from_db()
    assert str(first_output.current_value) == "2.50"

    # 4. The official, back in their own browser, sees the share move.
    page.reload()
    expect(page).to_have_url(review_url)
    expect(share).to_have_text("100%")
    expect(page.get_by_text("1/1 thỏa thuận còn hiệu lực đã được đánh giá")).to_be_visible()
    expect(page.get_by_text("Tất cả thỏa thuận còn hiệu lực đã được đánh giá.")).to_be_visible()

    # The agreement's history: its registration by the official. (The review and the
    # outputs' progress are records of their own and do not appear here.) The agreement's
    # "Lịch sử" button comes first; every output row has an icon link of the same name.
    page.goto(detail_url)
    follow(page, page.get_by_role("link", name="Lịch sử", exact=True).first)
    expect(page).to_have_url(live_server.url + f"/history/agreement/{agreement.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lịch sử thay đổi")
    entries = page.get_by_test_id("history-entry")
    expect(entries).to_have_count(1)
    expect(entries.first.get_by_test_id("history-label")).to_have_text("Tạo mới")
    expect(entries.first.get_by_test_id("history-user")).to_contain_text(OFFICIAL_NAME)
    expect(change_cells(entries.first, "Trạng thái")).to_have_text(["Còn hiệu lực"])
    expect(change_cells(entries.first, "Ngày ký")).to_have_text([dmy(signed_on)])
    expect(change_cells(entries.first, "Đối tác")).to_have_text([PARTNER])

    # The output's history: the reporter's update, old → new, in their name.
    page.goto(detail_url)
    follow(page, output_row(page, first_output.description).get_by_role("link", name="Lịch sử"))
    expect(page).to_have_url(live_server.url + f"/history/output/{first_output.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lịch sử thay đổi")
    expect(entries).to_have_count(2)
    latest = entries.first
    expect(latest.get_by_test_id("history-label")).to_have_text("Cập nhật")
    expect(latest.get_by_test_id("history-user")).to_contain_text(REPORTER_NAME)
    expect(latest.get_by_test_id("history-user")).to_contain_text("SVHTTDL")
    expect(change_cells(latest, "Giá trị hiện tại")).to_have_text(["1", "2,50"])
    expect(change_cells(latest, "Tình trạng")).to_have_text(["Chưa triển khai", "Đang thực hiện"])
    expect(entries.last.get_by_test_id("history-label")).to_have_text("Tạo mới")
    expect(entries.last.get_by_test_id("history-user")).to_contain_text(OFFICIAL_NAME)

    page.wait_for_load_state("networkidle")
    assert page_problems.all() == []
