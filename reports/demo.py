"""Demo reporting periods for 2026 and two agency reports of the first half-year.

Idempotent: periods are keyed by year and kind, reports by period and agency.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from accounts.models import Agency, User

from . import services
from .models import AgencyReport, AgencyReportVersion

# The demo's reports reached Sở Ngoại vụ in June, before the 6-month deadline.
SUBMITTED_AT = datetime(2026, 6, 17, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

VHTTDL_TEXT = {
    "relations": (
        "Phối hợp tổ chức Lễ hội Thành Tuyên với sự tham gia của đoàn nghệ thuật tỉnh Xiêng "
        "Khoảng (Lào); triển khai Biên bản ghi nhớ hợp tác du lịch với tỉnh Vân Nam (Trung Quốc)."
    ),
    "cultural": (
        "Quảng bá Công viên địa chất toàn cầu UNESCO Cao nguyên đá Đồng Văn tại hội chợ du lịch "
        "quốc tế; đón 3 đoàn báo chí nước ngoài."
    ),
    "achievements": "Hoạt động đối ngoại văn hóa được triển khai đúng kế hoạch.",
    "shortcomings": "Nguồn lực cho quảng bá du lịch ra nước ngoài còn hạn chế.",
    "next_tasks": "Chuẩn bị đón đoàn tỉnh Imsil (Hàn Quốc) dự Lễ hội Thành Tuyên.",
    "proposals": "Đề nghị bố trí kinh phí xúc tiến du lịch tại thị trường Hàn Quốc, Nhật Bản.",
}

SCT_TEXT = {
    "economic": (
        "Tổ chức đoàn xúc tiến thương mại tại Quảng Tây (Trung Quốc); hỗ trợ doanh nghiệp xuất "
        "khẩu chè Shan tuyết."
    ),
    "next_tasks": "Tham gia Hội chợ Trung Quốc - ASEAN (CAEXPO) tại Nam Ninh.",
}


def load(log: Callable[[str], None]) -> None:
    semiannual, _annual = services.periods_ensure_year(year=2026)
    owner = Agency.objects.owner().get()
    official = User.objects.filter(agency=owner, role="official").order_by("pk").first()
    for short_name, text, accept in (("SVHTTDL", VHTTDL_TEXT, True), ("SCT", SCT_TEXT, False)):
        agency = Agency.objects.filter(short_name=short_name).first()
        if agency is None or AgencyReport.objects.filter(period=semiannual, agency=agency).exists():
            continue
        head = (
            User.objects.filter(agency=agency, role="reporter")
            .order_by("-is_agency_head", "pk")
            .first()
        )
        if head is None:
            continue
        was_head = head.is_agency_head
        head.is_agency_head = True  # the demo's reporter of SCT stands in for its head
        report = services.report_open(period=semiannual, agency=agency, user=head)
        services.report_save_draft(report=report, user=head, sections=text)
        services.report_submit(report=report, user=head)
        head.is_agency_head = was_head
        AgencyReport.objects.filter(pk=report.pk).update(
            first_submitted_at=SUBMITTED_AT, submitted_at=SUBMITTED_AT
        )
        AgencyReportVersion.objects.filter(report=report).update(submitted_at=SUBMITTED_AT)
        if accept and official is not None:
            services.report_accept(report=report, user=official, note="")
        log(f"  report {short_name} {semiannual}")
