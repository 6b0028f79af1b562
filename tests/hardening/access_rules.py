"""The authorization rules of every URL of the portal, as a table the matrix test checks.

One entry per URL name (``namespace:name``): a list of ``Variant``s, each one concrete URL (its
arguments are built from the test's objects, e.g. the reporter's own agreement or another
agency's internal one) with what each role gets for GET and for POST (an empty body).

Roles are written as letters:

    O  official of Sở Ngoại vụ          R  reporter (and head) of the owning agency (SVHTTDL)
    X  reporter (and head) of another agency (SCT)
    L  leader (reads, changes nothing)  A  administrator

An anonymous visitor is always sent to the login page; that needs no entry.

Outcomes: ``OK`` (allowed: anything but 403/404/405, a redirect to the login page or a server
error), or the exact status code. House style (STYLE.md): a record outside the user's scope
is a 404 (its existence is not revealed); a write by someone who may read it is a 403; a
method the view does not take is a 405.

A new view needs a new entry here: the matrix fails for a URL name without one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

ROLES = {
    "O": "official",
    "R": "reporter",
    "X": "other_reporter",
    "L": "leader",
    "A": "administrator",
}
ALL = "ORXLA"
OK = "ok"

Outcome = str | int
Args = Callable[[Any, str], Sequence[Any]]


def expect(ok: str = "", *, e403: str = "", e404: str = "", e405: str = "", **exact: str):
    """Each of the five roles exactly once: ``ok`` roles are allowed, the others get the
    status code they are listed under (``e403="RX"``; other codes as ``s302="O"``)."""
    outcome: dict[str, Outcome] = {}
    groups: list[tuple[str, Outcome]] = [(ok, OK), (e403, 403), (e404, 404), (e405, 405)]
    groups += [(letters, int(key[1:])) for key, letters in exact.items()]
    for letters, result in groups:
        for letter in letters:
            if letter in outcome:
                raise ValueError(f"role {letter} is listed twice")
            outcome[ROLES[letter]] = result
    missing = set(ALL) - {k for k, v in ROLES.items() if v in outcome}
    if missing:
        raise ValueError(f"roles {''.join(sorted(missing))} have no outcome")
    return outcome


def scoped(sees: str, ok: str = ""):
    """A record only ``sees`` may see: those in ``ok`` are allowed, the other roles who see
    it get a 403 (a write by a reader), the rest a 404 (outside their scope)."""
    if set(ok) - set(sees):
        raise ValueError(f"{ok} may act on a record they cannot see ({sees})")
    return expect(
        ok=ok,
        e403="".join(r for r in ALL if r in sees and r not in ok),
        e404="".join(r for r in ALL if r not in sees),
    )


def only(ok: str):
    """Everyone may see it; only ``ok`` may do it, the others get a 403."""
    return scoped(ALL, ok)


EVERYONE = expect(ok=ALL)
NO_METHOD = expect(e405=ALL)  # the view does not take this method

# Who sees each agreement of the test (Agreement.objects.visible_to).
SEES = {
    "own": "OLAR",  # internal, led by the reporter's agency
    "other": "OLAX",  # internal, led by the other reporter's agency
    "third": "OLA",  # internal, led by a third agency: neither reporter sees it
    "coord": "OLAR",  # internal, led by the third agency, coordinated by the reporter's
    "public": ALL,  # public, led by the third agency
}


@dataclass(frozen=True)
class Variant:
    """One concrete URL of a pattern and what each role gets."""

    label: str
    args: Args
    get: Mapping[str, Outcome]
    post: Mapping[str, Outcome]
    query: str = ""  # appended to GET requests (e.g. a search term)
    notes: str = field(default="", compare=False)


def v(label: str, args: Args, get, post, query: str = "", notes: str = "") -> Variant:
    return Variant(label, args, get, post, query, notes)


def none(world, role) -> list:
    return []


def page(label: str = "", args: Args = none, query: str = "") -> Variant:
    """A page every role reads; nobody posts to it."""
    return v(label, args, EVERYONE, NO_METHOD, query)


def read_only(label: str = "", args: Args = none, query: str = "") -> list[Variant]:
    return [page(label, args, query)]


def form(label: str, args: Args, ok: str, sees: str = ALL) -> Variant:
    """A form page (GET shows it, POST saves it) for ``ok`` only."""
    return v(label, args, scoped(sees, ok), scoped(sees, ok))


def action(label: str, args: Args, ok: str, sees: str = ALL) -> Variant:
    """A POST-only transition for ``ok`` only."""
    return v(label, args, NO_METHOD, scoped(sees, ok))


def agreement_forms(
    url: Callable[[Any, str], list], ok: str = "O", keys=("own", "other", "third", "public")
) -> list[Variant]:
    """A form on each kind of agreement: 404 outside the user's scope, 403 for readers."""
    return [form(key, lambda w, r, key=key: url(w, key), ok, SEES[key]) for key in keys]


