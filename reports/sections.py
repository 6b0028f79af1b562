"""The structure of a report (DOMAIN.md "The reporting cycle", seed 001 §IV).

Agency reports and the consolidated 6-month/annual reports share one list of sections, so a
consolidated section gathers the same section of every accepted agency report. The legal
annual reports (agreements to the Ministry, conferences) have their own lists.

Headings are English msgids translated at render time (the PDFs render in Vietnamese).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Part:
    numeral: str  # "I", "II"…
    title: Promise


@dataclass(frozen=True)
class Section:
    key: str
    part: Part
    number: int | None  # "1." inside its part; None when the part has a single section
    title: Promise
    help: Promise | str = ""


RESULTS = Part("I", _("Results"))
ASSESSMENT = Part("II", _("Overall assessment"))
NEXT = Part("III", _("Tasks for the next period"))
PROPOSALS = Part("IV", _("Proposals"))

# The 6-month / annual report: agencies write these, Sở Ngoại vụ consolidates them.
PERIOD_SECTIONS: tuple[Section, ...] = (
    Section("leadership", RESULTS, 1, _("Leadership, direction and documents issued")),
    Section(
        "relations",
        RESULTS,
        2,
        _("Relations with foreign localities; signing and implementing international agreements"),
    ),
    Section("delegations", RESULTS, 3, _("Outbound and inbound delegations")),
    Section("conferences", RESULTS, 4, _("International conferences and workshops")),
    Section("economic", RESULTS, 5, _("Economic diplomacy: investment, trade, tourism")),
    Section("cultural", RESULTS, 6, _("Cultural diplomacy and external information")),
    Section("ngo_aid", RESULTS, 7, _("Foreign non-governmental aid")),
    Section("consular", RESULTS, 8, _("Consular work and overseas Vietnamese")),
    Section("border", RESULTS, 9, _("Border affairs")),
    Section("achievements", ASSESSMENT, 1, _("Achievements")),
    Section("shortcomings", ASSESSMENT, 2, _("Shortcomings and their causes")),
    Section("next_tasks", NEXT, None, _("Key tasks for the next period")),
    Section("proposals", PROPOSALS, None, _("Proposals and recommendations")),
)
PERIOD_KEYS: tuple[str, ...] = tuple(s.key for s in PERIOD_SECTIONS)

_SIGNING = Part("I", _("Signing of international agreements"))
_IMPLEMENTING = Part("II", _("Implementation of international agreements"))
_ASSESS = Part("III", _("Assessment"))
_PLAN = Part("IV", _("Signing plan for next year"))
_PROPOSE = Part("V", _("Proposals"))

# The annual report to the Ministry of Foreign Affairs on agreements (due 15 November).
AGREEMENT_SECTIONS: tuple[Section, ...] = (
    Section("signing", _SIGNING, None, _("Agreements signed in the year")),
    Section("implementing", _IMPLEMENTING, None, _("Implementation and periodic reviews")),
    Section("assessment", _ASSESS, None, _("Achievements, shortcomings and causes")),
    Section("plan", _PLAN, None, _("Agreements planned for signing next year")),
    Section("proposals", _PROPOSE, None, _("Proposals and recommendations")),
)

_HELD = Part("I", _("International conferences held"))
_CONF_ASSESS = Part("II", _("Assessment"))
_CONF_PROPOSE = Part("III", _("Proposals"))

# The annual report on international conferences (Decision 06/2020/QĐ-TTg, due 18 December).
CONFERENCE_SECTIONS: tuple[Section, ...] = (
    Section("held", _HELD, None, _("Conferences and workshops held")),
    Section("assessment", _CONF_ASSESS, None, _("Achievements, shortcomings and causes")),
    Section("proposals", _CONF_PROPOSE, None, _("Proposals and recommendations")),
)


def numbered(sections: tuple[Section, ...]) -> list[dict]:
    """Sections grouped by part for templates: [{part, sections: [section…]}…]."""
    groups: list[dict] = []
    for section in sections:
        if not groups or groups[-1]["part"] is not section.part:
            groups.append({"part": section.part, "sections": []})
        groups[-1]["sections"].append(section)
    return groups
