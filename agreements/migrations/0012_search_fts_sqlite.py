"""On SQLite, FTS5 trigram tables over the agreements' and partners' ``search_text``.

SQLite has no index for ``search_text LIKE '%word%'``; ``accounts.search`` first looks each
word up in these tables. They are external-content tables (the text stays in the model's
table only), kept in step by triggers on insert, delete and change of ``search_text``, so
that bulk inserts and raw updates are indexed too.

If a later migration makes Django rebuild one of these tables on SQLite (an ALTER that SQLite
cannot do in place), its triggers are dropped with the old table: re-create them with
``create`` below. tests/accounts/test_search.py fails if an index falls out of step.
PostgreSQL uses its trigram indexes (0002) and gets nothing here.
"""

from django.db import migrations

TABLES = [
    ("agreements_agreement", "agreement_search_fts"),
    ("partners_partner", "partner_search_fts"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for table, fts in TABLES:
        delete = (
            f"INSERT INTO {fts}({fts}, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text);"
        )
        insert = f"INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text);"
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5("
            f"search_text, content='{table}', content_rowid='id', tokenize='trigram')"
        )
        schema_editor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END"
        )
        schema_editor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN {delete} END"
        )
        schema_editor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF search_text ON {table} "
            f"BEGIN {delete} {insert} END"
        )
        schema_editor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for _table, fts in TABLES:
        for trigger in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {fts}_{trigger}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {fts}")


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0011_review_period_agreement_index"),
        ("partners", "0003_fill_search_text"),
    ]

    operations = [migrations.RunPython(create, drop)]
