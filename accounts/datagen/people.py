"""Agencies (a province's departments, boards and communes; 50 provinces' worth nationally)
and their users: reporters and heads in every agency, officials of Sở Ngoại vụ, leaders."""

from __future__ import annotations

import random

from django.conf import settings
from django.contrib.auth.hashers import make_password

from accounts.demo import AGENCIES as DEMO_AGENCIES
from accounts.demo import DEMO_PASSWORD
from accounts.demo import USERS as DEMO_USERS
from accounts.models import Agency, Role, User
from accounts.text import fold

from . import words
from .context import PORTAL_START, AgencyInfo, Context, ProvinceInfo
from .writer import HistoryRow

# Agencies that only the home province has (its geopark, its university, its border gate).
HOME_ONLY = {"BQLCVĐC", "ĐHTT", "BQLKDL", "HQ"}
CITY_PROVINCES = {"Hà Nội", "Hải Phòng", "Huế", "Đà Nẵng", "Cần Thơ", "Thành phố Hồ Chí Minh"}

AGENCY_COLUMNS = (
    "id", "name", "short_name", "kind", "parent_id", "is_active", "email", "phone", "address",
)  # fmt: skip
USER_COLUMNS = (
    "id", "password", "last_login", "is_superuser", "username", "first_name", "last_name",
    "email", "is_staff", "is_active", "date_joined", "full_name", "job_title", "phone",
    "agency_id", "role", "is_agency_head",
)  # fmt: skip


def person_name(rng: random.Random) -> str:
    surnames = [s for s, _w in words.SURNAMES]
    weights = [w for _s, w in words.SURNAMES]
    surname = rng.choices(surnames, weights=weights)[0]
    if rng.random() < 0.5:
        return f"{surname} {rng.choice(words.MIDDLE_MALE)} {rng.choice(words.GIVEN_MALE)}"
    return f"{surname} {rng.choice(words.MIDDLE_FEMALE)} {rng.choice(words.GIVEN_FEMALE)}"


def province_phrase(province: str) -> str:
    """ "tỉnh Lào Cai", "thành phố Hà Nội", "thành phố Hồ Chí Minh"."""
    if province.startswith("Thành phố"):
        return "thành phố" + province.removeprefix("Thành phố")
    return f"{'thành phố' if province in CITY_PROVINCES else 'tỉnh'} {province}"


def localise(name: str, province: str) -> str:
    """ "Sở Công Thương" → "Sở Công Thương tỉnh Lào Cai"; "Công an tỉnh" → "Công an tỉnh Lào
    Cai"; cities say "thành phố" and "Thành ủy"."""
    is_city = province in CITY_PROVINCES
    unit = "thành phố" if is_city else "tỉnh"
    place = province[0].lower() + province[1:] if province.startswith("Thành phố") else province
    if is_city:
        name = name.replace("Tỉnh ủy", "Thành ủy").replace("Tỉnh đoàn", "Thành đoàn")
        if name.endswith(" tỉnh"):
            name = name[: -len(" tỉnh")]
    if name.endswith(" tỉnh"):
        return f"{name} {place}"
    if name.endswith(("Tỉnh ủy", "Thành ủy", "Tỉnh đoàn", "Thành đoàn")):
        return f"{name} {province.removeprefix('Thành phố ')}"
    if place.startswith("thành phố"):
        return f"{name} {place}"
    return f"{name} {unit} {place}"


def _initials(name: str) -> str:
    """ "xã Lũng Cú" → "LC"; "phường Hà Giang 1" → "PHG1"."""
    prefix = "P" if name.startswith("phường") else ""
    parts = name.split()[1:]
    return prefix + "".join(p if p.isdigit() else p[0].upper() for p in parts)


def _catalogue(scale_departments: int, home: bool) -> list[tuple[str, str, str, str | None]]:
    """(code, name, kind, parent code) of a province's non-commune agencies, demo's first."""
    rows: list[tuple[str, str, str, str | None]] = []
    for code, name, kind, _email in DEMO_AGENCIES:
        if kind != Agency.Kind.COMMUNE:
            rows.append((code, name, str(kind), None))
    rows += words.MORE_AGENCIES
    if not home:
        rows = [r for r in rows if r[0] not in HOME_ONLY]
    return rows[:scale_departments]


def _commune_names(rng: random.Random, count: int, home: bool) -> list[str]:
    if home:
        names = [
            name.removeprefix("UBND ") for _c, name, kind, _e in DEMO_AGENCIES if kind == "commune"
        ]
        names += [n for n in words.HOME_COMMUNES if n not in names]
        return names[:count]
    names: list[str] = []
    seen = set()
    syllables = words.COMMUNE_SYLLABLES
    while len(names) < count:
        name = f"{rng.choice(syllables)} {rng.choice(syllables)}"
        if name.split()[0] == name.split()[1] or name in seen:
            continue
        seen.add(name)
        names.append(("phường " if rng.random() < 0.12 else "xã ") + name)
    return names


