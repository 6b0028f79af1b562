"""About 30 true-looking agreements with the seed partners, 2018-2026.

Dates are placed relative to the day of the first load, so that the demo always shows
agreements ending soon, outputs past due and reviews missing. Idempotent: agreements are
keyed by their number and never touched again once they exist.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from accounts.models import Agency, Role, User
from partners.models import Partner
from reports.periods import current_period

from . import services
from .models import Agreement, AgreementEvent, EvaluationCriterion, FieldOfCooperation, Review

K = Agreement.Kind
L = Agreement.SigningLevel

# (number, kind, level, title, partner names, lead, coordinating, fields, signed, years of term)
AGREEMENTS: list[tuple] = [
    (
        "01/2018/TTQT-TQ",
        K.AGREEMENT,
        L.PROVINCE,
        "Thỏa thuận hợp tác giữa tỉnh Tuyên Quang và tỉnh Xiêng Khoảng giai đoạn 2018-2023",
        ["Tỉnh Xiêng Khoảng"],
        "SNgV",
        ["SGDĐT", "SNNMT"],
        ["Giáo dục, đào tạo", "Nông nghiệp, lâm nghiệp"],
        date(2018, 3, 20),
        5,
    ),
    (
        "02/2019/BGN-TQ",
        K.MOU,
        L.PROVINCE,
        "Bản ghi nhớ về hợp tác hữu nghị giữa tỉnh Tuyên Quang và thành phố Moriya",
        ["Thành phố Moriya"],
        "SNgV",
        ["SVHTTDL"],
        ["Giao lưu nhân dân", "Văn hóa, thể thao"],
        date(2019, 7, 30),
        10,
    ),
    (
        "03/2019/BBTT-TQ",
        K.MINUTES,
        L.PROVINCE,
        "Biên bản thỏa thuận hợp tác với tỉnh Phông-Sa-Lỳ về giao lưu văn hóa và đào tạo",
        ["Tỉnh Phông-Sa-Lỳ"],
        "SVHTTDL",
        ["SGDĐT"],
        ["Văn hóa, thể thao", "Giáo dục, đào tạo"],
        date(2019, 11, 6),
        6,
    ),
    (
        "04/2020/CTHT-SVHTTDL",
        K.PROGRAMME,
        L.DEPARTMENT,
        "Chương trình hợp tác phát triển du lịch với châu Văn Sơn",
        ["Châu Văn Sơn"],
        "SVHTTDL",
        ["SCT"],
        ["Du lịch"],
        date(2020, 10, 15),
        5,
    ),
    (
        "05/2021/BGN-SCT",
        K.MOU,
        L.DEPARTMENT,
        "Bản ghi nhớ xúc tiến thương mại với Hiệp hội Doanh nghiệp nhỏ và vừa Hàn Quốc",
        ["Hiệp hội Doanh nghiệp nhỏ và vừa Hàn Quốc"],
        "SCT",
        ["SNgV"],
        ["Kinh tế, thương mại, đầu tư"],
        date(2021, 9, 9),
        5,
    ),
    (
        "06/2022/TTQT-TQ",
        K.AGREEMENT,
        L.PROVINCE,
        "Thỏa thuận thiết lập quan hệ hữu nghị và hợp tác với huyện Imsil",
        ["Huyện Imsil"],
        "SNgV",
        ["SNNMT", "SVHTTDL"],
        ["Nông nghiệp, lâm nghiệp", "Giao lưu nhân dân"],
        date(2022, 10, 12),
        5,
    ),
    (
        "07/2022/KHHT-SNNMT",
        K.PLAN,
        L.DEPARTMENT,
        "Kế hoạch hợp tác trồng và chế biến chè Shan tuyết với tỉnh Vân Nam",
        ["Tỉnh Vân Nam"],
        "SNNMT",
        ["SCT"],
        ["Nông nghiệp, lâm nghiệp"],
        date(2022, 4, 8),
        4,
    ),
    (
        "08/2023/BGN-TQ",
        K.MOU,
        L.PROVINCE,
        "Bản ghi nhớ hợp tác với quận Boeun về lao động thời vụ",
        ["Quận Boeun"],
        "SNV",
        ["SNgV", "CAT"],
        ["Lao động, dạy nghề"],
        date(2023, 6, 2),
        3,
    ),
    (
        "09/2023/DA-BQLCVĐC",
        K.PROJECT,
        L.DEPARTMENT,
        "Dự án bảo tồn và phát huy giá trị di sản Công viên địa chất toàn cầu UNESCO "
        "Cao nguyên đá Đồng Văn",
        [
            "Mạng lưới Công viên địa chất toàn cầu UNESCO",
            "Tổ chức Giáo dục, Khoa học và Văn hóa Liên hợp quốc",
        ],
        "BQLCVĐC",
        ["SVHTTDL"],
        ["Di sản, công viên địa chất", "Du lịch"],
        date(2023, 9, 25),
        3,
    ),
    (
        "10/2024/BBTT-BĐBP",
        K.MINUTES,
        L.COMMUNE,
        "Biên bản thỏa thuận phối hợp quản lý biên giới giữa xã Thanh Thủy và trấn Thiên Bảo",
        ["Châu Văn Sơn"],
        "UBND-TT",
        ["BĐBP"],
        ["Quản lý biên giới"],
        date(2024, 2, 28),
        2,
    ),
    (
        "11/2024/BGN-TQ",
        K.MOU,
        L.PROVINCE,
        "Bản ghi nhớ hợp tác với tỉnh Benguet về nông nghiệp công nghệ cao",
        ["Tỉnh Benguet"],
        "SNNMT",
        ["SNgV"],
        ["Nông nghiệp, lâm nghiệp", "Khoa học, công nghệ"],
        date(2024, 3, 21),
        3,
    ),
    (
        "12/2024/TTQT-SYT",
        K.AGREEMENT,
        L.DEPARTMENT,
        "Thỏa thuận hỗ trợ kỹ thuật về y tế cơ sở với Tổ chức Y tế thế giới",
        ["Tổ chức Y tế thế giới"],
        "SYT",
        [],
        ["Y tế"],
        date(2024, 5, 17),
        3,
    ),
    (
        "13/2024/CTHT-SGDĐT",
        K.PROGRAMME,
        L.DEPARTMENT,
        "Chương trình trao đổi giáo viên và học sinh với bang Hessen",
        ["Bang Hessen"],
        "SGDĐT",
        ["SNgV"],
        ["Giáo dục, đào tạo"],
        date(2024, 8, 19),
        4,
    ),
    (
        "14/2025/DA-SNNMT",
        K.PROJECT,
        L.DEPARTMENT,
        "Dự án nâng cao sinh kế vùng cao do KOICA tài trợ",
        ["Văn phòng Cơ quan Hợp tác quốc tế Hàn Quốc tại Việt Nam"],
        "SNNMT",
        ["STC", "UBND-PB"],
        ["Nông nghiệp, lâm nghiệp"],
        date(2025, 1, 14),
        3,
    ),
    (
        "15/2025/BGN-TQ",
        K.MOU,
        L.PROVINCE,
        "Bản ghi nhớ hợp tác với thành phố Anseong giai đoạn 2025-2030",
        ["Thành phố Anseong"],
        "SNgV",
        ["SVHTTDL", "SGDĐT"],
        ["Giao lưu nhân dân", "Giáo dục, đào tạo"],
        date(2025, 8, 24),
        5,
    ),
    (
        "16/2025/KHHT-SCT",
        K.PLAN,
        L.DEPARTMENT,
        "Kế hoạch hợp tác thương mại biên giới với Khu tự trị dân tộc Choang Quảng Tây",
        ["Khu tự trị dân tộc Choang Quảng Tây"],
        "SCT",
        ["BĐBP"],
        ["Kinh tế, thương mại, đầu tư"],
        date(2025, 4, 10),
        2,
    ),
]

EXTRA_THEMES = [
    ("đào tạo nguồn nhân lực", "Giáo dục, đào tạo", "SGDĐT"),
    ("quảng bá du lịch", "Du lịch", "SVHTTDL"),
    ("xúc tiến đầu tư", "Kinh tế, thương mại, đầu tư", "SCT"),
    ("bảo vệ môi trường", "Môi trường, biến đổi khí hậu", "SNNMT"),
    ("giao lưu văn hóa", "Văn hóa, thể thao", "SVHTTDL"),
    ("y tế dự phòng", "Y tế", "SYT"),
    ("chuyển giao công nghệ", "Khoa học, công nghệ", "SNNMT"),
]
EXTRA_PARTNERS = [
    "Bang Mecklenburg-Vorpommern",
    "Tỉnh Xiêng Khoảng",
    "Thành phố Moriya",
    "Văn phòng Cơ quan Hợp tác quốc tế Nhật Bản tại Việt Nam",
    "Tỉnh Vân Nam",
    "Hiệp hội Kinh tế, Văn hóa Hàn - Việt",
    "Ngân hàng Phát triển châu Á",
    "Chương trình Phát triển Liên hợp quốc",
    "Tỉnh Phông-Sa-Lỳ",
    "Thành phố Anseong",
    "Tổ chức Lao động quốc tế",
    "Huyện Imsil",
    "Ngân hàng Thế giới",
    "Quận Boeun",
]


def _extra_agreements() -> list[tuple]:
    rows = []
    for index, partner in enumerate(EXTRA_PARTNERS):
        theme, field, lead = EXTRA_THEMES[index % len(EXTRA_THEMES)]
        year = 2018 + (index * 5) % 9
        kind = [K.MOU, K.PLAN, K.PROGRAMME, K.MINUTES][index % 4]
        level = L.DEPARTMENT if kind != K.MINUTES else L.PROVINCE
        title = f"{K(kind).label.split(' (')[0]} về {theme} với {partner[0].lower()}{partner[1:]}"
        number = f"{17 + index:02d}/{year}/HT-{lead}"
        rows.append(
            (
                number,
                kind,
                level,
                title,
                [partner],
                lead,
                ["SNgV"],
                [field],
                date(year, 1 + (index * 3) % 12, 5 + index),
                3 + index % 4,
            )
        )
    return rows


def load(log: Callable[[str], None]) -> None:
    today = timezone.localdate()
    official = User.objects.filter(role=Role.OFFICIAL).order_by("pk").first()
    agencies = {a.short_name: a for a in Agency.objects.all()}
    # The owning department is whatever the settings name it.
    agencies["SNgV"] = Agency.objects.owner().get()
    partners = {p.name_vi: p for p in Partner.objects.all()}
    fields = {f.name: f for f in FieldOfCooperation.objects.all()}
    criteria = list(EvaluationCriterion.objects.filter(is_active=True))
    existing = set(Agreement.objects.exclude(number="").values_list("number", flat=True))
    rows = AGREEMENTS + _extra_agreements()
    for index, row in enumerate(rows):
        (
            number,
            kind,
            level,
            title,
            partner_names,
            lead,
            coordinating,
            field_names,
            signed,
            years,
        ) = row
        if number in existing:
            continue
        signed = min(signed, today - timedelta(days=40))
        effective = signed + timedelta(days=15)
        end = date(effective.year + years, effective.month, min(effective.day, 28))
        # Place a few endings close to today so the alerts have something to show.
        if index in (3, 7):
            end = today + timedelta(days=25 + index)
        if index == 11:
            end = today + timedelta(days=75)
        state = Agreement.State.IN_FORCE if end >= today else Agreement.State.EXPIRED
        agreement = services.agreement_create(
            user=official,
            data={
                "kind": kind,
                "number": number,
                "title_vi": title,
                "signing_level": level,
                "state": state,
                "signed_on": signed,
                "signed_place": "Tuyên Quang" if index % 2 == 0 else "",
                "languages": "Tiếng Việt, tiếng Anh",
                "signer_vn_name": "Nguyễn Văn Sơn" if level == L.PROVINCE else "Giám đốc Sở",
                "signer_vn_title": "Phó Chủ tịch UBND tỉnh" if level == L.PROVINCE else "Giám đốc",
                "signer_partner_name": "Đại diện phía đối tác",
                "signer_partner_title": "Lãnh đạo",
                "effective_on": effective,
                "end_on": end,
                "lead_agency": agencies.get(lead, agencies["SNgV"]),
                "objectives": f"Tăng cường hợp tác về {', '.join(field_names).lower()}; "
                "trao đổi đoàn, chia sẻ kinh nghiệm và triển khai các hoạt động cụ thể hằng năm.",
                "evaluation_mechanism": "Đánh giá định kỳ 6 tháng và hằng năm theo bộ tiêu chí "
                "của Sở Ngoại vụ; báo cáo kết quả về UBND tỉnh.",
                "is_public": index % 5 != 4,
            },
            partners=[partners[name] for name in partner_names if name in partners],
            fields=[fields[name] for name in field_names if name in fields],
            coordinating_agencies=[agencies[c] for c in coordinating if c in agencies],
        )
        # The legal report after signing was sent on time, except for the latest ones.
        for notice in agreement.notices.all():
            if signed < today - timedelta(days=120):
                services.notice_mark_done(
                    notice=notice,
                    done_on=notice.due_on - timedelta(days=3),
                    reference=f"{index + 1:02d}/BC-{lead}",
                    user=official,
                )
        lead_agency = agreement.lead_agency
        for n, (description, unit, target) in enumerate(
            [
                ("Tổ chức đoàn trao đổi, làm việc", "đoàn", Decimal(4)),
                ("Đào tạo, tập huấn cán bộ", "lượt người", Decimal(60)),
                ("Triển khai dự án, hoạt động hợp tác cụ thể", "hoạt động", Decimal(3)),
            ][: 2 + index % 2]
        ):
            due = min(end, today + timedelta(days=200)) if n else today - timedelta(days=30 + index)
            achieved = target if index % 3 == 0 else (target / 2).quantize(Decimal(1))
            services.output_create(
                agreement=agreement,
                user=official,
                data={
                    "description": description,
                    "indicator": f"Số {unit}",
                    "unit": unit,
                    "target_value": target,
                    "due_on": due,
                    "responsible_agency": lead_agency,
                    "current_value": achieved,
                    "status": "achieved" if achieved == target else "in_progress",
                },
            )
        if state == Agreement.State.IN_FORCE and index % 3 != 2:
            period = current_period(today)
            # Most in-force agreements were reviewed last period; some this period too.
            for p in [period.previous()] + ([period] if index % 2 == 0 else []):
                reviewer = (
                    User.objects.filter(Q(agency=lead_agency) | Q(role=Role.OFFICIAL))
                    .order_by("-agency_id")
                    .first()
                )
                services.review_record(
                    agreement=agreement,
                    user=reviewer or official,
                    period=p,
                    reviewed_on=min(p.end, today),
                    overall=[
                        Review.Overall.ON_TRACK,
                        Review.Overall.MET,
                        Review.Overall.CONSTRAINED,
                    ][index % 3],
                    achievements="Đã tổ chức các hoạt động theo kế hoạch; trao đổi đoàn và "
                    "tập huấn cho cán bộ của tỉnh.",
                    difficulties="Kinh phí đối ứng còn hạn chế." if index % 3 == 2 else "",
                    proposals="Tiếp tục duy trì cơ chế trao đổi định kỳ.",
                    scores={c.pk: 3 + (index + c.pk) % 3 for c in criteria},
                )
        if index == 5:
            services.agreement_record_event(
                agreement=agreement,
                kind=AgreementEvent.Kind.AMENDMENT,
                occurred_on=today - timedelta(days=20),
                user=official,
                decision_number="15/QĐ-UBND",
                note="Bổ sung lĩnh vực hợp tác du lịch cộng đồng.",
            )
        log(f"  agreement {agreement.number}")
