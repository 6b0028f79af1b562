"""Demo agencies and users.

Idempotent: a second run finds everything in place and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models

from .models import Agency, Role, User

DEMO_PASSWORD = "demo-2026"


def ensure(model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]):
    """Get the row matching ``lookup``; create it, or update only the fields that differ.

    Unlike update_or_create, an unchanged row is not saved again, so re-running the demo
    command adds no history entries.
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        return obj, True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save(update_fields=changed)
    return obj, False


# (short name, name, kind, e-mail)
AGENCIES: list[tuple[str, str, str, str]] = [
    ("UBND", "Ủy ban nhân dân tỉnh", Agency.Kind.PROVINCIAL_BODY, "ubnd@example.gov.vn"),
    ("SNgV", "Sở Ngoại vụ", Agency.Kind.DEPARTMENT, "songoaivu@example.gov.vn"),
    ("STC", "Sở Tài chính", Agency.Kind.DEPARTMENT, "sotaichinh@example.gov.vn"),
    (
        "SVHTTDL",
        "Sở Văn hóa, Thể thao và Du lịch",
        Agency.Kind.DEPARTMENT,
        "sovhttdl@example.gov.vn",
    ),
    ("SCT", "Sở Công Thương", Agency.Kind.DEPARTMENT, "socongthuong@example.gov.vn"),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", Agency.Kind.DEPARTMENT, "sonnmt@example.gov.vn"),
    ("SGDĐT", "Sở Giáo dục và Đào tạo", Agency.Kind.DEPARTMENT, "sogddt@example.gov.vn"),
    ("SYT", "Sở Y tế", Agency.Kind.DEPARTMENT, "soyte@example.gov.vn"),
    ("SNV", "Sở Nội vụ", Agency.Kind.DEPARTMENT, "sonoivu@example.gov.vn"),
    ("CAT", "Công an tỉnh", Agency.Kind.ARMED_FORCES, "congan@example.gov.vn"),
    ("BCHQS", "Bộ Chỉ huy Quân sự tỉnh", Agency.Kind.ARMED_FORCES, "bchqs@example.gov.vn"),
    ("BĐBP", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh", Agency.Kind.ARMED_FORCES, "bdbp@example.gov.vn"),
    ("BPTTH", "Báo và Phát thanh, Truyền hình tỉnh", Agency.Kind.PRESS, "bao@example.gov.vn"),
    ("CTTĐT", "Cổng Thông tin điện tử tỉnh", Agency.Kind.PRESS, "congthongtin@example.gov.vn"),
    (
        "LHHN",
        "Liên hiệp các tổ chức hữu nghị tỉnh",
        Agency.Kind.ORGANISATION,
        "lhhn@example.gov.vn",
    ),
    (
        "BQLCVĐC",
        "Ban Quản lý Công viên địa chất toàn cầu UNESCO Cao nguyên đá Đồng Văn",
        Agency.Kind.OTHER,
        "geopark@example.gov.vn",
    ),
    ("UBND-TT", "UBND xã Thanh Thủy", Agency.Kind.COMMUNE, "xathanhthuy@example.gov.vn"),
    ("UBND-PB", "UBND xã Phó Bảng", Agency.Kind.COMMUNE, "xaphobang@example.gov.vn"),
    ("UBND-XM", "UBND xã Xín Mần", Agency.Kind.COMMUNE, "xaxinman@example.gov.vn"),
]

# (user name, full name, job title, agency short name, role, head of agency)
USERS: list[tuple[str, str, str, str | None, str, bool]] = [
    (
        "chuyenvien",
        "Nguyễn Thị Hồng Nhung",
        "Chuyên viên Phòng Hợp tác quốc tế",
        "SNgV",
        Role.OFFICIAL,
        False,
    ),
    ("baocao.vhttdl", "Trần Văn Đức", "Chánh Văn phòng Sở", "SVHTTDL", Role.REPORTER, False),
    ("giamdoc.vhttdl", "Hoàng Minh Tuấn", "Giám đốc Sở", "SVHTTDL", Role.REPORTER, True),
    (
        "baocao.sct",
        "Lê Thị Thu Hà",
        "Chuyên viên Phòng Quản lý thương mại",
        "SCT",
        Role.REPORTER,
        False,
    ),
    ("lanhdao", "Phạm Quốc Khánh", "Phó Chủ tịch UBND tỉnh", "UBND", Role.LEADER, False),
    ("quantri", "Đỗ Văn Thành", "Quản trị hệ thống", "SNgV", Role.ADMIN, False),
]


def load(log: Callable[[str], None]) -> None:
    agencies = {}
    owner = settings.PORTAL["DEPARTMENT_ABBR"]
    for short_name, name, kind, email in AGENCIES:
        if short_name == "SNgV":
            # The owning department's identity comes from settings, not from this list.
            short_name, name = owner, settings.PORTAL["DEPARTMENT_NAME"]
        if short_name == "UBND":
            name = f"{name} {settings.PORTAL['PROVINCE_NAME']}"
        agency, created = ensure(
            Agency,
            {"short_name": short_name},
            {"name": name, "kind": kind, "email": email, "is_active": True},
        )
        agencies[short_name if short_name != owner else "SNgV"] = agency
        if created:
            log(f"  agency {agency.short_name}: {agency.name}")

    for username, full_name, job_title, agency_code, role, is_head in USERS:
        values = {
            "full_name": full_name,
            "job_title": job_title,
            "agency": agencies[agency_code] if agency_code else None,
            "role": role,
            "is_agency_head": is_head,
            "email": f"{username}@example.gov.vn",
        }
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, **values)
            user.set_password(DEMO_PASSWORD)
            user.full_clean()
            user.save()
            log(f"  user {username}")
        else:
            ensure(User, {"username": username}, values)


def logins() -> list[tuple[str, str, str]]:
    """(role, user name, agency) of the demo logins, for the console and the README."""
    return [
        (str(Role(role).label), username, agency or "")
        for username, _full, _title, agency, role, _head in USERS
    ]