def agreement_of(key: str):
    return lambda w, r: [w.agr[key].pk]


# ---------------------------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------------------------
RULES: dict[str, list[Variant]] = {
    # --- config ---
    "home": read_only(),
    "logout": [v("", none, NO_METHOD, expect(s302=ALL), notes="POST logs out: 302 to login")],
    "search": read_only(query="?q=zqmark"),
    # --- accounts: agencies and history ---
    "accounts:agency_list": [
        v("", none, expect(ok="OLA", e403="RX"), expect(e405="OLA", e403="RX")),
    ],
    # The filter forms' search boxes: names every signed-in user sees in those forms.
    "accounts:lookup": [v("", none, EVERYONE, NO_METHOD, query="?term=so")],
    "accounts:agency_detail": [
        v("reporter's agency", lambda w, r: [w.agency.pk], scoped("OLAR", "OLAR"), NO_METHOD),
        v("other agency", lambda w, r: [w.other_agency.pk], scoped("OLAX", "OLAX"), NO_METHOD),
    ],
    "history:object": [
        *(
            v(label, lambda w, r, label=label: w.history[label][:2], scoped(sees, sees), NO_METHOD)
            for label, sees in (
                ("partner", ALL),
                ("agreement-own", SEES["own"]),
                ("agreement-other", SEES["other"]),
                ("agreement-third", SEES["third"]),
                ("output-own", SEES["own"]),
                ("output-other", SEES["other"]),
                ("delegation-proposed", ALL),
                ("delegation-signed", ALL),
                ("conference-proposed", ALL),
            )
        ),
    ],
    "history:restore": [
        *(
            action(label, lambda w, r, label=label: w.history[label], ok, sees)
            for label, sees, ok in (
                ("partner", ALL, "O"),
                ("agreement-own", SEES["own"], "O"),
                ("agreement-other", SEES["other"], "O"),
                ("agreement-third", SEES["third"], "O"),
                ("output-own", SEES["own"], "O"),
                # The host agency edits (and restores) its delegation while it is proposed.
                ("delegation-proposed", ALL, "OR"),
                ("delegation-signed", ALL, "O"),
                ("conference-proposed", ALL, "OR"),
            )
        ),
    ],
    # --- partners ---
    "partners:list": read_only(),
    "partners:lookup": [v("", none, EVERYONE, NO_METHOD, query="?term=a")],
    "partners:detail": read_only(args=lambda w, r: [w.partner.pk]),
    "partners:create": [form("", none, "O")],
    "partners:update": [form("", lambda w, r: [w.partner.pk], "O")],
    # --- agreements ---
    "agreements:list": read_only(),
    "agreements:review_coverage": read_only(),
    "agreements:alerts": read_only(),
    "agreements:reference_lists": [v("", none, EVERYONE, only("OA"))],
    "agreements:create": [form("", none, "O")],
    "agreements:detail": [
        v(key, agreement_of(key), scoped(SEES[key], SEES[key]), NO_METHOD) for key in SEES
    ],
    "agreements:update": agreement_forms(lambda w, key: [w.agr[key].pk]),
    "agreements:event_create": agreement_forms(lambda w, key: [w.agr[key].pk, "extension"]),
    "agreements:notice_done": [
        action(key, lambda w, r, key=key: [w.agr[key].pk, w.notice[key].pk], "O", SEES[key])
        for key in ("own", "other", "third", "public")
    ],
    "agreements:output_create": agreement_forms(lambda w, key: [w.agr[key].pk]),
    "agreements:output_update": agreement_forms(lambda w, key: [w.agr[key].pk, w.out[key].pk]),
    "agreements:output_progress": [
        # The official, or a reporter of the output's responsible agency who sees the agreement.
        form("own", lambda w, r: [w.agr["own"].pk, w.out["own"].pk], "OR", SEES["own"]),
        form("other", lambda w, r: [w.agr["other"].pk, w.out["other"].pk], "OX", SEES["other"]),
        form("third", lambda w, r: [w.agr["third"].pk, w.out["third"].pk], "O", SEES["third"]),
        # Public agreement of the third agency; the output is the reporter's agency's.
        form("public", lambda w, r: [w.agr["public"].pk, w.out["public"].pk], "OR"),
        # Other agency's internal agreement, output assigned to the reporter's agency: the
        # agreement stays hidden from that reporter (a 404, like the agreement itself), and
        # the lead agency's reporter does not update another agency's output.
        form("assigned", lambda w, r: [w.agr["other"].pk, w.out["assigned"].pk], "O", "OLAX"),
    ],
    "agreements:review_create": [
        # The official, or a reporter of the lead agency.
        form("own", agreement_of("own"), "OR", SEES["own"]),
        form("other", agreement_of("other"), "OX", SEES["other"]),
        form("third", agreement_of("third"), "O", SEES["third"]),
        form("coord", agreement_of("coord"), "O", SEES["coord"]),
        form("public", agreement_of("public"), "O"),
    ],
    "agreements:document_upload": agreement_forms(lambda w, key: [w.agr[key].pk]),
    "agreements:document_download": [
        v(
            key,
            lambda w, r, key=key: [w.agr[key].pk, w.doc[key].pk],
            scoped(SEES[key], SEES[key]),
            NO_METHOD,
        )
        for key in ("own", "other", "third", "public")
    ],
    "agreements:dossier_start": [
        # A read (leaders may): whoever sees the agreement.
        action(key, agreement_of(key), SEES[key], SEES[key])
        for key in ("own", "other", "third", "public")
    ],
    **{
        f"agreements:{name}": [
            # Each role's own job on the reporter's agency's agreement: the other reporter's
            # job stays hidden once the agreement is not visible to them.
            v("own job", lambda w, r: [w.dossier[r].pk], scoped("OLAR", "OLAR"), NO_METHOD),
            # A job is its requester's only, whoever else may see the agreement.
            v(
                "reporter's job",
                lambda w, r: [w.dossier["reporter_public"].pk],
                scoped("R", "R"),
                NO_METHOD,
            ),
        ]
        for name in ("dossier_status", "dossier_download")
    },
    **{
        f"agreements:excel_{kind}": [
            page(resource, lambda w, r, resource=resource: [resource])
            for resource in ("partners", "agreements", "outputs")
        ]
        for kind in ("export", "template")
    },
    "agreements:excel_import": [
        form(resource, lambda w, r, resource=resource: [resource], "O")
        for resource in ("partners", "agreements", "outputs")
    ],
    "agreements:excel_import_confirm": [
        action(resource, lambda w, r, resource=resource: [resource], "O")
        for resource in ("partners", "agreements", "outputs")
    ],
    # --- delegations and plans ---
    "delegations:list": read_only(),
    "delegations:calendar": read_only(query="?year=2024&month=6"),
    "delegations:plan_vs_actual": read_only(query="?year=2024"),
    "delegations:detail": [
        page("proposed", lambda w, r: [w.deleg["proposed"].pk]),
        page("signed", lambda w, r: [w.deleg["signed"].pk]),
    ],
    "delegations:create": [form("", none, "ORX")],
    "delegations:update": [
        # The host agency's reporter while it is proposed; the official always.
        form("proposed", lambda w, r: [w.deleg["proposed"].pk], "OR"),
        form("approved", lambda w, r: [w.deleg["approved"].pk], "O"),
    ],
    "delegations:approve": [action("", lambda w, r: [w.deleg["proposed"].pk], "O")],
    "delegations:set_aside": [action("", lambda w, r: [w.deleg["proposed"].pk], "O")],
    "delegations:results": [
        # The host agency's reporter once approved; the official always.
        form("approved", lambda w, r: [w.deleg["approved"].pk], "OR"),
        form("proposed", lambda w, r: [w.deleg["proposed"].pk], "O"),
    ],
    "delegations:plan_list": read_only(),
    "delegations:plan_detail": read_only(args=lambda w, r: [w.deleg_plan.pk]),
    "delegations:plan_create": [form("", none, "O")],
    "delegations:plan_item_create": [form("", lambda w, r: [w.deleg_plan.pk], "O")],
    "delegations:plan_item_update": [form("", lambda w, r: [w.deleg_plan.pk, w.plan_item.pk], "O")],
    "delegations:conference_list": read_only(),
    "delegations:conference_annual_report": read_only(),
    "delegations:conference_detail": read_only(args=lambda w, r: [w.conf["proposed"].pk]),
    "delegations:conference_create": [form("", none, "ORX")],
    "delegations:conference_update": [
        form("proposed", lambda w, r: [w.conf["proposed"].pk], "OR"),
        form("approved", lambda w, r: [w.conf["approved"].pk], "O"),
    ],
    "delegations:conference_decide": [action("", lambda w, r: [w.conf["proposed"].pk], "O")],
    "delegations:conference_results": [
        form("approved", lambda w, r: [w.conf["approved"].pk], "OR"),
        form("proposed", lambda w, r: [w.conf["proposed"].pk], "O"),
    ],
    **{
        f"delegations:excel_{kind}": [
            page(resource, lambda w, r, resource=resource: [resource])
            for resource in ("plans", "delegations", "conferences")
        ]
        for kind in ("export", "template")
    },
    "delegations:excel_import": [
        form(resource, lambda w, r, resource=resource: [resource], "O")
        for resource in ("plans", "delegations", "conferences")
    ],
    "delegations:excel_import_confirm": [
        action(resource, lambda w, r, resource=resource: [resource], "O")
        for resource in ("plans", "delegations", "conferences")
    ],
    # --- targets, plans and tasks ---
    "targets:overview": read_only(),
    "targets:detail": [
        page("entered", lambda w, r: [w.target["entered"].pk]),
        page("computed", lambda w, r: [w.target["computed"].pk]),
    ],
    # Everyone reads the targets, their values and their evidence.
    "targets:measurement_evidence": read_only(args=lambda w, r: [w.measurement.pk]),
    "targets:measurement_enter": [
        # The official or the owner agency's reporter; nobody types a computed figure.
        form("entered", lambda w, r: [w.target["entered"].pk], "OR"),
        form("computed", lambda w, r: [w.target["computed"].pk], ""),
    ],
    "targets:task_list": read_only(),
    "targets:task_progress": [
        form("own", lambda w, r: [w.task["own"].pk], "OR"),
        form("other", lambda w, r: [w.task["other"].pk], "OX"),
    ],
    # The management page of the task-assignment tables: officials only, reading included
    # (everyone reads the tasks on targets:task_list).
    "targets:plan_list": [v("", none, only("O"), NO_METHOD)],
    "targets:plan_create": [form("", none, "O")],
    "targets:plan_edit": [form("", lambda w, r: [w.task_plan.pk], "O")],
    "targets:task_create": [form("", lambda w, r: [w.task_plan.pk], "O")],
    "targets:task_edit": [form("", lambda w, r: [w.task["own"].pk], "O")],
    "targets:task_delete": [action("", lambda w, r: [w.task["own"].pk], "O")],
    "targets:excel_export": [
        page(resource, lambda w, r, resource=resource: [resource])
        for resource in ("targets", "tasks", "measurements")
    ],
    "targets:excel_template": read_only("measurements", lambda w, r: ["measurements"]),
    # Officials, and reporters of an agency that owns a target entered by hand.
    "targets:excel_import": [form("measurements", lambda w, r: ["measurements"], "OR")],
    "targets:excel_import_confirm": [action("measurements", lambda w, r: ["measurements"], "OR")],
    # --- reports: periods and agency reports ---
    "reports:index": read_only(),
    "reports:period_create": [form("", none, "OA")],
    "reports:period_edit": [form("", lambda w, r: [w.period["current"].pk], "OA")],
    "reports:period_detail": [
        # Completeness for those who see every agency; a reporter is sent to their own
        # agency's report of the period, and refused when there is none.
        v("current", lambda w, r: [w.period["current"].pk], EVERYONE, NO_METHOD),
        v("past", lambda w, r: [w.period["past"].pk], only("OLAR"), NO_METHOD),
    ],
    "reports:report_start": [
        # A reporter of an agency the period expects.
        action("current", lambda w, r: [w.period["current"].pk], "RX"),
        action("past", lambda w, r: [w.period["past"].pk], "R"),
    ],
    "reports:report_detail": [
        v("own draft", lambda w, r: [w.report["own"].pk], scoped("OLAR", "OLAR"), NO_METHOD),
        v(
            "other submitted",
            lambda w, r: [w.report["other"].pk],
            scoped("OLAX", "OLAX"),
            NO_METHOD,
        ),
        v("own accepted", lambda w, r: [w.report["past"].pk], scoped("OLAR", "OLAR"), NO_METHOD),
    ],
    "reports:report_edit": [
        form("own draft", lambda w, r: [w.report["own"].pk], "R", "OLAR"),
        form("other submitted", lambda w, r: [w.report["other"].pk], "", "OLAX"),
    ],
    "reports:report_autosave": [
        action("own draft", lambda w, r: [w.report["own"].pk], "R", "OLAR"),
        # The agency learns why its autosave failed (422); nobody else does.
        v(
            "other submitted",
            lambda w, r: [w.report["other"].pk],
            NO_METHOD,
            expect(e403="OLA", e404="R", s422="X"),
        ),
    ],
    "reports:report_submit": [
        action("own draft", lambda w, r: [w.report["own"].pk], "R", "OLAR"),
        action("other submitted", lambda w, r: [w.report["other"].pk], "", "OLAX"),
    ],
    **{
        f"reports:report_{name}": [
            action("other submitted", lambda w, r: [w.report["other"].pk], "O", "OLAX"),
            # A draft cannot be returned or accepted: the official is told so (a message).
            action("own draft", lambda w, r: [w.report["own"].pk], "O", "OLAR"),
        ]
        for name in ("return", "accept")
    },
    "reports:version_pdf": [
        v("other", lambda w, r: [w.version["other"].pk], scoped("OLAX", "OLAX"), NO_METHOD),
        v("own", lambda w, r: [w.version["past"].pk], scoped("OLAR", "OLAR"), NO_METHOD),
    ],
    "reports:job_status": [
        v("agency pdf", lambda w, r: [w.job["agency"].pk], scoped("OLAX", "OLAX"), NO_METHOD),
        v("gather", lambda w, r: [w.job["gather"].pk], scoped("OLA", "OLA"), NO_METHOD),
        v("issue pdf", lambda w, r: [w.job["issue"].pk], scoped("OLA", "OLA"), NO_METHOD),
    ],
    "reports:job_retry": [
        action("agency pdf", lambda w, r: [w.job["agency"].pk], "OX", "OLAX"),
        action("gather", lambda w, r: [w.job["gather"].pk], "O", "OLA"),
    ],
    # --- reports: consolidated (officials write; leaders and administrators read; reporters
    # get a 403, the pages are not records of an agency) ---
    "reports:consolidated_list": [v("", none, only("OLA"), NO_METHOD)],
    "reports:consolidated_detail": [
        v("", lambda w, r: [w.consolidated.pk], only("OLA"), NO_METHOD)
    ],
    "reports:issued_pdf": [v("", lambda w, r: [w.issued.pk], only("OLA"), NO_METHOD)],
    "reports:consolidated_start": [action("", none, "O")],
    "reports:consolidated_regenerate": [action("", lambda w, r: [w.consolidated.pk], "O")],
    "reports:subject_edit": [action("", lambda w, r: [w.consolidated.pk], "O")],
    "reports:section_edit": [
        form("", lambda w, r: [w.consolidated.pk, w.section_key], "O"),
    ],
    "reports:consolidated_issue": [form("", lambda w, r: [w.consolidated.pk], "O")],
}

