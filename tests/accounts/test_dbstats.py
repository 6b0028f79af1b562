"""accounts.dbstats: SQLite's query planner statistics, refreshed nightly and by migrations
that add an index."""

import pytest
from django.db import connection

from accounts.dbstats import refresh_statistics, refresh_table_statistics
from accounts.tasks import refresh_statistics as refresh_statistics_task
from tests.factories import AgreementFactory

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's statistics")


def _statistics() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return {}
        cursor.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'agreements_agreement'")
        return dict(cursor.fetchall())


def _drop_statistics() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is not None:
            cursor.execute("DROP TABLE sqlite_stat1")


class Editor:
    """What a migration's RunPython receives, as far as the function reads it."""

    connection = connection


@sqlite_only
def test_the_nightly_job_makes_statistics_for_every_index():
    _drop_statistics()
    AgreementFactory.create_batch(3)
    assert refresh_statistics_task() is True
    stats = _statistics()
    assert stats["agreement_state_visible_idx"].startswith("3 ")  # rows, then per column
    assert stats["agreement_list_order_idx"].startswith("3 ")


@sqlite_only
def test_a_migration_refreshes_a_table_only_where_statistics_exist():
    _drop_statistics()
    AgreementFactory.create_batch(2)
    refresh_table_statistics(Editor, "agreements_agreement")
    assert _statistics() == {}  # none made: SQLite keeps its uniform guesses
    refresh_statistics()
    AgreementFactory.create_batch(3)
    refresh_table_statistics(Editor, "agreements_agreement")
    assert _statistics()["agreement_state_visible_idx"].startswith("5 ")


@pytest.mark.skipif(connection.vendor == "sqlite", reason="PostgreSQL")
def test_postgresql_is_left_to_autovacuum():
    assert refresh_statistics() is False
    refresh_table_statistics(Editor, "agreements_agreement")  # nothing, no error
