"""On PostgreSQL, a trigram index makes the accent-insensitive `search_text LIKE '%…%'` fast.

SQLite has no such index; the query is the same on both databases.
"""

from django.db import migrations

TABLES = [
    ("agreements_agreement", "agreement_search_trgm"),
    ("partners_partner", "partner_search_trgm"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, index in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin (search_text gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, index in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0001_initial"),
        ("partners", "0002_partner_search_text"),
    ]

    operations = [migrations.RunPython(create, drop)]
