"""Partners: the real ones of the demo and the seeds first, then real localities, geoparks and
organisations, then (for a national deployment) generated localities and organisations of
China, Korea and Japan with their native names."""

from __future__ import annotations

import random
from datetime import date, timedelta

from accounts.text import fold
from partners.demo import PARTNERS as DEMO_PARTNERS
from partners.models import Partner

from . import words
from .context import PORTAL_START, Context, PartnerInfo, pick_weighted
from .writer import HistoryRow

COLUMNS = (
    "id", "name_vi", "name_native", "abbreviation", "kind", "country", "parent_id",
    "relation_status", "relation_established_on", "is_twinned", "contacts", "notes",
    "search_text", "created_at", "updated_at",
)  # fmt: skip
S = Partner.RelationStatus


def _real_rows() -> list[tuple]:
    """(name_vi, native, abbr, kind, country, parent name, status, since, twinned): None for
    status/since/twinned lets the generator choose."""
    rows = [tuple(r) for r in DEMO_PARTNERS]
    for name, native, kind, country, parent in words.LOCALITIES:
        rows.append((name, native, "", kind, country, parent, None, None, None))
    for name, native, country in words.GEOPARKS:
        rows.append(
            (name, native, "", Partner.Kind.NETWORK, country, "Mạng lưới Công viên địa chất "
             "toàn cầu UNESCO", None, None, False)
        )  # fmt: skip
    for name, native, abbr, kind, country in words.ORGANISATIONS:
        rows.append((name, native, abbr, kind, country, None, None, None, False))
    return rows


def _relation(rng: random.Random, today: date) -> tuple[str, date | None]:
    r = rng.random()
    if r < 0.2:
        return S.TRADITIONAL, date(
            rng.randrange(2000, 2013), rng.randrange(1, 13), rng.randrange(1, 29)
        )
    if r < 0.62:
        return S.ESTABLISHED, date(
            rng.randrange(2013, 2024), rng.randrange(1, 13), rng.randrange(1, 29)
        )
    if r < 0.85:
        start = date(2023, 1, 1)
        return S.NEW, start + timedelta(days=rng.randrange(max(1, (today - start).days)))
    return S.PROSPECTIVE, None


class _Names:
    """Generated foreign names, unique per country."""

    def __init__(self, rng: random.Random, taken: set[tuple[str, str]]) -> None:
        self.rng = rng
        self.taken = taken

    def _syllables(self, pool: list, attempt: int) -> list:
        count = 2 if attempt < 30 else 3
        picked = [self.rng.choice(pool) for _ in range(count)]
        return picked if picked[0] != picked[1] else self._syllables(pool, attempt)

    def locality(self, country: str) -> tuple[str, str, str]:
        """(name_vi, native, kind)."""
        for attempt in range(200):
            if country == "CN":
                parts = self._syllables(words.CN_SYLLABLES, attempt)
                kind_vi, suffix, kind = self.rng.choice(words.CN_KINDS)
                name = f"{kind_vi} {' '.join(p[2] for p in parts)}"
                pinyin = "".join(p[0] for p in parts).capitalize()
                native = f"{''.join(p[1] for p in parts)}{suffix} ({pinyin})"
            elif country == "KR":
                parts = self._syllables(words.KR_SYLLABLES, attempt)
                kind_vi, suffix, kind = self.rng.choice(words.KR_KINDS)
                roman = "".join(p[0] for p in parts).capitalize()
                name = f"{kind_vi} {roman}"
                native = f"{''.join(p[1] for p in parts)}{suffix} ({roman})"
            else:
                parts = self._syllables(words.JP_SYLLABLES, attempt)
                kind_vi, suffix, kind = self.rng.choice(words.JP_KINDS)
                roman = "".join(p[0] for p in parts).lower().capitalize()
                name = f"{kind_vi} {roman}"
                native = f"{''.join(p[1] for p in parts)}{suffix} ({roman})"
            if (name, country) not in self.taken:
                self.taken.add((name, country))
                return name, native, kind
        raise RuntimeError(f"no free locality name left for {country}")

    def organisation(self, country: str) -> tuple[str, str, str]:
        for attempt in range(200):
            pool = {"CN": words.CN_SYLLABLES, "KR": words.KR_SYLLABLES}.get(
                country, words.JP_SYLLABLES
            )
            parts = self._syllables(pool, attempt)
            roman = "".join(p[0] for p in parts).lower().capitalize()
            kind = self.rng.choice(["enterprise", "enterprise", "university", "association"])
            if kind == "enterprise":
                name, native = f"Công ty TNHH {roman} Việt Nam", f"{roman} Vietnam Co., Ltd."
            elif kind == "university":
                name, native = f"Đại học {roman}", f"{roman} University"
            else:
                name, native = f"Hiệp hội Doanh nghiệp {roman}", f"{roman} Business Association"
            if (name, country) not in self.taken:
                self.taken.add((name, country))
                return name, native, kind
        raise RuntimeError(f"no free organisation name left for {country}")


def build_partners(ctx: Context) -> None:
    rng = ctx.rng("partners")
    table = ctx.writer.table(Partner, COLUMNS)
    by_name: dict[str, PartnerInfo] = {}
    taken: set[tuple[str, str]] = set()
    provinces_by_country: dict[str, list[PartnerInfo]] = {}
    count = ctx.scale.partners

    def add(name, native, abbr, kind, country, parent, status, since, twinned) -> None:
        if status is None:
            status, since = _relation(rng, ctx.today)
        if twinned is None:
            twinned = (
                kind in Partner.LOCALITY_KINDS and status == S.TRADITIONAL and rng.random() < 0.3
            )
        created = ctx.entered(since or PORTAL_START, rng)
        partner = PartnerInfo(table.next_id(), name, native, abbr, str(kind), country, since)
        contacts = ""
        if rng.random() < 0.6:
            contacts = f"Văn phòng đối ngoại; e-mail: contact{partner.id}@example.org"
        row = (
            partner.id, name, native, abbr, str(kind), country, parent.id if parent else None,
            str(status), since, twinned, contacts, "",
            fold(f"{name} {native} {abbr}"), created, created,
        )  # fmt: skip
        table.add(row, history=[HistoryRow(row, created, ctx.official(rng))])
        taken.add((name, country))
        by_name[name] = partner
        ctx.partners.append(partner)
        if kind in (Partner.Kind.PROVINCE_STATE, Partner.Kind.PREFECTURE):
            provinces_by_country.setdefault(country, []).append(partner)

    for name, native, abbr, kind, country, parent, status, since, twinned in _real_rows():
        if len(ctx.partners) >= count:
            break
        add(name, native, abbr, kind, country, by_name.get(parent or ""), status, since, twinned)

    names = _Names(rng, taken)
    while len(ctx.partners) < count:
        country = pick_weighted(rng, {"CN": 5, "KR": 4, "JP": 3})
        if rng.random() < 0.7:
            name, native, kind = names.locality(country)
            parents = provinces_by_country.get(country, [])
            parent = rng.choice(parents) if parents and rng.random() < 0.8 else None
        else:
            name, native, kind = names.organisation(country)
            parent = None
        add(name, native, "", kind, country, parent, None, None, None)
