"""What every builder of the data generator shares: the scale, the seeded random streams, the
day the data is generated for, the writer, and the records built so far."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from .writer import Writer

# The portal went live on this day: records dated before it were entered afterwards
# ("back-filled"), in the months that followed.
PORTAL_START = date(2021, 6, 1)
BACKFILL_DAYS = 180
FIRST_YEAR = 2006  # agreements, delegations and conferences are spread from here to today


@dataclass(frozen=True)
class Scale:
    name: str
    provinces: int  # 1 for a province; ~50 for a national deployment
    departments: int  # non-commune agencies per province (the demo's first)
    communes: int  # communes per province
    partners: int
    agreements: int
    outputs: int
    reviews: int
    delegations: int
    members: int
    conferences: int
    report_years: int  # reporting periods: 2 a year, for this many years up to today
    tasks_per_plan: int


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", 1, 16, 4, 40, 60, 150, 300, 30, 120, 8, 2, 6),
    "province": Scale("province", 1, 57, 103, 300, 3_000, 10_000, 30_000, 1_500, 8_000, 300, 5, 20),
    "national": Scale(
        "national", 50, 57, 103, 15_000, 150_000, 500_000, 1_500_000, 75_000, 400_000, 15_000, 5,
        400,
    ),
}  # fmt: skip


@dataclass
class AgencyInfo:
    id: int
    name: str
    short_name: str
    code: str  # the short name in the home province (SCT, SVHTTDL…), for theme leads
    kind: str
    province: int
    head_id: int | None = None  # reporter who is head of the agency
    reporter_id: int | None = None  # reporter who is not the head

    @property
    def writer_id(self) -> int | None:
        """Who writes the agency's texts (its reporter, else its head)."""
        return self.reporter_id or self.head_id


@dataclass
class ProvinceInfo:
    index: int
    name: str
    code: str
    agencies: list[AgencyInfo] = field(default_factory=list)
    by_code: dict[str, AgencyInfo] = field(default_factory=dict)

    @property
    def departments(self) -> list[AgencyInfo]:
        return [a for a in self.agencies if a.kind not in ("commune", "provincial_body")]

    @property
    def communes(self) -> list[AgencyInfo]:
        return [a for a in self.agencies if a.kind == "commune"]


@dataclass
class PartnerInfo:
    id: int
    name_vi: str
    name_native: str
    abbreviation: str
    kind: str
    country: str
    established_on: date | None

    @property
    def is_locality(self) -> bool:
        return self.kind in ("province_state", "prefecture", "city", "county_district")

    @property
    def in_title(self) -> str:
        """The name inside a sentence: "tỉnh Vân Nam", but "Ngân hàng Thế giới"."""
        if self.is_locality:
            return self.name_vi[0].lower() + self.name_vi[1:]
        return self.name_vi


@dataclass
class Context:
    scale: Scale
    seed: int
    today: date
    writer: Writer
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo(settings.TIME_ZONE))
    provinces: list[ProvinceInfo] = field(default_factory=list)
    agencies: dict[int, AgencyInfo] = field(default_factory=dict)
    owner: AgencyInfo | None = None
    official_ids: list[int] = field(default_factory=list)
    admin_id: int | None = None
    logins: list[dict[str, str]] = field(default_factory=list)
    partners: list[PartnerInfo] = field(default_factory=list)
    fields: dict[str, int] = field(default_factory=dict)  # field of cooperation name → id
    criteria: list[tuple[int, int]] = field(default_factory=list)  # (id, max score)
    # Filled by the builders for the reports' frozen figures: see reporting.Figures.
    facts: dict[str, object] = field(default_factory=dict)

    def rng(self, name: str) -> random.Random:
        """An independent, seeded stream per part: changing one part leaves the others alone."""
        return random.Random(f"{self.seed}:{name}")

    @property
    def now(self) -> datetime:
        """The end of the generation day: no record is dated later."""
        return datetime.combine(self.today, time(17, 30), self.tz)

    def at(self, day: date, rng: random.Random) -> datetime:
        """A moment of a working day (7:30 to 17:00) on ``day``, never after ``now``."""
        moment = datetime.combine(day, time(7, 30), self.tz) + timedelta(
            minutes=rng.randrange(570), seconds=rng.randrange(60)
        )
        return min(moment, self.now - timedelta(minutes=rng.randrange(1, 240)))

    def entered(self, day: date, rng: random.Random) -> datetime:
        """When a record about ``day`` was typed in: that day, or during the back-filling
        months after the portal went live for anything older."""
        if day < PORTAL_START:
            day = PORTAL_START + timedelta(days=rng.randrange(BACKFILL_DAYS))
        return self.at(min(day, self.today), rng)

    def official(self, rng: random.Random) -> int:
        return rng.choice(self.official_ids)


def pick_weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
