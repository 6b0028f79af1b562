"""Annual delegation plans and their items, delegations (đoàn ra / đoàn vào) with members, and
international conferences, each with the history its workflow leaves (proposed → approved →
done, or postponed/cancelled with a reason)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from delegations.models import (
    Conference,
    Delegation,
    DelegationMember,
    DelegationPlan,
    Direction,
    FundingSource,
    PlanItem,
)

from . import words
from .context import FIRST_YEAR, AgencyInfo, Context, PartnerInfo
from .people import person_name, province_phrase
from .writer import HistoryRow, Through

D = Delegation.State
C = Conference.State
PLAN_COLUMNS = ("id", "year", "direction", "title", "decision_number", "decision_date", "notes")
ITEM_COLUMNS = (
    "id", "plan_id", "purpose", "description", "country", "expected_month", "expected_timing",
    "expected_size", "lead_agency_id", "funding_source",
)  # fmt: skip
DELEGATION_COLUMNS = (
    "id", "direction", "plan_item_id", "title", "purpose", "head_name", "head_title", "country",
    "places", "programme", "planned_start", "planned_end", "actual_start", "actual_end",
    "decision_number", "decision_date", "decision_authority", "funding_source", "budget",
    "host_agency_id", "state", "state_reason", "results", "report_received_on", "created_by_id",
    "created_at", "updated_at",
)  # fmt: skip
MEMBER_COLUMNS = ("id", "delegation_id", "name", "title", "agency_id", "organisation")
CONFERENCE_COLUMNS = (
    "id", "title", "purpose", "organiser_id", "start_on", "end_on", "place", "format",
    "foreign_participants", "participants_note", "approval_authority", "application_date",
    "decision_number", "decision_date", "state", "state_reason", "results",
    "report_received_on", "created_by_id", "created_at", "updated_at",
)  # fmt: skip
PURPOSE_WEIGHTS = {
    "cooperation": 30, "investment": 12, "trade": 12, "tourism": 10, "culture": 14,
    "education": 8, "labour": 5, "border": 5, "other": 4,
}  # fmt: skip
QUARTERS = ["Quý I", "Quý I", "Quý I", "Quý II", "Quý II", "Quý II", "Quý III", "Quý III",
            "Quý III", "Quý IV", "Quý IV", "Quý IV"]  # fmt: skip
I_STATE, I_REASON, I_RESULTS, I_REPORT, I_UPDATED = 20, 21, 22, 23, 26


def _years(today: date) -> tuple[list[int], list[float]]:
    years = list(range(FIRST_YEAR, today.year + 1))
    return years, [1 + (y - FIRST_YEAR) * 0.25 for y in years]


def _foreign_name(rng: random.Random, country: str) -> str:
    family, given = words.FOREIGN_NAMES.get(country, words.WESTERN_NAMES)
    if country in words.FAMILY_FIRST:
        return f"{rng.choice(family)} {rng.choice(given)}"
    return f"{rng.choice(given)} {rng.choice(family)}"


def _province_side(ctx: Context, agency: AgencyInfo) -> str:
    return province_phrase(ctx.provinces[agency.province].name)


class DelegationBuilder:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rng = ctx.rng("delegations")
        self.today = ctx.today
        w = ctx.writer
        self.plans_table = w.table(DelegationPlan, PLAN_COLUMNS)
        self.items = w.table(PlanItem, ITEM_COLUMNS)
        self.item_partners = Through(w, PlanItem, "partners")
        self.item_fields = Through(w, PlanItem, "fields")
        self.delegations = w.table(Delegation, DELEGATION_COLUMNS)
        self.partners = Through(w, Delegation, "partners")
        self.fields = Through(w, Delegation, "fields")
        self.signed = Through(w, Delegation, "agreements_signed")
        self.members = w.table(DelegationMember, MEMBER_COLUMNS)
        self.plans: dict[tuple[int, str], int] = {}
        self.with_country = [p for p in ctx.partners if p.country] or ctx.partners
        self.facts: dict[int, list[tuple]] = {}
        ctx.facts["delegations_by_host"] = self.facts

    # -- plans -------------------------------------------------------------------------------
    def plan_id(self, year: int, direction: str) -> int:
        key = (year, direction)
        if key not in self.plans:
            rng = self.rng
            plan_id = self.plans_table.next_id()
            decided = min(date(year - 1, 12, 1) + timedelta(days=rng.randrange(40)), self.today)
            word = "đoàn ra" if direction == Direction.OUTBOUND else "đoàn vào"
            row = (
                plan_id, year, direction, f"Kế hoạch {word} năm {year}",
                f"{rng.randrange(1, 400)}/QĐ-UBND", decided, "",
            )  # fmt: skip
            at = self.ctx.entered(decided, rng)
            self.plans_table.add(row, history=[HistoryRow(row, at, self.ctx.official(rng))])
            self.plans[key] = plan_id
        return self.plans[key]

    def item(self, year, direction, purpose, description, country, month, size, lead,
             funding, partners, field_ids) -> int:  # fmt: skip
        rng = self.rng
        item_id = self.items.next_id()
        row = (
            item_id, self.plan_id(year, direction), purpose, description, country,
            month if rng.random() < 0.8 else None, QUARTERS[month - 1] * (rng.random() < 0.5),
            size, lead.id, funding,
        )  # fmt: skip
        pairs = self.item_partners.add(item_id, [p.id for p in partners])
        self.item_fields.add(item_id, field_ids)
        at = self.ctx.entered(date(year, 1, 1) - timedelta(days=rng.randrange(1, 30)), rng)
        self.items.add(
            row, history=[HistoryRow(row, at, self.ctx.official(rng), m2m={"partners": pairs})]
        )
        return item_id

    # -- delegations -------------------------------------------------------------------------
    def build(self) -> None:
        ctx, rng = self.ctx, self.rng
        count = ctx.scale.delegations
        signings = [s for s in ctx.facts.get("signings", []) if s[1] >= date(FIRST_YEAR, 1, 1)]
        anchored = rng.sample(signings, min(len(signings), count // 10)) if signings else []
        years, weights = _years(self.today)
        specs = []
        for signing in anchored:
            specs.append(("anchored", signing))
        while len(specs) < count:
            specs.append(("free", rng.choices(years, weights=weights)[0]))
        specs.sort(key=lambda s: s[1][1] if s[0] == "anchored" else date(s[1], 6, 30))
        sizes = [0] * len(specs)
        if specs:
            for index in rng.choices(range(len(specs)), k=ctx.scale.members):
                sizes[index] += 1
        built = [self._spec(kind, value) for kind, value in specs]
        built.sort(key=lambda b: b["start"])
        for spec, size in zip(built, sizes, strict=True):
            self._write(spec, size)
        # Planned trips that did not happen.
        for _ in range(count // 8):
            year = rng.choices(years, weights=weights)[0]
            direction = rng.choice(Direction.values)
            partner = rng.choice(self.with_country)
            purpose = rng.choice(list(PURPOSE_WEIGHTS))
            lead = _host(rng, rng.choice(ctx.provinces), purpose)
            self.item(
                year, direction, purpose,
                f"{words.PURPOSE_WORDS[purpose].capitalize()} với {partner.in_title}",
                partner.country, rng.randrange(1, 13), rng.randrange(3, 12), lead,
                FundingSource.STATE_BUDGET, [partner], [],
            )  # fmt: skip

    def _spec(self, kind: str, value) -> dict:
        ctx, rng = self.ctx, self.rng
        if kind == "anchored":
            agreement_id, signed_on, partner_ids, country, abroad, lead_id = value
            by_id = self._partner_index()
            partners = [by_id[i] for i in partner_ids if i in by_id][:1] or [
                rng.choice(self.with_country)
            ]
            host = ctx.agencies[lead_id]
            if host.kind == "commune" and rng.random() < 0.5:
                host = ctx.provinces[host.province].by_code.get("BĐBP", host)
            start = signed_on - timedelta(days=rng.randrange(0, 3))
            direction = Direction.OUTBOUND if abroad else Direction.INBOUND
            purpose = "cooperation"
            signed = [agreement_id]
        else:
            year = value
            partner = rng.choice(self.with_country)
            partners = [partner]
            if rng.random() < 0.1:
                partners.append(rng.choice(self.with_country))
            province = rng.choice(ctx.provinces)
            start = date(year, 1, 3) + timedelta(days=rng.randrange(355))
            direction = Direction.OUTBOUND if rng.random() < 0.55 else Direction.INBOUND
            purpose = _pick(rng, PURPOSE_WEIGHTS)
            if purpose == "border" and partner.country not in ("CN", "LA"):
                purpose = "cooperation"
            host = _host(rng, province, purpose)
            signed = []
        country = partners[0].country or "KR"
        host = host or rng.choice(ctx.provinces[0].departments)
        return {
            "direction": str(direction), "partners": partners, "host": host,
            "start": start, "length": rng.choice([2, 3, 4, 5, 5, 6, 7, 8, 10]), "purpose": purpose,
            "country": country, "signed": signed, "in_plan": rng.random() < 0.6,
        }  # fmt: skip

    def _partner_index(self) -> dict[int, PartnerInfo]:
        if not hasattr(self, "_by_id"):
            self._by_id = {p.id: p for p in self.ctx.partners}
        return self._by_id

    def _write(self, spec: dict, size: int) -> None:
        ctx, rng, today = self.ctx, self.rng, self.today
        host: AgencyInfo = spec["host"]
        partner: PartnerInfo = spec["partners"][0]
        country, purpose, direction = spec["country"], spec["purpose"], spec["direction"]
        start = spec["start"]
        end = start + timedelta(days=spec["length"] - 1)
        side = _province_side(ctx, host)
        country_vi = words.COUNTRY_VI.get(country, country)
        doing = words.PURPOSE_WORDS[purpose]
        if direction == Direction.OUTBOUND:
            title = f"Đoàn công tác của {side} {doing} tại {partner.in_title} ({country_vi})"
            head = person_name(rng)
            head_title = rng.choice(
                [
                    "Phó Chủ tịch UBND tỉnh",
                    f"{words.HEAD_TITLES.get(host.kind, 'Giám đốc')} {host.name}",
                ]
            )
            places = partner.name_vi
        else:
            title = f"Đoàn {partner.in_title} ({country_vi}) {doing} tại {side}"
            head = _foreign_name(rng, country)
            kind = partner.kind if partner.is_locality else "other"
            head_title = rng.choice(words.PARTNER_SIGNER_TITLES[kind])
            places = ctx.provinces[host.province].name
        field_ids = (
            [ctx.fields[name] for name in rng.sample(list(ctx.fields), 1)] if ctx.fields else []
        )
        funding = (
            rng.choice(
                [FundingSource.STATE_BUDGET, FundingSource.STATE_BUDGET, FundingSource.MIXED]
            )
            if direction == Direction.OUTBOUND
            else rng.choice(
                [FundingSource.PARTNER, FundingSource.STATE_BUDGET, FundingSource.OTHER]
            )
        )
        budget = None
        if funding in (FundingSource.STATE_BUDGET, FundingSource.MIXED):
            budget = rng.randrange(20, 900) * 1_000_000
        item_id = None
        if spec["in_plan"] and start.year >= FIRST_YEAR:
            item_id = self.item(
                start.year, direction, purpose, title, country, start.month, size + 1, host,
                funding, spec["partners"], field_ids,
            )  # fmt: skip
        proposed_on = start - timedelta(days=rng.randrange(25, 90))
        created_by = host.writer_id if rng.random() < 0.5 and host.writer_id else ctx.official(rng)
        created = ctx.entered(min(proposed_on, today), rng)
        row = [
            self.delegations.next_id(), direction, item_id, title, purpose, head, head_title,
            country, places, f"Làm việc với {partner.name_vi}; khảo sát thực tế; {doing}.",
            start, end, None, None, "", None, "", str(funding), budget, host.id, str(D.PROPOSED),
            "", "", None, created_by, created, created,
        ]  # fmt: skip
        delegation_id = row[0]
        pairs = self.partners.add(delegation_id, [p.id for p in spec["partners"]])
        self.fields.add(delegation_id, field_ids)
        history = [
            HistoryRow(
                tuple(row),
                created,
                created_by,
                "+",
                None,
                {"partners": pairs, "agreements_signed": []},
            )
        ]

        # Approval, then the trip (done), or a postponement/cancellation.
        r = rng.random()
        past = end < today
        if past or r < 0.5:
            decided = min(start - timedelta(days=rng.randrange(5, 30)), today)
            if decided <= today and (past or start - today < timedelta(days=60)):
                at = max(ctx.entered(decided, rng), created + timedelta(seconds=1))
                row[14] = (
                    f"{rng.randrange(1, 3000)}/QĐ-UBND" if not item_id or rng.random() < 0.8 else ""
                )
                row[15], row[16] = (
                    decided,
                    rng.choice(
                        ["Chủ tịch UBND tỉnh", "Chủ tịch UBND tỉnh", "Ban Thường vụ Tỉnh ủy"]
                    ),
                )
                row[I_STATE], row[I_UPDATED] = str(D.APPROVED), at
                history.append(
                    HistoryRow(tuple(row), at, ctx.official(rng), "~", None, history[-1].m2m)
                )
        signed_pairs = []
        if past:
            outcome = rng.random()
            if outcome < 0.05 or row[I_STATE] == D.PROPOSED:
                state = D.CANCELLED if outcome < 0.03 else D.POSTPONED
                at = max(
                    ctx.entered(min(start - timedelta(days=rng.randrange(1, 10)), today), rng),
                    history[-1].when + timedelta(seconds=1),
                )
                row[I_STATE], row[I_REASON], row[I_UPDATED] = (
                    str(state),
                    "Đối tác đề nghị lùi thời gian đón đoàn."
                    if state == D.POSTPONED
                    else "Không bố trí được kinh phí.",
                    at,
                )
                history.append(
                    HistoryRow(tuple(row), at, ctx.official(rng), "~", None, history[-1].m2m)
                )
            elif outcome < 0.97:
                shift = timedelta(days=rng.choice([0, 0, 0, 1, -1]))
                row[12], row[13] = start + shift, end + shift
                row[I_RESULTS] = " ".join(rng.sample(words.DELEGATION_RESULTS, 2))
                report = end + shift + timedelta(days=rng.randrange(2, 28))
                row[I_REPORT] = report if report <= today and rng.random() < 0.9 else None
                at = max(
                    ctx.entered(min(row[I_REPORT] or (end + timedelta(days=3)), today), rng),
                    history[-1].when + timedelta(seconds=1),
                )
                row[I_STATE], row[I_UPDATED] = str(D.DONE), at
                signed_pairs = self.signed.add(delegation_id, spec["signed"])
                m2m = {"partners": pairs, "agreements_signed": signed_pairs}
                history.append(
                    HistoryRow(tuple(row), at, host.writer_id or ctx.official(rng), "~", None, m2m)
                )
                people = 1 + size
                self.facts.setdefault(host.id, []).append((direction, country, row[12], people))
        self.delegations.add(tuple(row), history=history)
        for _ in range(size):
            if direction == Direction.OUTBOUND:
                agency = (
                    rng.choice(ctx.provinces[host.province].departments)
                    if rng.random() < 0.5
                    else host
                )
                member = (
                    self.members.next_id(),
                    delegation_id,
                    person_name(rng),
                    rng.choice(words.STAFF_TITLES),
                    agency.id,
                    "",
                )
            else:
                member = (
                    self.members.next_id(),
                    delegation_id,
                    _foreign_name(rng, country),
                    "",
                    None,
                    partner.name_native or partner.name_vi,
                )
            self.members.add(member, history=[HistoryRow(member, created, created_by)])


# Who hosts (or leads) a delegation or a conference, by its purpose.
HOSTS = {
    "investment": ("SCT", "TTXT", "BQLKCN"), "trade": ("SCT", "TTXT"),
    "tourism": ("SVHTTDL",), "culture": ("SVHTTDL", "LHHN"), "education": ("SGDĐT", "ĐHTT"),
    "labour": ("SNV",), "border": ("BĐBP", "CAT"), "cooperation": ("SNgV", "SNgV", "SNNMT", "SYT"),
    "other": ("SNgV", "LHHN", "SKHCN"),
}  # fmt: skip


def _host(rng: random.Random, province, purpose: str) -> AgencyInfo:
    present = [province.by_code[c] for c in HOSTS.get(purpose, ()) if c in province.by_code]
    return rng.choice(present or province.departments)


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def build_delegations(ctx: Context) -> None:
    DelegationBuilder(ctx).build()


def build_conferences(ctx: Context) -> None:
    rng = ctx.rng("conferences")
    today = ctx.today
    table = ctx.writer.table(Conference, CONFERENCE_COLUMNS)
    partners = Through(ctx.writer, Conference, "partners")
    years, weights = _years(today)
    facts: dict[int, list[tuple]] = {}
    ctx.facts["conferences_by_organiser"] = facts
    starts = sorted(
        date(y, 1, 5) + timedelta(days=rng.randrange(350))
        for y in rng.choices(years, weights=weights, k=ctx.scale.conferences)
    )
    for start in starts:
        province = rng.choice(ctx.provinces)
        topic, purpose = rng.choice(words.CONFERENCE_TOPICS)
        organiser = _host(rng, province, purpose)
        end = start + timedelta(days=rng.choice([0, 1, 1, 2]))
        authority = (
            Conference.Authority.PRIME_MINISTER
            if rng.random() < 0.08
            else Conference.Authority.PROVINCE
        )
        lead = 40 if authority == Conference.Authority.PRIME_MINISTER else 30
        applied = start - timedelta(days=rng.randrange(lead - 8, lead + 30))
        created = ctx.entered(min(applied, today), rng)
        created_by = (
            organiser.writer_id if organiser.writer_id and rng.random() < 0.6 else ctx.official(rng)
        )
        chosen = rng.sample(ctx.partners, min(len(ctx.partners), rng.choice([1, 1, 2, 3])))
        place = rng.choice(words.CONFERENCE_PLACES)
        title = topic.format(p=ctx.provinces[organiser.province].name)
        if start.year > 2010:
            title = f"{title} năm {start.year}"
        row = [
            table.next_id(), title, purpose, organiser.id, start, end, place,
            rng.choice(["in_person"] * 6 + ["hybrid", "online"]), 0,
            f"Đại diện {', '.join(p.name_vi for p in chosen)}", str(authority),
            applied if applied <= today else None, "", None, str(C.PROPOSED), "", "", None,
            created_by, created, created,
        ]  # fmt: skip
        pairs = partners.add(row[0], [p.id for p in chosen])
        history = [HistoryRow(tuple(row), created, created_by, "+", None, {"partners": pairs})]
        decided = applied + timedelta(days=rng.randrange(5, 20))
        if decided <= today and (end < today or rng.random() < 0.6):
            at = max(ctx.entered(decided, rng), created + timedelta(seconds=1))
            if rng.random() < 0.05:
                row[14], row[15] = str(C.CANCELLED), "Điều chỉnh kế hoạch tổ chức."
            else:
                row[12], row[13], row[14] = (
                    f"{rng.randrange(1, 3000)}/QĐ-UBND",
                    decided,
                    str(C.APPROVED),
                )
            row[20] = at
            history.append(
                HistoryRow(tuple(row), at, ctx.official(rng), "~", None, {"partners": pairs})
            )
            if row[14] == C.APPROVED and end < today and rng.random() < 0.95:
                report = end + timedelta(days=rng.randrange(2, 25))
                row[8] = rng.randrange(5, 180)
                row[16] = (
                    "Hội nghị diễn ra thành công, thu hút đông đảo đại biểu và doanh nghiệp "
                    "quốc tế tham dự."
                )
                row[17] = report if report <= today and rng.random() < 0.9 else None
                row[14] = str(C.HELD)
                at = max(ctx.entered(min(row[17] or end, today), rng), at + timedelta(seconds=1))
                row[20] = at
                history.append(
                    HistoryRow(tuple(row), at, created_by, "~", None, {"partners": pairs})
                )
                facts.setdefault(organiser.id, []).append(
                    (start, row[0], end, title, place, organiser.short_name, row[8])
                )
        table.add(tuple(row), history=history)
