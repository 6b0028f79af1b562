"""Generated, realistic data sets for benchmarks, load tests and CI.

``generate("province", seed=2026)`` builds a province's worth of data (≈160 agencies and
communes, 300 partners, 3,000 agreements over 2006–today with outputs, reviews and scores,
1,500 delegations, 300 conferences, the 2030 targets with measurements, five years of agency
reports); ``"national"`` is about 50 times that, ``"tiny"`` a few of each for CI. The same seed
on the same day gives the same rows.

The rows are what the services would have written: texts in NFC, the accent-free search text
of agreements and partners, states reached through the allowed transitions with their events,
legal notices and history rows. They are written with COPY (PostgreSQL) or executemany
(SQLite) rather than model by model (see writer.py): a national set takes minutes.

The domain tables must be empty (``flush=True`` empties them first), and a database that
looks like production is refused unless ``allow_production=True``.
"""

from __future__ import annotations

import contextlib
import os
import resource
import time
from collections.abc import Callable
from datetime import date

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone, translation

from accounts.demo import DEMO_PASSWORD
from accounts.search import SQLITE_FTS_TABLES

from .context import SCALES, Context, Scale
from .writer import Writer, add_foreign_keys, drop_foreign_keys, history_model

__all__ = ["SCALES", "GenerationRefused", "Scale", "flush_domain_data", "generate"]

DOMAIN_APPS = ("accounts", "partners", "agreements", "delegations", "targets", "reports")
# Reference lists seeded by a migration: kept (and used) by the generator.
KEPT = ("agreements.FieldOfCooperation", "agreements.EvaluationCriterion")
DEFAULT_SEED = 2026


class GenerationRefused(Exception):
    """The database holds data, or looks like production."""


def looks_like_production() -> bool:
    """DEBUG off outside the test settings: assume real users' data."""
    # Under override_settings, SETTINGS_MODULE is None: the environment names the module.
    module = settings.SETTINGS_MODULE or os.environ.get("DJANGO_SETTINGS_MODULE", "")
    return not settings.DEBUG and not module.endswith(".test")


def _kept_models() -> list[type[models.Model]]:
    kept = [apps.get_model(label) for label in KEPT]
    return kept + [h for h in (history_model(m) for m in kept) if h is not None]


def domain_models() -> list[type[models.Model]]:
    """Every table the generator fills or a flush empties (history and m2m tables included)."""
    kept = set(_kept_models())
    found = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label in DOMAIN_APPS and m not in kept and not m._meta.proxy
    ]
    for label in ("admin.LogEntry", "sessions.Session"):
        with contextlib.suppress(LookupError):
            found.append(apps.get_model(label))
    return found


def has_data() -> bool:
    """Whether any domain record exists (history and link tables aside)."""
    for model in domain_models():
        if model._meta.auto_created or model._meta.app_label not in DOMAIN_APPS:
            continue
        if model.__name__.startswith("Historical"):  # simple-history's tables
            continue
        if model._default_manager.using(connection.alias).exists():
            return True
    return False


def flush_domain_data() -> None:
    """Delete every domain record (agencies, users, registers, reports, their history); keep
    the reference lists the migrations seeded. Runs in the caller's transaction."""
    # The kept lists' history points at users who are about to go (and PostgreSQL truncates
    # no table that another table's foreign key points at): it is emptied with the rest and
    # put back without the users.
    histories = [m for m in _kept_models() if m.__name__.startswith("Historical")]
    saved = {m: list(m._default_manager.values()) for m in histories}
    tables = [m._meta.db_table for m in [*domain_models(), *histories]]
    with connection.cursor() as cursor:
        for sql in connection.ops.sql_flush(no_style(), tables, reset_sequences=True):
            cursor.execute(sql)
        for model, rows in saved.items():
            model._default_manager.bulk_create(
                model(**{**row, "history_user_id": None}) for row in rows
            )
        for sql in connection.ops.sequence_reset_sql(no_style(), histories):
            cursor.execute(sql)


def _reference_lists(ctx: Context) -> None:
    from agreements.models import EvaluationCriterion, FieldOfCooperation

    ctx.fields = dict(FieldOfCooperation.objects.filter(is_active=True).values_list("name", "id"))
    ctx.criteria = list(
        EvaluationCriterion.objects.filter(is_active=True)
        .order_by("order", "name")
        .values_list("id", "max_score")
    )


