"""The 2024 programme's six planned outbound delegations (seed 001), inbound delegations for
the Thành Tuyên festival, and a few conferences, over 2024-2026. Idempotent: keyed by title."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from django.utils import timezone

from accounts.models import Agency, Role, User
from partners.models import Partner

from . import services
from .models import Conference, Delegation, DelegationMember, DelegationPlan, Direction

# (purpose, description, country, partner, lead, month)
PLAN_2024 = [
    (
        "cooperation",
        "Triển khai các thỏa thuận đã ký với tỉnh Xiêng Khoảng",
        "LA",
        "Tỉnh Xiêng Khoảng",
        "SNgV",
        3,
    ),
    (
        "investment",
        "Xúc tiến đầu tư vào nông nghiệp công nghệ cao tại Hàn Quốc",
        "KR",
        "Thành phố Anseong",
        "SNNMT",
        4,
    ),
    ("trade", "Xúc tiến thương mại nông sản tại tỉnh Vân Nam", "CN", "Tỉnh Vân Nam", "SCT", 5),
    (
        "tourism",
        "Quảng bá du lịch Cao nguyên đá Đồng Văn tại Nhật Bản",
        "JP",
        "Thành phố Moriya",
        "SVHTTDL",
        9,
    ),
    (
        "education",
        "Hợp tác đào tạo nguồn nhân lực với bang Hessen",
        "DE",
        "Bang Hessen",
        "SGDĐT",
        10,
    ),
    ("labour", "Hợp tác lao động thời vụ với quận Boeun", "KR", "Quận Boeun", "SNV", 11),
]


def load(log: Callable[[str], None]) -> None:
    today = timezone.localdate()
    official = User.objects.filter(role=Role.OFFICIAL).order_by("pk").first()
    agencies = {a.short_name: a for a in Agency.objects.all()}
    agencies["SNgV"] = Agency.objects.owner().get()
    partners = {p.name_vi: p for p in Partner.objects.all()}
    if Delegation.objects.exists() or DelegationPlan.objects.exists():
        return

    years = sorted({2024, 2025, today.year, today.year + 1})
    for year, direction in [(y, Direction.OUTBOUND) for y in years] + [
        (today.year, Direction.INBOUND)
    ]:
        label = "đoàn ra" if direction == Direction.OUTBOUND else "đoàn vào"
        plan = services.plan_create(
            user=official,
            data={
                "year": year,
                "direction": direction,
                "title": f"Kế hoạch {label} năm {year}",
                "decision_number": f"{12 + year % 10}/KH-UBND",
                "decision_date": date(year - 1, 12, 20),
            },
        )
        rows = (
            PLAN_2024
            if direction == Direction.OUTBOUND
            else [
                (
                    "culture",
                    "Đón đoàn tỉnh Vân Nam dự Lễ hội Thành Tuyên",
                    "CN",
                    "Tỉnh Vân Nam",
                    "SVHTTDL",
                    10,
                ),
                (
                    "culture",
                    "Đón đoàn tỉnh Xiêng Khoảng dự Lễ hội Thành Tuyên",
                    "LA",
                    "Tỉnh Xiêng Khoảng",
                    "SVHTTDL",
                    10,
                ),
            ]
        )
        for index, (purpose, description, country, partner, lead, month) in enumerate(rows):
            item = services.plan_item_save(
                user=official,
                plan=plan,
                data={
                    "purpose": purpose,
                    "description": description,
                    "country": country,
                    "lead_agency": agencies[lead],
                    "expected_month": month,
                    "expected_timing": f"Tháng {month:02d}/{year}",
                    "expected_size": 6,
                },
                partners=[partners[partner]] if partner in partners else [],
            )
            start = date(year, month, 8 + index)
            if start > today - timedelta(days=10):
                # Still ahead: proposed, or approved when close.
                _make(
                    official,
                    item,
                    direction,
                    start,
                    agencies[lead],
                    partners.get(partner),
                    finish=False,
                    approve=index % 2 == 0,
                )
                continue
            if year == 2025 and index == 4:
                delegation = _make(
                    official,
                    item,
                    direction,
                    start,
                    agencies[lead],
                    partners.get(partner),
                    finish=False,
                    approve=False,
                )
                services.delegation_set_aside(
                    delegation=delegation,
                    user=official,
                    state="postponed",
                    reason="Đối tác đề nghị lùi thời gian sang năm sau.",
                )
                continue
            _make(
                official,
                item,
                direction,
                start,
                agencies[lead],
                partners.get(partner),
                finish=True,
                approve=True,
                report=index % 3 != 1,
            )
    # A trip outside the plan.
    _make(
        official,
        None,
        Direction.OUTBOUND,
        date(2025, 8, 18),
        agencies["BĐBP"],
        partners.get("Châu Văn Sơn"),
        finish=True,
        approve=True,
        report=True,
        title="Hội đàm về quản lý biên giới với châu Văn Sơn",
    )

    for title, purpose, start, organiser, foreign, held in [
        (
            "Hội nghị xúc tiến đầu tư tỉnh Tuyên Quang năm 2025",
            "investment",
            date(2025, 4, 22),
            "SCT",
            60,
            True,
        ),
        (
            "Hội thảo quốc tế về Công viên địa chất toàn cầu UNESCO Cao nguyên đá Đồng Văn",
            "tourism",
            date(2025, 10, 14),
            "BQLCVĐC",
            45,
            True,
        ),
        (
            "Diễn đàn hợp tác nông nghiệp Việt Nam - Lào",
            "cooperation",
            today + timedelta(days=25),
            "SNNMT",
            0,
            False,
        ),
    ]:
        conference = services.conference_save(
            user=official,
            data={
                "title": title,
                "purpose": purpose,
                "organiser": agencies[organiser],
                "start_on": start,
                "end_on": start + timedelta(days=1),
                "place": "Tuyên Quang",
                "application_date": start - timedelta(days=35 if held else 10),
                "participants_note": "Đại diện các đối tác nước ngoài",
            },
            partners=[],
        )
        if held:
            services.conference_decide(
                conference=conference,
                user=official,
                state=Conference.State.APPROVED,
                decision_number="25/QĐ-UBND",
                decision_date=start - timedelta(days=20),
            )
            services.conference_record_results(
                conference=conference,
                user=official,
                foreign_participants=foreign,
                results="Hội nghị thành công; thu hút nhiều nhà đầu tư, đối tác quan tâm.",
                report_received_on=start + timedelta(days=10),
            )
    log(f"  delegations: {Delegation.objects.count()}")


def _make(
    official, item, direction, start, agency, partner, *, finish, approve, report=True, title=None
):
    end = start + timedelta(days=5)
    delegation = services.delegation_propose(
        user=official,
        data={
            "direction": direction,
            "plan_item": item,
            "title": title or (item.description if item else "Đoàn công tác"),
            "purpose": item.purpose if item else "border",
            "head_name": "Nguyễn Văn Sơn",
            "head_title": "Phó Chủ tịch UBND tỉnh",
            "country": item.country if item else (partner.country if partner else "LA"),
            "planned_start": start,
            "planned_end": end,
            "host_agency": agency,
            "places": partner.name_vi if partner else "",
            "funding_source": "state_budget",
        },
        partners=[partner] if partner else [],
    )
    for n, (name, title_) in enumerate(
        [
            ("Trần Thị Mai", "Chuyên viên"),
            ("Lê Văn Hùng", "Phó Giám đốc Sở"),
            ("Hoàng Thị Lan", "Trưởng phòng"),
        ][: 2 + start.month % 2]
    ):
        DelegationMember.objects.create(
            delegation=delegation, name=name, title=title_, agency=agency if n else None
        )
    if approve:
        services.delegation_approve(
            delegation=delegation,
            user=official,
            decision_number=f"{start.month}/QĐ-UBND",
            decision_date=min(start - timedelta(days=20), timezone.localdate()),
            decision_authority="Chủ tịch UBND tỉnh",
        )
    if finish:
        services.delegation_record_results(
            delegation=delegation,
            user=official,
            actual_start=start,
            actual_end=end,
            results="Đoàn đã làm việc với đối tác, thống nhất các nội dung hợp tác cụ thể.",
            report_received_on=end + timedelta(days=10) if report else None,
        )
    return delegation
