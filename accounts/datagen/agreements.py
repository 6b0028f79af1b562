"""Agreements with their lifecycle (events, the 15-day legal notices), outputs, and periodic
reviews with criteria scores and the snapshot of the outputs' values.

Each agreement is first planned (dates, state, events) in memory, then written in the order
it was registered, with the history rows the services would have left: "+" when registered,
"~" for each recorded event. Agreements signed before the portal went live were registered
afterwards with their state of that day (agreement_create allows it), and only their later
events are recorded.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from agreements.models import (
    NOTICE_DAYS,
    Agreement,
    AgreementEvent,
    LegalNotice,
    Output,
    Review,
    ReviewOutputValue,
    ReviewScore,
)
from agreements.services import BACKFILL_NOTICE_DAYS, NOTICES, TRANSITIONS
from reports.periods import Period, PeriodKind, current_period

from . import words
from .context import (
    BACKFILL_DAYS,
    FIRST_YEAR,
    PORTAL_START,
    AgencyInfo,
    Context,
    PartnerInfo,
    add_years,
)
from .people import localise, person_name, province_phrase
from .writer import HistoryRow, Through

S = Agreement.State
E = AgreementEvent.Kind
O = Output.Status  # noqa: E741

AGREEMENT_COLUMNS = (
    "id", "kind", "number", "title_vi", "title_en", "signing_level", "state", "signed_on",
    "signed_place", "languages", "signer_vn_name", "signer_vn_title", "signer_partner_name",
    "signer_partner_title", "effective_on", "end_on", "term_text", "auto_renewal",
    "lead_agency_id", "objectives", "evaluation_mechanism", "is_public", "notes", "search_text",
    "created_at", "updated_at",
)  # fmt: skip
# Positions of the values a step of the lifecycle changes.
I_STATE, I_SIGNED, I_EFFECTIVE, I_END, I_UPDATED = 6, 7, 14, 15, 25
SIGNING_DETAILS = (8, 9, 10, 11, 12, 13)
EVENT_COLUMNS = (
    "id", "agreement_id", "kind", "occurred_on", "decision_number", "note", "new_end_on",
    "recorded_by_id", "created_at",
)  # fmt: skip
NOTICE_COLUMNS = ("id", "agreement_id", "event_id", "kind", "due_on", "done_on", "reference")
OUTPUT_COLUMNS = (
    "id", "agreement_id", "description", "indicator", "unit", "target_value", "due_on",
    "responsible_agency_id", "current_value", "status", "progress_note", "updated_at",
)  # fmt: skip
REVIEW_COLUMNS = (
    "id", "agreement_id", "period_year", "period_kind", "reviewed_on", "reviewer_id",
    "agency_id", "overall", "achievements", "difficulties", "proposals", "created_at",
)  # fmt: skip
EVENT_NOTES = {
    E.CONSULTATION: "Gửi lấy ý kiến Sở Ngoại vụ và các sở, ngành liên quan.",
    E.APPROVAL: "Chủ tịch UBND tỉnh đồng ý chủ trương ký kết.",
    E.SIGNING: "",
    E.ENTRY_INTO_FORCE: "",
    E.AMENDMENT: "Bổ sung nội dung, lĩnh vực hợp tác theo đề nghị của hai bên.",
    E.EXTENSION: "Hai bên thống nhất gia hạn thỏa thuận.",
    E.SUSPENSION: "Tạm dừng do đối tác thay đổi cơ cấu tổ chức.",
    E.TERMINATION: "Chấm dứt theo đề nghị của đối tác.",
}
OVERALL_SCORE = {"met": 0.85, "on_track": 0.65, "constrained": 0.42, "no_progress": 0.18}


@dataclass
class Plan:
    """An agreement before it is written."""

    kind: str
    lead: AgencyInfo
    partners: list[PartnerInfo]
    theme: words.Theme
    level: str
    signed_on: date | None
    effective_on: date | None = None
    end_on: date | None = None
    auto_renewal: bool = False
    term: int | None = None
    created_on: date = PORTAL_START
    # (occurred_on, kind, new_end_on): every step, including those before registration
    steps: list[tuple[date, str, date | None]] = field(default_factory=list)
    stopped_on: date | None = None  # expiry or termination
    terminated: bool = False
    first_end: date | None = None  # the end date before an extension
    abroad: bool = False
    health: float = 0.5
    id: int = 0
    number: str = ""
    outputs: int = 0


def periods_until(today: date, first_year: int = FIRST_YEAR) -> list[Period]:
    """Every reporting period from ``first_year`` to the current one, in order."""
    last = current_period(today)
    periods = []
    for year in range(first_year, last.year + 1):
        periods.append(Period(year, PeriodKind.SEMIANNUAL))
        if year < last.year or last.kind == PeriodKind.ANNUAL:
            periods.append(Period(year, PeriodKind.ANNUAL))
    return periods


PLACE_WORDS = (
    "Khu tự trị dân tộc Choang ", "Thành phố ", "Thủ đô ", "Thị trấn ", "Tỉnh ", "Huyện ",
    "Quận ", "Bang ", "Châu ", "Vùng ", "Hạt ",
)  # fmt: skip


def _place_name(name: str) -> str:
    """ "Thành phố Anseong" → "Anseong"."""
    for word in PLACE_WORDS:
        if name.startswith(word):
            return name[len(word) :]
    return name


def _vn_side(ctx: Context, lead: AgencyInfo, level: str) -> str:
    province = ctx.provinces[lead.province].name
    if level == Agreement.SigningLevel.COMMUNE:
        return lead.name.removeprefix("UBND ").split(",")[0]
    if level == Agreement.SigningLevel.PROVINCE:
        return province_phrase(province)
    return lead.name if lead.province else localise(lead.name, province)


THEMES_BY_FIELD = {t.field: t for t in words.THEMES}
# The departments that usually lead agreements, when the theme's own lead is not chosen.
LEAD_CODES = (
    "SNgV", "STC", "SVHTTDL", "SCT", "SNNMT", "SGDĐT", "SYT", "SNV", "STP", "SXD", "SKHCN",
    "SDTTG", "BQLKCN", "LHHN", "BĐBP", "CAT", "ĐHTT", "TCĐKT", "BVĐK", "CDC", "TTXT",
)  # fmt: skip
FUNDERS = ("intl_org", "gov_agency", "ngo")
LOCALITY = ("province_state", "prefecture", "city", "county_district")
# Which partners a theme goes with: (field of the theme) → partner kinds.
ALLOWED_KINDS: dict[str, tuple[str, ...]] = {
    "Kinh tế, thương mại, đầu tư": (
        *LOCALITY,
        "enterprise",
        "association",
        "gov_agency",
        "network",
    ),
    "Du lịch": (*LOCALITY, "enterprise", "network"),
    "Văn hóa, thể thao": (*LOCALITY, "association"),
    "Giáo dục, đào tạo": (*LOCALITY, "university", *FUNDERS),
    "Nông nghiệp, lâm nghiệp": (*LOCALITY, "enterprise", *FUNDERS),
    "Y tế": (*LOCALITY, *FUNDERS),
    "Khoa học, công nghệ": (*LOCALITY, "university", "gov_agency"),
    "Lao động, dạy nghề": (*LOCALITY, *FUNDERS),
    "Môi trường, biến đổi khí hậu": (*LOCALITY, *FUNDERS),
    "Quản lý biên giới": ("province_state", "prefecture", "county_district"),
    "Giao lưu nhân dân": (*LOCALITY, "association"),
    "Di sản, công viên địa chất": ("network", "intl_org"),
}


def _themes_for(partner: PartnerInfo) -> list[words.Theme]:
    """The themes that make sense with this partner (border affairs only with the
    neighbours, heritage with the geoparks' network…)."""
    themes = [
        t
        for t in words.THEMES
        if partner.kind in ALLOWED_KINDS[t.field]
        and (t.field != "Quản lý biên giới" or partner.country in ("CN", "LA"))
    ]
    return themes or list(words.THEMES[:1])


def _english(partner: PartnerInfo) -> str:
    native = partner.name_native
    if "(" in native:
        return native[native.index("(") + 1 : native.rindex(")")]
    return native or partner.name_vi


class Planner:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rng = ctx.rng("agreements")
        self.today = ctx.today
        partners = ctx.partners
        weights = []
        for p in partners:
            w = words.COUNTRY_WEIGHTS.get(p.country, 2) if p.country else 3
            w *= 3 if p.is_locality else 1
            weights.append(w)
        self.partner_weights = _cumulative(weights)
        self.by_country: dict[str, list[PartnerInfo]] = {}
        for p in partners:
            self.by_country.setdefault(p.country, []).append(p)
        self.border_localities = [
            p for p in partners if p.is_locality and p.country in ("CN", "LA")
        ] or partners
        years = list(range(FIRST_YEAR, self.today.year + 1))
        self.years, self.year_weights = (
            years,
            _cumulative([1 + (y - FIRST_YEAR) * 0.35 for y in years]),
        )

    def partner(self) -> PartnerInfo:
        return self.rng.choices(self.ctx.partners, cum_weights=self.partner_weights)[0]

    def plan(self) -> Plan:
        rng, ctx = self.rng, self.ctx
        province = ctx.provinces[rng.randrange(len(ctx.provinces))]
        kind = _pick(rng, words.KIND_WEIGHTS)
        border_communes = [c for c in province.communes[:30] if "phường" not in c.name]
        if rng.random() < 0.05 and border_communes:
            # A border commune with the facing locality (Decree 64/2021).
            lead = rng.choice(border_communes)
            level = Agreement.SigningLevel.COMMUNE
            kind = rng.choice(["minutes", "exchange_minutes", "minutes"])
            theme = THEMES_BY_FIELD[rng.choice(["Quản lý biên giới", "Giao lưu nhân dân"])]
            partners = [rng.choice(self.border_localities)]
        else:
            first = self.partner()
            theme = rng.choice(_themes_for(first))
            if kind == "project" and first.kind not in FUNDERS:
                kind = "programme"
            if kind in ("agreement", "statement", "letter_of_intent") and not first.is_locality:
                kind = "mou"
            level = (
                Agreement.SigningLevel.PROVINCE
                if kind in ("agreement", "statement", "letter_of_intent")
                or (first.is_locality and rng.random() < 0.25)
                else Agreement.SigningLevel.DEPARTMENT
            )
            lead = province.by_code.get(theme.lead) if rng.random() < 0.75 else None
            if level == Agreement.SigningLevel.PROVINCE and rng.random() < 0.5:
                lead = province.by_code.get("SNgV")
            leaders = [province.by_code[c] for c in LEAD_CODES if c in province.by_code]
            lead = lead or rng.choice(leaders or province.departments)
            partners = [first]
            if rng.random() < 0.12 and first.country:
                extra = rng.choice(self.by_country[first.country])
                if extra is not first and extra.kind in ALLOWED_KINDS[theme.field]:
                    partners.append(extra)
        year = rng.choices(self.years, cum_weights=self.year_weights)[0]
        unsigned = year == self.today.year and rng.random() < 0.35
        signed_on = None
        if not unsigned:
            start = date(year, 1, 2)
            last = min(date(year, 12, 28), self.today - timedelta(days=3))
            signed_on = start + timedelta(days=rng.randrange(max(1, (last - start).days)))
        plan = Plan(kind, lead, partners, theme, str(level), signed_on)
        plan.health = rng.random()
        plan.abroad = level != Agreement.SigningLevel.COMMUNE and rng.random() < 0.4
        self._lifecycle(plan)
        return plan

    def _lifecycle(self, p: Plan) -> None:
        """Dates and steps, in an order the services accept (TRANSITIONS)."""
        rng, today = self.rng, self.today
        if p.signed_on is None:  # a proposal of this year, perhaps consulted or approved
            p.created_on = today - timedelta(days=rng.randrange(10, 240))
            r = rng.random()
            consulted = p.created_on + timedelta(days=rng.randrange(2, 10))
            if r < 0.5 and consulted <= today:
                p.steps.append((consulted, E.CONSULTATION, None))
                approved = consulted + timedelta(days=rng.randrange(7, 25))
                if r < 0.2 and approved <= today:
                    p.steps.append((approved, E.APPROVAL, None))
            return
        signed = p.signed_on
        # Registered as a proposal before signing, or back-filled once the portal went live.
        p.created_on = signed - timedelta(days=rng.randrange(30, 120))
        if p.created_on < PORTAL_START:
            p.created_on = PORTAL_START + timedelta(days=rng.randrange(BACKFILL_DAYS))
        if p.created_on < signed:
            gap = (signed - p.created_on).days
            consulted = p.created_on + timedelta(days=rng.randrange(0, max(1, gap // 3)))
            approved = consulted + timedelta(
                days=rng.randrange(0, max(1, (signed - consulted).days))
            )
        else:
            consulted = signed - timedelta(days=rng.randrange(40, 90))
            approved = signed - timedelta(days=rng.randrange(3, 15))
        p.steps += [(consulted, E.CONSULTATION, None), (approved, E.APPROVAL, None)]
        p.steps.append((signed, E.SIGNING, None))
        p.term = rng.choice([2, 3, 3, 5, 5, 5, 10, 0])
        p.auto_renewal = p.term > 0 and rng.random() < 0.15
        effective = signed + timedelta(days=rng.choice([0, 0, 15, 30]))
        if effective > today:
            return  # signed, not yet in force
        p.effective_on = effective
        p.steps.append((effective, E.ENTRY_INTO_FORCE, None))
        end = add_years(effective, p.term) - timedelta(days=1) if p.term else None
        while end and p.auto_renewal and end < today:
            end = add_years(end, p.term)
        p.first_end = end
        horizon = min(end or today, today)
        stop = None
        if (horizon - effective).days > 400 and rng.random() < 0.03:
            stop = effective + timedelta(days=rng.randrange(365, (horizon - effective).days))
        limit = stop or horizon
        if (limit - effective).days > 60 and rng.random() < 0.06:
            when = effective + timedelta(days=rng.randrange(1, (limit - effective).days))
            p.steps.append((when, E.AMENDMENT, None))
        if end and not p.auto_renewal and rng.random() < 0.07:
            when = end - timedelta(days=rng.randrange(30, 120))
            if effective < when < limit:
                end = add_years(end, rng.choice([1, 2, 3]))
                p.steps.append((when, E.EXTENSION, end))
        p.end_on = end
        if stop is not None:
            p.steps.append((stop, rng.choice([E.TERMINATION, E.TERMINATION, E.WITHDRAWAL]), None))
            p.stopped_on, p.terminated = stop, True
        elif end and end < today and not p.auto_renewal:
            p.steps.append((end, E.EXPIRY, None))
            p.stopped_on = end
        elif rng.random() < 0.015:
            when = today - timedelta(days=rng.randrange(5, 200))
            if when > effective:
                p.steps.append((when, E.SUSPENSION, None))
        p.steps.sort(key=lambda s: s[0])


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def _replay(steps) -> str:
    state = S.PROPOSED
    for _when, kind, _new_end in steps:
        target = TRANSITIONS[kind][1]
        if target:
            state = target
    return str(state)


class AgreementWriter:
    """Writes planned agreements with everything that hangs off them."""

    def __init__(self, ctx: Context, plans: list[Plan]) -> None:
        self.ctx = ctx
        self.rng = ctx.rng("agreement-rows")
        w = ctx.writer
        self.agreements = w.table(Agreement, AGREEMENT_COLUMNS)
        self.partners = Through(w, Agreement, "partners")
        self.fields = Through(w, Agreement, "fields")
        self.coordinating = Through(w, Agreement, "coordinating_agencies")
        self.events = w.table(AgreementEvent, EVENT_COLUMNS)
        self.notices = w.table(LegalNotice, NOTICE_COLUMNS)
        self.outputs = w.table(Output, OUTPUT_COLUMNS)
        self.reviews = w.table(Review, REVIEW_COLUMNS)
        self.scores = w.table(ReviewScore, ("id", "review_id", "criterion_id", "score"))
        self.values = w.table(
            ReviewOutputValue, ("id", "review_id", "output_id", "value", "status")
        )
        self.plans = plans
        self.periods = periods_until(ctx.today)
        # Reviewed periods are kept as bits of one integer per agreement (see reporting).
        self.period_index = {q: i for i, q in enumerate(self.periods)}
        ctx.facts["period_index"] = self.period_index
        with translation.override(settings.LANGUAGE_CODE):
            self.expiry_note = gettext("Expired on its end date.")
            self.kind_labels = {k: str(label) for k, label in Agreement.Kind.choices}
        self.facts: dict[int, list[tuple]] = {}
        ctx.facts["agreements_by_lead"] = self.facts
        ctx.facts["signings"] = []
        ctx.facts["kind_labels"] = self.kind_labels

    def write(self) -> None:
        ctx, rng = self.ctx, self.rng
        remaining = sum(len(self._candidates(p)) for p in self.plans)
        needed = min(ctx.scale.reviews, remaining)
        plans, self.plans = self.plans, []
        plans.reverse()
        while plans:  # popped as written: a national set's plans need not all stay in memory
            plan = plans.pop()
            chosen = []
            for period in self._candidates(plan):
                # Selection sampling: exactly `needed` reviews over all the candidates.
                if rng.random() * remaining < needed:
                    chosen.append(period)
                    needed -= 1
                remaining -= 1
            self._write(plan, chosen)

    def _candidates(self, p: Plan) -> list[Period]:
        if p.effective_on is None:
            return []
        until = min(p.stopped_on or self.ctx.today, self.ctx.today)
        return [q for q in self.periods if q.end >= p.effective_on and q.start <= until]

    # -- one agreement -----------------------------------------------------------------------
    def _write(self, p: Plan, review_periods: list[Period]) -> None:
        ctx, rng = self.ctx, self.rng
        lead = p.lead
        created = ctx.at(p.created_on, rng)
        partner_names: list[str] = []
        # agreement_refresh_search reads the partners in their default order (by name).
        for partner in sorted(p.partners, key=lambda x: x.name_vi):
            partner_names += [partner.name_vi, partner.name_native, partner.abbreviation]
        vn_side = _vn_side(ctx, lead, p.level)
        kind_vi, kind_en, _ = words.KIND_WORDS[p.kind]
        others = " và ".join(x.in_title for x in p.partners)
        if p.kind == "project":
            title = f"Dự án {p.theme.vi} tại {vn_side} do {others} tài trợ"
        else:
            title = f"{kind_vi} về {p.theme.vi} giữa {vn_side} và {others}"
        if p.end_on and p.signed_on and rng.random() < 0.3:
            title += f" giai đoạn {p.signed_on.year}-{(p.first_end or p.end_on).year}"
        province = ctx.provinces[lead.province].name
        title_en = ""
        if rng.random() < 0.7 and p.kind == "project":
            title_en = f"Project on {p.theme.en} in {province}, funded by {_english(p.partners[0])}"
        elif rng.random() < 0.7:
            title_en = f"{kind_en} on {p.theme.en} between {province} and {_english(p.partners[0])}"
        country = p.partners[0].country
        p.abroad = p.abroad and p.partners[0].is_locality
        if p.abroad:
            place = f"{_place_name(p.partners[0].name_vi)}, {words.COUNTRY_VI.get(country, '')}"
            place = place.strip(", ")
        else:
            place = rng.choice([province, province, "Hà Nội"])
        if p.level == Agreement.SigningLevel.PROVINCE:
            vn_title = rng.choice(["Chủ tịch UBND tỉnh", "Phó Chủ tịch UBND tỉnh"])
        elif p.level == Agreement.SigningLevel.COMMUNE:
            vn_title = "Chủ tịch UBND xã"
        else:
            vn_title = words.HEAD_TITLES.get(lead.kind, "Giám đốc")
        family, given = words.FOREIGN_NAMES.get(country, words.WESTERN_NAMES)
        partner_signer = (
            f"{rng.choice(family)} {rng.choice(given)}"
            if country in words.FAMILY_FIRST
            else f"{rng.choice(given)} {rng.choice(family)}"
        )
        partner_kind = p.partners[0].kind if p.partners[0].is_locality else "other"
        if p.term:
            term_text = f"{p.term} năm" + (", tự động gia hạn" if p.auto_renewal else "")
        else:
            term_text = "Không xác định thời hạn" if p.effective_on else ""
        search_text = Agreement.build_search_text(
            SimpleNamespace(number=p.number, title_vi=title, title_en=title_en), partner_names
        )
        final = [
            p.id, p.kind, p.number, title, title_en, p.level, _replay(p.steps), p.signed_on,
            place if p.signed_on else "",
            f"Tiếng Việt, {words.COUNTRY_LANGUAGE.get(country, 'tiếng Anh')}" * bool(p.signed_on),
            person_name(rng) if p.signed_on else "", vn_title if p.signed_on else "",
            partner_signer if p.signed_on else "",
            rng.choice(words.PARTNER_SIGNER_TITLES[partner_kind]) if p.signed_on else "",
            p.effective_on, p.end_on, term_text, p.auto_renewal, lead.id,
            p.theme.objective, words.EVALUATION if rng.random() < 0.88 else "",
            rng.random() < 0.85, "", search_text, created, created,
        ]  # fmt: skip

        # The record as registered: a proposal, or (back-filled) its state of that day.
        backfilled = p.signed_on is not None and p.signed_on < p.created_on
        before = [s for s in p.steps if s[0] < p.created_on] if backfilled else []
        recorded = [s for s in p.steps if s not in before]
        current = list(final)
        current[I_STATE] = _replay(before)
        if not backfilled:
            current[I_SIGNED] = None
            for i in SIGNING_DETAILS:
                current[i] = ""
            current[I_EFFECTIVE] = None
        elif not any(s[1] == E.ENTRY_INTO_FORCE for s in before):
            current[I_EFFECTIVE] = None
        if any(s[1] == E.EXTENSION for s in recorded):
            current[I_END] = p.first_end
        user = ctx.official(rng)
        m2m = {
            "partners": self.partners.add(p.id, [x.id for x in p.partners]),
            "fields": self.fields.add(p.id, self._fields(p)),
            "coordinating_agencies": self.coordinating.add(p.id, self._coordinating(p)),
        }
        history = [HistoryRow(tuple(current), created, user, "+", None, m2m)]

        # Recorded events, each a "~" version of the agreement, and their legal notices.
        last_change = created
        for when, kind, new_end in recorded:
            if kind == E.EXPIRY:
                at = datetime.combine(when + timedelta(days=1), time(0, 10), ctx.tz)
                by = None
            else:
                at = max(
                    ctx.at(min(when + timedelta(days=rng.randrange(0, 3)), ctx.today), rng),
                    last_change,
                )
                by = ctx.official(rng)
            at = max(at, last_change + timedelta(seconds=1))
            last_change = at
            target = TRANSITIONS[kind][1]
            if target:
                current[I_STATE] = str(target)
            if kind == E.SIGNING:
                current[I_SIGNED] = p.signed_on
                for i in SIGNING_DETAILS:
                    current[i] = final[i]
            elif kind == E.ENTRY_INTO_FORCE:
                current[I_EFFECTIVE] = when
            elif kind == E.EXTENSION:
                current[I_END] = new_end
            current[I_UPDATED] = at
            history.append(HistoryRow(tuple(current), at, by, "~", None, m2m))
            event_id = self.events.next_id()
            decision = ""
            if kind in (E.APPROVAL, E.AMENDMENT, E.EXTENSION, E.TERMINATION):
                decision = f"{rng.randrange(1, 3000)}/QĐ-UBND"
            note = self.expiry_note if kind == E.EXPIRY else EVENT_NOTES.get(kind, "")
            event = (event_id, p.id, str(kind), when, decision, note, new_end, by, at)
            self.events.add(event, history=[HistoryRow(event, at, by)])
            if kind in NOTICES:
                self._notice(p, event_id, NOTICES[kind], when, at, by)
        if backfilled and p.signed_on >= p.created_on - timedelta(days=BACKFILL_NOTICE_DAYS):
            self._notice(p, None, LegalNotice.Kind.SIGNING_REPORT, p.signed_on, created, user)

        outputs = self._outputs(p, created)
        reviews_at = self._reviews(p, review_periods, outputs)
        final[I_END] = current[I_END]
        final[I_UPDATED] = max([last_change, *reviews_at])
        self.agreements.add(tuple(final), history=history)

        # What the agency reports' frozen figures need, kept small.
        self.facts.setdefault(lead.id, []).append(
            (
                p.id,
                p.number,
                title,
                p.kind,
                "; ".join(sorted(x.name_vi for x in p.partners)),
                p.signed_on,
                lead.short_name,
                p.effective_on,
                p.stopped_on or p.end_on,
                len(outputs),
                tuple(sorted(o[2] for o in outputs if o[1] == O.ACHIEVED)),
                sum(1 << self.period_index[q] for q in review_periods),
                p.created_on,
            )
        )
        if p.signed_on:
            self.ctx.facts["signings"].append(
                (p.id, p.signed_on, [x.id for x in p.partners], country, p.abroad, lead.id)
            )

    def _fields(self, p: Plan) -> list[int]:
        ids = [self.ctx.fields[p.theme.field]] if p.theme.field in self.ctx.fields else []
        if self.rng.random() < 0.4 and self.ctx.fields:
            extra = self.rng.choice(list(self.ctx.fields.values()))
            if extra not in ids:
                ids.append(extra)
        return ids

    def _coordinating(self, p: Plan) -> list[int]:
        rng = self.rng
        province = self.ctx.provinces[p.lead.province]
        chosen: list[int] = []
        owner = province.by_code.get("SNgV")
        if owner and owner is not p.lead and rng.random() < 0.4:
            chosen.append(owner.id)
        usual = [province.by_code[c] for c in LEAD_CODES if c in province.by_code]
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            agency = rng.choice(usual if usual and rng.random() < 0.8 else province.departments)
            if agency is not p.lead and agency.id not in chosen:
                chosen.append(agency.id)
        return chosen

    def _notice(self, p: Plan, event_id, kind, occurred: date, at: datetime, by) -> None:
        rng, ctx = self.rng, self.ctx
        due = occurred + timedelta(days=NOTICE_DAYS)
        notice_id = self.notices.next_id()
        row = (notice_id, p.id, event_id, str(kind), due, None, "")
        history = [HistoryRow(row, at, by)]
        if due < ctx.today - timedelta(days=3) and rng.random() < 0.9:
            done = min(occurred + timedelta(days=rng.randrange(2, 25)), ctx.today)
            reference = f"{rng.randrange(1, 500):02d}/BC-{p.lead.short_name}"
            row = (notice_id, p.id, event_id, str(kind), due, done, reference)
            history.append(HistoryRow(row, max(ctx.at(done, rng), at), ctx.official(rng), "~"))
        self.notices.add(row, history=history)

    # -- outputs and reviews -----------------------------------------------------------------
    def _outputs(self, p: Plan, created: datetime) -> list[tuple]:
        """Writes the outputs; returns [(id, final status, due, target, final value, start)]."""
        ctx, rng = self.ctx, self.rng
        if not p.outputs or p.signed_on is None:
            return []
        start = p.effective_on or p.signed_on
        span_end = p.end_on or add_years(start, 3)
        entered = ctx.entered(p.signed_on + timedelta(days=rng.randrange(0, 20)), rng)
        entered = max(entered, created)
        province = ctx.provinces[p.lead.province]
        result = []
        for n in range(p.outputs):
            description, unit, low, high = p.theme.outputs[n % len(p.theme.outputs)]
            if n >= len(p.theme.outputs):
                description = f"{description} (giai đoạn {n // len(p.theme.outputs) + 1})"
            target = Decimal(rng.randint(low, high))
            days = max(30, (span_end - start).days)
            due = start + timedelta(days=rng.randrange(min(180, days - 1), days))
            responsible = p.lead
            if rng.random() < 0.25:
                responsible = rng.choice(province.departments)
            status, value, changed = self._output_state(p, due, target, start)
            output_id = self.outputs.next_id()
            note = rng.choice(words.PROGRESS_NOTES) if status != O.NOT_STARTED else ""
            updated = max(entered, ctx.at(changed, rng)) if changed else entered
            initial = (
                output_id, p.id, description, f"Số {unit}", unit, target, due, responsible.id,
                None, str(O.NOT_STARTED), "", entered,
            )  # fmt: skip
            history = [HistoryRow(initial, entered, ctx.official(rng))]
            row = initial
            if status != O.NOT_STARTED:
                row = (*initial[:8], value, str(status), note, updated)
                by = responsible.writer_id or ctx.official(rng)
                history.append(HistoryRow(row, updated, by, "~"))
            self.outputs.add(row, history=history)
            result.append((output_id, str(status), due, target, value, start))
        return result

    def _output_state(self, p: Plan, due: date, target: Decimal, start: date):
        """(final status, current value, day of the last update)."""
        rng, today = self.rng, self.ctx.today
        if p.terminated and due > p.stopped_on:
            return (
                O.CANCELLED,
                (target * Decimal(rng.randrange(0, 60)) / 100).quantize(Decimal(1)),
                p.stopped_on,
            )
        if due <= today:
            r = rng.random()
            if r < 0.72:
                return O.ACHIEVED, target, min(due, today)
            if r < 0.94:
                value = (target * Decimal(rng.randrange(20, 90)) / 100).quantize(Decimal(1))
                return O.DELAYED, value, min(due + timedelta(days=rng.randrange(1, 60)), today)
            return O.CANCELLED, None, min(due, today)
        elapsed = (today - start).days / max(1, (due - start).days)
        if elapsed < 0.1:
            return O.NOT_STARTED, None, None
        share = min(0.95, elapsed * rng.uniform(0.6, 1.2))
        value = (target * Decimal(round(share * 100)) / 100).quantize(Decimal(1))
        return O.IN_PROGRESS, value, today - timedelta(days=rng.randrange(0, 120))

    def _reviews(self, p: Plan, periods: list[Period], outputs: list[tuple]) -> list[datetime]:
        ctx, rng = self.ctx, self.rng
        times = []
        lower_bound = p.effective_on or p.signed_on
        for period in periods:
            reviewed_on = min(period.end - timedelta(days=rng.randrange(0, 25)), ctx.today)
            reviewed_on = max(reviewed_on, period.start, lower_bound)
            if rng.random() < 0.55 and p.lead.writer_id:
                reviewer, agency_id = p.lead.writer_id, p.lead.id
            else:
                reviewer, agency_id = ctx.official(rng), ctx.owner.id
            mood = p.health + rng.gauss(0, 0.15)
            overall = (
                "met"
                if mood > 0.78
                else "on_track"
                if mood > 0.42
                else "constrained"
                if mood > 0.15
                else "no_progress"
            )
            achievements = " ".join(
                s.format(n=rng.randrange(1, 6))
                for s in rng.sample(words.ACHIEVEMENTS, rng.choice([1, 2]))
            )
            difficulties = ""
            if overall in ("constrained", "no_progress") or rng.random() < 0.25:
                difficulties = rng.choice(words.DIFFICULTIES)
            proposals = rng.choice(words.PROPOSALS) if rng.random() < 0.6 else ""
            at = ctx.entered(reviewed_on, rng)
            review_id = self.reviews.next_id()
            row = (
                review_id, p.id, period.year, str(period.kind), reviewed_on, reviewer, agency_id,
                overall, achievements, difficulties, proposals, at,
            )  # fmt: skip
            self.reviews.add_created(row, at, reviewer)
            base = OVERALL_SCORE[overall]
            for criterion_id, max_score in ctx.criteria:
                score = max(0, min(max_score, round(max_score * base + rng.gauss(0, 0.7))))
                score_row = (self.scores.next_id(), review_id, criterion_id, score)
                self.scores.add_created(score_row, at, reviewer)
            for output_id, status, due, target, value, start in outputs:
                snap_value, snap_status = _snapshot(
                    status, due, target, value, start, reviewed_on, ctx.today
                )
                self.values.add(
                    (self.values.next_id(), review_id, output_id, snap_value, snap_status)
                )
            times.append(at)
        return times


def _snapshot(status, due, target, value, start, day, today):
    """An output's value and status as they stood on ``day``."""
    if value is None or day <= start:
        return None, str(O.NOT_STARTED) if status != O.CANCELLED or day < due else str(O.CANCELLED)
    end = due if status == O.ACHIEVED else today
    share = min(1.0, max(0.0, (day - start).days / max(1, (end - start).days)))
    now_value = (value * Decimal(round(share * 100)) / 100).quantize(Decimal("0.01"))
    if status == O.ACHIEVED and day >= due:
        return value, str(O.ACHIEVED)
    if status == O.CANCELLED and day >= due:
        return now_value, str(O.CANCELLED)
    if day > due:
        return now_value, str(O.DELAYED)
    return now_value, str(O.IN_PROGRESS if now_value else O.NOT_STARTED)


def build_agreements(ctx: Context) -> None:
    planner = Planner(ctx)
    plans = [planner.plan() for _ in range(ctx.scale.agreements)]
    rng = ctx.rng("agreement-numbers")
    # Numbers run per year in the order of signing; proposals mostly have none yet.
    per_year: dict[int, int] = {}
    for p in sorted(plans, key=lambda p: (p.signed_on or p.created_on, p.created_on)):
        year = (p.signed_on or p.created_on).year
        if p.signed_on is None and rng.random() < 0.7:
            continue
        per_year[year] = per_year.get(year, 0) + 1
        abbr = words.KIND_WORDS[p.kind][2]
        p.number = f"{per_year[year]:02d}/{year}/{abbr}-{p.lead.short_name}"
    # Outputs, spread over the signed agreements (programmes and projects have more).
    signed = [p for p in plans if p.signed_on is not None]
    if signed:
        weights = [3 if p.kind in ("programme", "project") else 1 for p in signed]
        for index in rng.choices(range(len(signed)), weights=weights, k=ctx.scale.outputs):
            signed[index].outputs += 1
    # Written in the order they were registered, so ids grow with the dates.
    plans.sort(key=lambda p: (p.created_on, p.signed_on or p.created_on))
    table = ctx.writer.table(Agreement, AGREEMENT_COLUMNS)
    for p in plans:
        p.id = table.next_id()
    AgreementWriter(ctx, plans).write()
