"""The data the benchmark runs on, and the users and records its pages are measured with.

``ensure_data`` fills the database with the data generator (``manage.py generate_data``) at
the chosen scale, or with the demo data when the generator is not available, and remembers
what it made in a stamp file so that the next run on the same database reuses it.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Exists, OuterRef

from accounts.text import fold

ROLES = ("official", "reporter", "leader", "admin")
NEWEST = ("-signed_on", "-id")
DEFAULT_SEED = 2026
GENERATOR_FILES = Path(settings.BASE_DIR) / "accounts" / "datagen*.py"


def database_url(scale: str, db: str) -> str:
    """The scratch database of a scale: a file under var/ for SQLite, bench_<scale> on the
    local PostgreSQL server."""
    if db == "sqlite":
        return f"sqlite:///{Path(settings.VAR_DIR) / f'bench-{scale}.sqlite3'}"
    if db == "postgres":
        return f"postgres://postgres@127.0.0.1:5432/bench_{scale}"
    raise ValueError(f"unknown database kind {db!r}")


def current_database_url() -> str:
    """The database this process uses, as a URL for the processes it starts (gunicorn, the
    PDF child): the scratch database, or the test database in the smoke test."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    if connection.vendor == "postgresql":
        credentials = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = db["HOST"] or "127.0.0.1"
        port = f":{db['PORT']}" if db["PORT"] else ""
        return f"postgres://{credentials}@{host}{port}/{db['NAME']}"
    raise RuntimeError(f"unsupported database {connection.vendor}")


def generator_available() -> bool:
    from django.core.management import get_commands

    return "generate_data" in get_commands()


def counts() -> dict[str, int]:
    """The size of the data, as the table's header and the JSON report it."""
    from accounts.models import Agency, User
    from agreements.models import Agreement, Output, Review
    from delegations.models import Delegation
    from partners.models import Partner
    from reports.models import AgencyReport, ReportingPeriod
    from targets.models import Target

    return {
        "agencies": Agency.objects.count(),
        "users": User.objects.count(),
        "partners": Partner.objects.count(),
        "agreements": Agreement.objects.count(),
        "outputs": Output.objects.count(),
        "reviews": Review.objects.count(),
        "delegations": Delegation.objects.count(),
        "targets": Target.objects.count(),
        "periods": ReportingPeriod.objects.count(),
        "agency_reports": AgencyReport.objects.count(),
    }


def _stable(figures: dict[str, int]) -> dict[str, int]:
    """The counts the benchmark never changes (it may open one draft agency report)."""
    return {k: figures.get(k) for k in ("agencies", "users", "partners", "agreements", "reviews")}


