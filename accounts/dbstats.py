"""The query planner's statistics on SQLite.

PostgreSQL's autovacuum keeps its statistics current. SQLite keeps none unless asked
(``ANALYZE``): without them it guesses how selective each index is, and an index that has no
statistics while the others have some looks far more selective than it is (the filtered
agreement list read every agreement in force, 45 ms, instead of the partner's few, 0.2 ms).
So the statistics are refreshed every night by a beat job, and a migration that adds an
index refreshes its table's at once.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections

# Rows sampled per index: approximate statistics, in well under a second at national scale.
ANALYSIS_LIMIT = 1000


def refresh_statistics(using: str = DEFAULT_DB_ALIAS) -> bool:
    """SQLite: ``ANALYZE`` every table, sampled. Returns whether it ran (not on PostgreSQL)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
    return True


def refresh_table_statistics(schema_editor, table: str) -> None:
    """For a migration that adds an index to ``table``: on SQLite, where the database already
    has statistics, make them for the new index too (a database without any keeps SQLite's
    uniform guesses, the same for every index)."""
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return
        cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
