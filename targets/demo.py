"""Every 2030 target of the 2026-2030 resolution (seed 000 §III.2), with a few measurements.

Idempotent: targets are keyed by code, measurements by target and period.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from accounts.demo import ensure
from accounts.models import Agency

from .models import Measurement, Target, Task, TaskPlan

G = Target.Group
K = Target.Kind
C = Target.Computed

# (code, group, text, unit, kind, min, max, owner, computed)
CATALOGUE: list[tuple] = [
    (
        "1.1",
        G.CAPACITY,
        "100% cấp ủy, tổ chức đảng, chính quyền các cấp nhận thức đầy đủ, thống "
        "nhất về vai trò của công tác đối ngoại và hội nhập quốc tế",
        "%",
        K.PERCENTAGE,
        100,
        None,
        "SNgV",
        "",
    ),
    (
        "1.2",
        G.CAPACITY,
        "Hoàn thiện hệ thống cơ chế, quy định quản lý thống nhất hoạt động đối "
        "ngoại trên địa bàn tỉnh",
        "hoàn thành",
        K.MILESTONE,
        1,
        None,
        "SNgV",
        "",
    ),
    (
        "1.3",
        G.CAPACITY,
        "Hằng năm, 100% đội ngũ cán bộ làm công tác đối ngoại được bồi dưỡng, cập "
        "nhật kiến thức về hội nhập quốc tế",
        "%",
        K.PERCENTAGE,
        100,
        None,
        "SNV",
        "",
    ),
    (
        "2.1",
        G.ECONOMY,
        "Chỉ số đánh giá kết quả thực hiện các Hiệp định thương mại tự do (FTA) của "
        "tỉnh đạt từ 26 điểm trở lên",
        "điểm",
        K.INDEX,
        26,
        None,
        "SCT",
        "",
    ),
    (
        "2.2",
        G.ECONOMY,
        "Thu hút vốn đầu tư trực tiếp nước ngoài (FDI) đạt khoảng 15.000 - 20.000 tỷ đồng",
        "tỷ đồng",
        K.CUMULATIVE,
        15000,
        20000,
        "STC",
        "",
    ),
    (
        "2.3",
        G.ECONOMY,
        "Tăng cường thu hút nguồn hỗ trợ phát triển chính thức (ODA), viện trợ phi "
        "chính phủ nước ngoài",
        "tỷ đồng",
        K.CUMULATIVE,
        None,
        None,
        "STC",
        "",
    ),
    (
        "2.4",
        G.ECONOMY,
        "Hằng năm tổ chức từ 02 - 03 hoạt động xúc tiến đầu tư, thương mại, du lịch quốc tế",
        "hoạt động/năm",
        K.PER_YEAR,
        2,
        3,
        "SCT",
        C.PROMOTION,
    ),
    (
        "2.5",
        G.ECONOMY,
        "Đàm phán, ký kết mới ít nhất 03 - 05 chương trình, dự án hợp tác quốc tế "
        "trong các lĩnh vực ưu tiên",
        "chương trình, dự án",
        K.CUMULATIVE,
        3,
        5,
        "SNgV",
        C.NEW_PROGRAMMES,
    ),
    (
        "2.6",
        G.ECONOMY,
        "Có ít nhất 01 - 02 sản phẩm chủ lực của tỉnh tiếp cận ổn định thị trường quốc tế",
        "sản phẩm",
        K.CUMULATIVE,
        1,
        2,
        "SCT",
        "",
    ),
    (
        "2.7",
        G.ECONOMY,
        "Cắt giảm tối thiểu 30% thời gian giải quyết thủ tục hành chính so với quy định hiện hành",
        "%",
        K.PERCENTAGE,
        30,
        None,
        "SNV",
        "",
    ),
    (
        "2.8",
        G.ECONOMY,
        "Công khai 100% thông tin, tài liệu về thủ tục hành chính, quy hoạch, chính "
        "sách ưu đãi đầu tư",
        "%",
        K.PERCENTAGE,
        100,
        None,
        "CTTĐT",
        "",
    ),
    (
        "2.9",
        G.ECONOMY,
        "100% hồ sơ thủ tục hành chính liên quan đến yếu tố nước ngoài được giải "
        "quyết trực tuyến toàn trình",
        "%",
        K.PERCENTAGE,
        100,
        None,
        "SNgV",
        "",
    ),
    (
        "3.1",
        G.RELATIONS,
        "100% thỏa thuận quốc tế được theo dõi, đánh giá định kỳ",
        "%",
        K.PERCENTAGE,
        100,
        None,
        "SNgV",
        C.REVIEW_SHARE,
    ),
    (
        "3.2",
        G.RELATIONS,
        "Mở rộng, thiết lập quan hệ hợp tác mới với khoảng 10 - 20 đối tác là địa "
        "phương nước ngoài, tổ chức quốc tế và đối tác chiến lược",
        "đối tác",
        K.CUMULATIVE,
        10,
        20,
        "SNgV",
        C.NEW_PARTNERS,
    ),
    (
        "4.1",
        G.SOCIETY,
        "Khách du lịch quốc tế chiếm 10 - 12% trong tổng số khoảng 6 triệu lượt "
        "khách du lịch đến tỉnh",
        "%",
        K.PERCENTAGE,
        10,
        12,
        "SVHTTDL",
        "",
    ),
    (
        "4.2",
        G.SOCIETY,
        "Có 02 điểm du lịch đạt tiêu chuẩn ASEAN",
        "điểm du lịch",
        K.CUMULATIVE,
        2,
        None,
        "SVHTTDL",
        "",
    ),
    (
        "4.3",
        G.SOCIETY,
        "Bình quân mỗi năm có ít nhất 01 điểm du lịch được công nhận danh hiệu quốc tế",
        "điểm/năm",
        K.PER_YEAR,
        1,
        None,
        "SVHTTDL",
        "",
    ),
    (
        "4.4",
        G.SOCIETY,
        "Ký kết hợp tác với 05 - 10 đối tác là các công viên địa chất thuộc Mạng "
        "lưới Công viên địa chất toàn cầu UNESCO",
        "công viên địa chất",
        K.CUMULATIVE,
        5,
        10,
        "BQLCVĐC",
        C.GEOPARKS,
    ),
    (
        "4.5",
        G.SOCIETY,
        "Có ít nhất 01 sản phẩm nông, lâm nghiệp của tỉnh được bảo hộ chỉ dẫn địa lý ở nước ngoài",
        "sản phẩm",
        K.MILESTONE,
        1,
        None,
        "SNNMT",
        "",
    ),
    (
        "4.6",
        G.SOCIETY,
        "Mở rộng, thiết lập quan hệ hợp tác với khoảng 05 - 10 đối tác mới trong các "
        "lĩnh vực ưu tiên",
        "đối tác",
        K.CUMULATIVE,
        5,
        10,
        "SNgV",
        "",
    ),
    (
        "4.7",
        G.SOCIETY,
        "Có 02 - 03 chương trình đào tạo, giáo dục nghề nghiệp đạt hoặc tiếp cận "
        "chuẩn khu vực, quốc tế",
        "chương trình",
        K.CUMULATIVE,
        2,
        3,
        "SGDĐT",
        "",
    ),
    (
        "4.8",
        G.SOCIETY,
        "100% cơ sở giáo dục nghề nghiệp chủ lực triển khai ít nhất 01 chương trình "
        "hợp tác, liên kết đào tạo với đối tác nước ngoài",
        "%",
        K.PERCENTAGE,
        100,
        None,
        "SGDĐT",
        "",
    ),
    (
        "4.9",
        G.SOCIETY,
        "Thu hút khoảng 10 - 15% học sinh, sinh viên tham gia các chương trình đào "
        "tạo chất lượng cao theo tiêu chuẩn quốc tế",
        "%",
        K.PERCENTAGE,
        10,
        15,
        "SGDĐT",
        "",
    ),
]

# Demo measurements: (code, year, kind, value)
MEASUREMENTS = [
    ("1.1", 2026, "semiannual", "85"),
    ("1.3", 2026, "semiannual", "70"),
    ("2.1", 2026, "semiannual", "22.5"),
    ("2.2", 2026, "semiannual", "1800"),
    ("2.7", 2026, "semiannual", "12"),
    ("4.1", 2026, "semiannual", "6.5"),
]


def load(log: Callable[[str], None]) -> None:
    agencies = {a.short_name: a for a in Agency.objects.all()}
    agencies["SNgV"] = Agency.objects.owner().get()
    targets = {}
    for order, row in enumerate(CATALOGUE, start=1):
        code, group, text, unit, kind, low, high, owner, computed = row
        target, created = ensure(
            Target,
            {"code": code},
            {
                "group": group,
                "text_vi": text,
                "unit": unit,
                "kind": kind,
                "target_min": None if low is None else Decimal(low),
                "target_max": None if high is None else Decimal(high),
                "owner_agency": agencies.get(owner, agencies["SNgV"]),
                "source": Target.Source.COMPUTED if computed else Target.Source.ENTERED,
                "computed": computed,
                "order": order,
            },
        )
        targets[code] = target
        if created:
            log(f"  target {code}")
    load_tasks(log, agencies)
    for code, year, kind, value in MEASUREMENTS:
        Measurement.objects.get_or_create(
            target=targets[code],
            period_year=year,
            period_kind=kind,
            defaults={"value": Decimal(value), "evidence": "Số liệu báo cáo 6 tháng đầu năm."},
        )


# The 2026 plan's task-assignment table (seed 004, section IV): (lead, text, deadline, as written)
TASKS = [
    (
        "ALL",
        "Ban hành kế hoạch triển khai thực hiện Kết luận số 125-KL/TW, Nghị quyết số "
        "02/NQ-CP, Chương trình số 17-CTr/TU và các nhiệm vụ được giao tại Kế hoạch",
        date(2026, 3, 31),
        "Trong tháng 03/2026",
    ),
    (
        "SNgV",
        "Tham mưu chỉ đạo, đôn đốc việc triển khai thực hiện Kế hoạch; báo cáo tình hình, "
        "kết quả thực hiện với Ban Thường vụ Tỉnh ủy, Ủy ban nhân dân tỉnh",
        None,
        "Định kỳ 6 tháng, hằng năm",
    ),
    (
        "STC",
        "Tham mưu bố trí, cân đối nguồn kinh phí thực hiện các hoạt động đối ngoại; hướng "
        "dẫn quản lý, sử dụng kinh phí đúng quy định",
        None,
        "Hằng năm",
    ),
    (
        "STC",
        "Phối hợp quản lý các chương trình, dự án, khoản viện trợ sử dụng vốn ODA, vốn vay "
        "ưu đãi và viện trợ phi chính phủ nước ngoài",
        None,
        "Thường xuyên",
    ),
    (
        "SVHTTDL",
        "Chủ trì hợp tác với các cơ quan báo chí Trung ương đẩy mạnh thông tin, tuyên "
        "truyền giới thiệu hình ảnh Tuyên Quang; hướng dẫn, quản lý việc cung cấp thông tin "
        "đối ngoại",
        date(2026, 12, 31),
        "Trong năm 2026",
    ),
    (
        "BPTTH",
        "Tuyên truyền về công tác đối ngoại và hội nhập quốc tế của tỉnh",
        None,
        "Thường xuyên",
    ),
    (
        "CAT",
        "Bảo đảm an ninh, an toàn cho các đoàn khách quốc tế và hoạt động đối ngoại trên "
        "địa bàn tỉnh",
        None,
        "Thường xuyên",
    ),
    (
        "BĐBP",
        "Phối hợp quản lý, bảo vệ chủ quyền, an ninh biên giới; thực hiện đối ngoại biên "
        "phòng với các lực lượng chức năng phía Trung Quốc",
        date(2026, 6, 30),
        "6 tháng đầu năm 2026",
    ),
]


def load_tasks(log: Callable[[str], None], agencies: dict) -> None:
    plan, created = TaskPlan.objects.get_or_create(
        number="KH-UBND/2026",
        issuer="UBND tỉnh",
        defaults={
            "kind": TaskPlan.Kind.PLAN,
            "issued_on": date(2026, 2, 10),
            "title": "Kế hoạch thực hiện Kết luận số 125-KL/TW, Nghị quyết số 02/NQ-CP và "
            "Chương trình số 17-CTr/TU về công tác đối ngoại năm 2026",
        },
    )
    if not created:
        return
    for order, (lead, text, deadline, written) in enumerate(TASKS, start=1):
        Task.objects.create(
            plan=plan,
            order=order,
            text=text,
            deadline=deadline,
            deadline_text=written,
            lead_agency=agencies["SNgV"] if lead == "ALL" else agencies.get(lead, agencies["SNgV"]),
            state=Task.State.DONE if order == 2 else Task.State.NOT_STARTED,
        )
    log(f"  tasks: {len(TASKS)}")