def generate(
    scale: str = "tiny",
    seed: int = DEFAULT_SEED,
    *,
    flush: bool = False,
    allow_production: bool = False,
    today: date | None = None,
    log: Callable[[str], None] | None = None,
) -> dict:
    """Build the data set; return a summary: rows per model, logins, time and peak memory."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose from {', '.join(SCALES)}")
    if looks_like_production() and not allow_production:
        raise GenerationRefused(
            "DEBUG is off and these are not the test settings: this looks like production. "
            "Refusing to generate data (pass --i-know-this-is-not-production to override)."
        )
    log = log or (lambda message: None)
    started = time.monotonic()
    today = today or timezone.localdate()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # A bigger page cache keeps the indexes of the large tables in memory.
            cursor.execute("PRAGMA cache_size = -262144")
    with _rollback_journal():
        return _generate(scale, seed, flush=flush, today=today, log=log, started=started)


@contextlib.contextmanager
def _rollback_journal():
    """SQLite's rollback journal for the one long transaction that writes the whole set.

    In WAL mode every page it writes goes to the write-ahead log until the commit, and every
    page read past the cache is looked up there: with gigabytes in the log (a national set)
    each lookup searches hundreds of its index's segments, and the writing slowed down as
    the log grew. A rollback journal writes the pages in place. The database's journal mode
    is restored afterwards. (National set: over 45 minutes and unfinished in WAL mode; 311 s
    with this and the search triggers dropped, :func:`_drop_search_triggers`.)"""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield  # PostgreSQL; or within a transaction (tests), where the mode cannot change
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        before = cursor.fetchone()[0]
        cursor.execute("PRAGMA journal_mode = DELETE")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA journal_mode = {before}")


def _drop_search_triggers() -> list[str]:
    """On SQLite, drop the triggers on the searchable tables, which keep their FTS5 tables in
    step (agreements migration 0012), for the load; return their SQL. Row by row, FTS5
    merging its segments inside the one long transaction, they stalled the national set:
    3 GB written in 11 minutes, then almost nothing in the next."""
    if connection.vendor != "sqlite":
        return []
    tables = list(SQLITE_FTS_TABLES)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
            f"({', '.join('%s' for _ in tables)}) ORDER BY name",
            tables,
        )
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
    return [sql for _name, sql in triggers]


def _rebuild_search_index(triggers: list[str]) -> None:
    """Put the triggers back and build the FTS5 tables from the rows, in one pass each."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for sql in triggers:
            cursor.execute(sql)
        for fts in SQLITE_FTS_TABLES.values():
            cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def _generate(scale, seed, *, flush, today, log, started) -> dict:
    from . import agreements, delegations, partners, people, reporting

    steps: dict[str, float] = {}
    # As loaddata does: no per-row foreign key checks while loading, then one check of every
    # table before the commit (SQLite: PRAGMA foreign_keys; PostgreSQL: see
    # drop_foreign_keys).
    with (
        connection.constraint_checks_disabled(),
        transaction.atomic(),
        translation.override(settings.LANGUAGE_CODE),
    ):
        if flush:
            flush_domain_data()
        elif has_data():
            raise GenerationRefused(
                "The database already holds data. Use --flush to delete all domain data first."
            )
        foreign_keys = drop_foreign_keys([m._meta.db_table for m in domain_models()])
        search_triggers = _drop_search_triggers()
        ctx = Context(scale=SCALES[scale], seed=seed, today=today, writer=Writer())
        _reference_lists(ctx)
        builders = [
            ("agencies", people.build_agencies),
            ("users", people.build_users),
            ("partners", partners.build_partners),
            ("agreements", agreements.build_agreements),
            ("delegations", delegations.build_delegations),
            ("conferences", delegations.build_conferences),
            ("targets", reporting.build_targets),
            ("tasks", reporting.build_tasks),
            ("reports", reporting.build_reports),
        ]
        for name, build in builders:
            step = time.monotonic()
            build(ctx)
            ctx.writer.flush()
            steps[name] = round(time.monotonic() - step, 2)
            log(f"  {name}: {steps[name]:.1f} s")
        step = time.monotonic()
        ctx.writer.finish()
        _rebuild_search_index(search_triggers)
        add_foreign_keys(foreign_keys)
        connection.check_constraints(table_names=[m._meta.db_table for m in ctx.writer.models])
        steps["finish"] = round(time.monotonic() - step, 2)
    labels = {m._meta.db_table: m._meta.label for m in ctx.writer.models}
    counts = {labels[table]: n for table, n in sorted(ctx.writer.written.items())}
    return {
        "scale": scale,
        "seed": seed,
        "today": today.isoformat(),
        "database": connection.vendor,
        "counts": counts,
        "rows": sum(counts.values()),
        "password": DEMO_PASSWORD,
        "logins": ctx.logins,
        "seconds": round(time.monotonic() - started, 2),
        "steps": steps,
        # Linux reports kilobytes: the peak of the whole process, Django included.
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