# URL names the matrix leaves out, with the reason.
EXEMPT = {
    "login": "public: the login page",
    "set_language": "public: the language switch works on the login page",
    "healthz": "public: the health check of the compose file and of the operators",
}
EXEMPT_PREFIXES = ("admin:",)  # the Django admin: tests/accounts/test_auth.py


# Text of records scoped to an agency, and the roles that may see it anywhere in the portal
# (an HTML page, an Excel export, a search result…). Set up by the test's ``world`` fixture.
MARKERS: dict[str, str] = {
    "ZQMARK-OWN-AGR": SEES["own"],
    "ZQMARK-OWN-OUT": SEES["own"],
    "ZQMARK-OWN-REV": SEES["own"],
    "ZQMARK-OWN-DOC": SEES["own"],
    "ZQMARK-OTHER-AGR": SEES["other"],
    "ZQMARK-OTHER-OUT": SEES["other"],
    "ZQMARK-ASSIGNED-OUT": SEES["other"],  # on the other agency's agreement, for ours
    "ZQMARK-OTHER-REV": SEES["other"],
    "ZQMARK-OTHER-DOC": SEES["other"],
    "ZQMARK-THIRD-AGR": SEES["third"],
    "ZQMARK-THIRD-OUT": SEES["third"],
    "ZQMARK-THIRD-DOC": SEES["third"],
    "ZQMARK-COORD-AGR": SEES["coord"],
    "ZQMARK-OWN-RPT": "OLAR",
    "ZQMARK-PAST-RPT": "OLAR",
    "ZQMARK-OTHER-RPT": "OLAX",
}