def build_agencies(ctx: Context) -> None:
    rng = ctx.rng("agencies")
    table = ctx.writer.table(Agency, AGENCY_COLUMNS)
    home_name = settings.PORTAL["PROVINCE_NAME"]
    owner_abbr = settings.PORTAL["DEPARTMENT_ABBR"]
    others = [p for p in words.PROVINCES if p[0] not in (home_name, "Hà Giang")]
    provinces = [(home_name, ""), *others[: ctx.scale.provinces - 1]]
    demo_emails = {code: email for code, _n, _k, email in DEMO_AGENCIES}
    demo_codes = {code for code, *_rest in DEMO_AGENCIES}
    created = ctx.entered(PORTAL_START, rng)
    for index, (province_name, province_code) in enumerate(provinces):
        home = index == 0
        province = ProvinceInfo(index, province_name, province_code)
        ctx.provinces.append(province)
        rows = [(c, n, k, p) for c, n, k, p in _catalogue(ctx.scale.departments, home)]
        communes = _commune_names(rng, ctx.scale.communes, home)
        used_initials: set[str] = set()
        for name in communes:
            initials = _initials(name)
            code = f"UBND-{initials}"
            n = 2
            while code in used_initials:
                code, n = f"UBND-{initials}{n}", n + 1
            used_initials.add(code)
            rows.append((code, f"UBND {name}", "commune", None))
        for code, name, kind, parent_code in rows:
            if home:
                short_name, full_name = code, name
                if code == "SNgV":
                    short_name, full_name = owner_abbr, settings.PORTAL["DEPARTMENT_NAME"]
                elif code == "UBND":
                    full_name = f"{name} {home_name}"
                email = demo_emails.get(code) or f"{fold(code).replace(' ', '')}@example.gov.vn"
            else:
                short_name = f"{province_code}-{'SNgV' if code == 'SNgV' else code}"
                if kind == "commune":
                    unit = "thành phố" if province_name in CITY_PROVINCES else "tỉnh"
                    full_name = f"{name}, {unit} {province_name.removeprefix('Thành phố ')}"
                else:
                    full_name = localise(
                        "Ủy ban nhân dân tỉnh" if code == "UBND" else name, province_name
                    )
                email = f"{fold(short_name).replace(' ', '')}@example.gov.vn"
            parent = province.by_code.get(parent_code) if parent_code else None
            agency = AgencyInfo(
                id=table.next_id(),
                name=full_name,
                short_name=short_name,
                code=code,
                kind=kind,
                province=index,
            )
            row = (
                agency.id,
                full_name,
                short_name,
                kind,
                parent.id if parent else None,
                True,
                email,
                f"0207.38{rng.randrange(10000, 99999)}"
                if code in demo_codes or rng.random() < 0.5
                else "",
                "",
            )
            table.add(row, history=[HistoryRow(row, created, None)])
            province.agencies.append(agency)
            province.by_code[code] = agency
            ctx.agencies[agency.id] = agency
    ctx.owner = ctx.provinces[0].by_code["SNgV"]


def _slug(short_name: str) -> str:
    return fold(short_name).replace(" ", "").replace("đ", "d")


def build_users(ctx: Context) -> None:
    rng = ctx.rng("users")
    table = ctx.writer.table(User, USER_COLUMNS)
    # One hash for everyone, salted from the seed: the same seed gives the same rows.
    password = make_password(DEMO_PASSWORD, salt=f"datagen{ctx.seed}")
    home = ctx.provinces[0]
    taken: set[str] = set()
    joined = ctx.entered(PORTAL_START, rng)

    def add(username, full_name, job_title, agency, role, is_head=False) -> int:
        base, n = username, 2
        while username in taken:  # "UBND-NĐ" and "UBND-ND" fold alike
            username, n = f"{base}{n}", n + 1
        taken.add(username)
        user_id = table.next_id()
        row = (
            user_id, password, None, False, username, "", "", f"{username}@example.gov.vn",
            role == Role.ADMIN, True, joined, full_name, job_title, "",
            agency.id if agency else None, role, is_head,
        )  # fmt: skip
        table.add(row, history=[HistoryRow(row, joined, None)])
        if role == Role.OFFICIAL:
            ctx.official_ids.append(user_id)
        elif role == Role.ADMIN:
            ctx.admin_id = user_id
        elif role == Role.REPORTER and agency is not None:
            if is_head:
                agency.head_id = user_id
            else:
                agency.reporter_id = user_id
        if len(ctx.logins) < 40 and (role != Role.REPORTER or agency.code in ("SVHTTDL", "SCT")):
            ctx.logins.append(
                {
                    "role": str(role),
                    "username": username,
                    "agency": agency.short_name if agency else "",
                }
            )
        return user_id

    for username, full_name, job_title, code, role, is_head in DEMO_USERS:
        add(username, full_name, job_title, home.by_code.get(code or ""), str(role), is_head)
    officials = 5 if ctx.scale.provinces == 1 else 20
    for n in range(2, officials + 2):
        add(
            f"chuyenvien{n}",
            person_name(rng),
            rng.choice(words.OFFICIAL_TITLES),
            ctx.owner,
            Role.OFFICIAL,
        )
    add("giamdoc.sngv", person_name(rng), "Giám đốc Sở Ngoại vụ", ctx.owner, Role.LEADER)
    for n, title in enumerate(words.LEADER_TITLES[1:], start=2):
        add(f"lanhdao{n}", person_name(rng), title, home.by_code["UBND"], Role.LEADER)
    for province in ctx.provinces:
        for agency in province.agencies:
            if agency.kind == "provincial_body":
                if agency.code == "UBND" and province.index > 0:
                    add(
                        f"lanhdao.{_slug(province.code)}",
                        person_name(rng),
                        "Phó Chủ tịch UBND",
                        agency,
                        Role.LEADER,
                    )
                continue
            if agency is ctx.owner:
                continue
            slug = _slug(agency.short_name)
            if agency.head_id is None:
                prefix = "chutich" if agency.kind == "commune" else "giamdoc"
                add(
                    f"{prefix}.{slug}",
                    person_name(rng),
                    words.HEAD_TITLES[agency.kind],
                    agency,
                    Role.REPORTER,
                    True,
                )
            if agency.reporter_id is None and agency.kind != "commune":
                add(
                    f"baocao.{slug}",
                    person_name(rng),
                    rng.choice(words.STAFF_TITLES),
                    agency,
                    Role.REPORTER,
                )
