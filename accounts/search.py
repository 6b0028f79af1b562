"""Accent-insensitive search: every word of the query somewhere in a model's ``search_text``.

``search_text`` holds the record's words folded (``accounts.text.fold``: no accents, "đ" as
"d", lower case), and each folded word of the query must occur in it as a substring
(``LIKE '%word%'``). That one condition is the whole rule, on both databases:

- PostgreSQL answers it from a pg_trgm GIN index (agreements migration 0002).
- SQLite has no index for ``LIKE '%…%'`` and would read every row (160 ms at national scale).
  There the words of three characters or more are first looked up in an FTS5 trigram table
  that triggers keep in step with the model's table (agreements migration 0012); the LIKE
  stays, so SQLite returns exactly the rows PostgreSQL does. Shorter words have no trigram
  and are matched by the LIKE alone.
"""

from __future__ import annotations

from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from .text import fold

# The FTS5 table kept for each searchable table on SQLite (see agreements migration 0012).
SQLITE_FTS_TABLES = {
    "agreements_agreement": "agreement_search_fts",
    "partners_partner": "partner_search_fts",
}
TRIGRAM = 3


def fts5_phrase(word: str) -> str:
    """``word`` as an FTS5 phrase: in double quotes, its own double quotes doubled, so that
    no character of the query is read as FTS5 syntax."""
    return '"' + word.replace('"', '""') + '"'


def matching_every_word(queryset: QuerySet, query: str) -> QuerySet:
    words = fold(query).split()
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    fts_table = SQLITE_FTS_TABLES.get(queryset.model._meta.db_table)
    long_words = [word for word in words if len(word) >= TRIGRAM]
    if fts_table and long_words and connections[queryset.db].vendor == "sqlite":
        queryset = queryset.filter(
            pk__in=RawSQL(
                f'SELECT rowid FROM "{fts_table}" WHERE "{fts_table}" MATCH %s',
                (" AND ".join(fts5_phrase(word) for word in long_words),),
            )
        )
    return queryset