def _generator_digest() -> str:
    """Changes when the generator's code changes, so that the data is made again."""
    digest = hashlib.sha256()
    for path in sorted(GENERATOR_FILES.parent.glob(GENERATOR_FILES.name)):
        if path.is_file():
            digest.update(path.read_bytes())
    for path in sorted((GENERATOR_FILES.parent / "datagen").rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _as_maintained() -> None:
    """The database as its maintenance leaves it on a running instance, at every run (data
    generated before an index was added; the dead rows of an earlier run's rolled-back
    imports): PostgreSQL as autovacuum leaves it (the planner's statistics, and the
    visibility map that lets a COUNT read an index alone; some servers run with autovacuum
    off, as this benchmark's own did), SQLite as the nightly job does (accounts.dbstats)."""
    from accounts.dbstats import refresh_statistics

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        refresh_statistics()


def ensure_data(
    *,
    scale: str,
    seed: int = DEFAULT_SEED,
    stamp: Path | None = None,
    regenerate: bool = False,
    log: Callable[[str], None] = print,
) -> dict:
    """Migrate, then fill the database at ``scale`` unless the stamp says it already holds
    that data (same source, scale, seed and row counts; ``regenerate`` to make it again, e.g.
    after the generator changed: the stamp keeps a digest of its code for that).
    Returns {"source", "scale", "seed", "generator", "generated", "counts"}."""
    call_command("migrate", verbosity=0, interactive=False)
    _as_maintained()
    source = "generate_data" if generator_available() else "load_demo"
    wanted = {"source": source, "scale": scale, "seed": seed}
    if source == "load_demo":
        wanted.update(scale="demo", seed=None)
    if stamp is not None and not regenerate:
        try:
            previous = json.loads(stamp.read_text())
        except (OSError, ValueError):
            previous = {}
        same_rows = _stable(previous.get("counts") or {}) == _stable(counts())
        if {k: previous.get(k) for k in wanted} == wanted and same_rows:
            log(f"data: reusing {source} data ({wanted['scale']}) recorded in {stamp.name}")
            return previous
    out = io.StringIO()
    generated: dict = {}
    if source == "generate_data":
        # --flush only over earlier data: a new database has nothing to delete.
        flush = ["--flush"] if any(counts().values()) else []
        log(f"data: manage.py generate_data --scale {scale} {' '.join(flush)} --seed {seed} …")
        # The bench settings run with DEBUG off, which the generator takes for production.
        call_command(
            "generate_data",
            *("--scale", scale, *flush, "--seed", str(seed), "--json"),
            "--i-know-this-is-not-production",
            stdout=out,
        )
        summary = json.loads(out.getvalue())
        generated = {k: summary.get(k) for k in ("today", "rows", "seconds", "peak_memory_mb")}
        log(
            f"data: {summary.get('rows', 0):,} rows in {summary.get('seconds', 0):.0f} s, peak "
            f"memory {summary.get('peak_memory_mb', 0):.0f} MB"
        )
    else:
        log("data: the data generator is not available; loading the demo data instead")
        call_command("load_demo", stdout=out)
    _as_maintained()
    result = {**wanted, "generator": _generator_digest(), "generated": generated}
    result["counts"] = counts()
    if stamp is not None:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(json.dumps(result, indent=2) + "\n")
    return result


@dataclass
class Subjects:
    """Who the pages are requested as, and which records they show."""

    users: dict[str, object]
    agreement: object
    partner: object
    period: object
    report: object | None
    filter_query: str
    search_queries: list[str] = field(default_factory=list)


def _user(role: str, **filters):
    from accounts.models import User

    return (
        User.objects.filter(role=role, is_active=True, **filters)
        .select_related("agency")
        .order_by("id")
        .first()
    )


def _open_draft():
    from accounts.models import Role
    from reports import services as report_services
    from reports.models import ReportingPeriod

    for period in ReportingPeriod.objects.order_by("-year", "-kind"):
        heads = _heads(period)
        if heads:
            head = heads[0]
            report = report_services.report_open(period=period, agency=head.agency, user=head)
            return report, head
    return None, _user(Role.REPORTER, is_agency_head=True) or _user(Role.REPORTER)


def _heads(period) -> list:
    from accounts.models import Role, User

    return list(
        User.objects.filter(
            role=Role.REPORTER,
            is_active=True,
            is_agency_head=True,
            agency__in=period.expected_agencies.all(),
        )
        .exclude(agency__reports__period=period)
        .select_related("agency")
        .order_by("id")[:1]
    )


def pick_subjects() -> Subjects:
    """One active user of each role and the records every role can see, chosen from the data
    (whatever generated it) in a deterministic way."""
    from accounts.models import Role
    from agreements.models import Agreement, Output, Review
    from partners.models import Partner
    from reports.models import AgencyReport, ReportingPeriod

    period = (
        ReportingPeriod.objects.annotate(n=Count("expected_agencies"))
        .filter(n__gt=0)
        .order_by("-year", "-kind")
        .first()
    ) or ReportingPeriod.objects.order_by("-year", "-kind").first()

    # The report form: a head of an agency whose report for the latest period is returned for
    # revision, or else a draft; failing both, a draft is opened for an agency head.
    editable = [AgencyReport.State.DRAFT, AgencyReport.State.RETURNED]
    report = (
        AgencyReport.objects.filter(
            state__in=editable,
            agency__users__role=Role.REPORTER,
            agency__users__is_agency_head=True,
            agency__users__is_active=True,
        )
        .select_related("period", "agency")
        # A returned report shows its comments too: the longest form, at every scale.
        .order_by("-period__year", "-period__kind", "-state", "id")
        .first()
    )
    if report is not None:
        reporter = _user(Role.REPORTER, agency=report.agency, is_agency_head=True)
    else:
        # No draft anywhere: open one (as the reporter's "write the report" button does) for
        # a period that expects an agency with a head and has no report of it yet.
        report, reporter = _open_draft()
    users = {
        "official": _user(Role.OFFICIAL),
        "reporter": reporter,
        "leader": _user(Role.LEADER),
        "admin": _user(Role.ADMIN),
    }
    missing = [role for role, user in users.items() if user is None]
    if missing:
        raise RuntimeError(f"the data has no active user of role(s) {', '.join(missing)}")

    # A recent agreement of the reporter's agency (every role may open it), with outputs and
    # reviews, so that every query of the page runs at every scale (a prefetch over nothing
    # is skipped, which would make the counts differ between data sets).
    led = Agreement.objects.filter(lead_agency=reporter.agency_id).order_by(*NEWEST)
    visible = Agreement.objects.visible_to(reporter).order_by(*NEWEST)
    complete = [
        Exists(Output.objects.filter(agreement=OuterRef("pk"))),
        Exists(Review.objects.filter(agreement=OuterRef("pk"))),
    ]
    agreement = (
        led.filter(*complete).first()
        or visible.filter(*complete).first()
        or led.first()
        or visible.first()
    )
    # The partner with the most agreements: the longest partner page.
    partner = Partner.objects.annotate(n=Count("agreements")).order_by("-n", "id").first()
    filter_query = f"state=in_force&partner={partner.pk}"
    return Subjects(
        users=users,
        agreement=agreement,
        partner=partner,
        period=period,
        report=report,
        filter_query=filter_query,
        search_queries=search_queries(),
    )


COMMON_WORDS = ["hop tac", "giao duc", "du lich", "dai hoc", "van hoa"]


def search_queries(count: int = 10) -> list[str]:
    """Unaccented queries a user types: partners' names, words of agreement titles, a number.
    Taken from the data so that they find something at every scale."""
    from agreements.models import Agreement
    from partners.models import Partner

    queries: list[str] = []
    for name in (
        Partner.objects.annotate(n=Count("agreements"))
        .order_by("-n", "id")
        .values_list("name_vi", flat=True)[:3]
    ):
        queries.append(" ".join(fold(name).split()[-2:]))
    queries += COMMON_WORDS
    titles = Agreement.objects.order_by("id").values_list("title_vi", "number")
    first = titles.first()
    if first:
        words = fold(first[0]).split()
        queries.append(" ".join(words[-2:]) if len(words) >= 2 else fold(first[0]))
        if first[1]:
            queries.append(first[1].lower())
    # Without accents is the point: every query must be plain ASCII.
    queries = [q for q in dict.fromkeys(queries) if q and q.isascii()]
    return queries[:count]
