"""The 2030 targets journey in a real browser, in Vietnamese.

A reporter of the owner agency enters the 6-month value of a target with its evidence (text and
a PDF); a leader then reads the overview: the target moved from "no data" to "achieved", with
the value written the Vietnamese way (27,5) and its chart on the target's page.
"""

from decimal import Decimal

import pytest
from playwright.sync_api import Browser, expect

from targets.models import Measurement, Target
from tests.browser.test_agreements_journey import follow, label, submit, watch
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Chỉ số đánh giá kết quả thực hiện các Hiệp định thương mại tự do (FTA) đạt từ 26 điểm"
EVIDENCE = "Kết quả chấm điểm của Bộ Công Thương năm 2026"


def test_reporter_enters_a_value_and_the_leader_sees_the_new_status(
    browser: Browser, live_server, login, agency
):
    target = Target.objects.create(
        code="2.1",
        text_vi=TEXT,
        group=Target.Group.ECONOMY,
        unit="điểm",
        kind=Target.Kind.INDEX,
        target_min=Decimal(26),
        owner_agency=agency,
    )
    reporter = UserFactory(agency=agency, username="baocao.journey", full_name="Lý Thị Mai")
    leader = UserFactory(leader=True, username="lanhdao.journey")

    # The reporter of the owner agency enters the value with its evidence.
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    problems = watch(page)
    login(page, reporter.username, PASSWORD)
    follow(page, page.get_by_role("link", name="Chỉ tiêu đến năm 2030").first)
    row = page.get_by_role("row").filter(has_text=TEXT)
    expect(row).to_contain_text("Chưa có số liệu")
    follow(page, row.get_by_role("link", name=TEXT))
    follow(page, page.get_by_role("link", name="Nhập số liệu"))
    label(page, "Giá trị").fill("27,5")
    label(page, "Minh chứng").fill(EVIDENCE)
    label(page, "Tệp minh chứng (PDF)").set_input_files(
        files=[
            {"name": "ket-qua.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
        ]
    )
    submit(page)
    expect(page.get_by_text("Đã ghi nhận số liệu.")).to_be_visible()
    assert problems == []
    context.close()

    measurement = Measurement.objects.get(target=target)
    assert (measurement.value, measurement.evidence, measurement.entered_by) == (
        Decimal("27.5"),
        EVIDENCE,
        reporter,
    )
    assert measurement.evidence_file

    # The leader reads the overview: achieved, 27,5 điểm; the page has its chart.
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    problems = watch(page)
    login(page, leader.username, PASSWORD)
    follow(page, page.get_by_role("link", name="Chỉ tiêu đến năm 2030").first)
    row = page.get_by_role("row").filter(has_text=TEXT)
    expect(row).to_contain_text("Đã đạt")
    expect(row).to_contain_text("27,5 điểm")
    follow(page, row.get_by_role("link", name=TEXT))
    expect(page.locator("svg[role=img]")).to_have_count(1)
    expect(page.get_by_role("link", name="Nhập số liệu")).to_have_count(0)
    assert problems == []
    context.close()
