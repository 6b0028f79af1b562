"""Accent-insensitive search: every word of the query somewhere in a model's ``search_text``.

``search_text`` holds the record's words folded (``accounts.text.fold``: no accents, "đ" as
"d", lower case), and each folded word of the query must occur in it as a substring
(``LIKE '%word%'``). That one condition is the whole rule, on both databases:

- PostgreSQL answers it from a pg_trgm GIN index (agreements migration 0002).
- SQLite has no index for ``LIKE '%…%'``. A word found in few rows would make it read every
  row (150,000 agreements at national scale: 180 ms) to find them, so the words of three
  characters or more are first looked up in an FTS5 trigram table that triggers keep in step
  with the model's table (agreements migration 0012). A word found in many rows ("hop tac":
  130,000) is the opposite case: reading the rows in the list's order stops as soon as a page
  is full (under 1 ms), while going through the index means fetching and sorting every match
  (190 ms). So a first query asks the index whether the words match at least
  ``SQLITE_COMMON`` rows, and only rarer words go through it. Either way the LIKE stays, so
  SQLite returns exactly the rows PostgreSQL does. Shorter words have no trigram and are
  matched by the LIKE alone.
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
# At 2,000 matches or more the rows read in order hold a match at least every ~75 rows in a
# national register (150,000), and a page of 50 is found by reading a few thousand rows.
SQLITE_COMMON = 2000


def fts5_phrase(word: str) -> str:
    """``word`` as an FTS5 phrase: in double quotes, its own double quotes doubled, so that
    no character of the query is read as FTS5 syntax."""
    return '"' + word.replace('"', '""') + '"'


def matching_every_word(queryset: QuerySet, query: str) -> QuerySet:
    """``queryset`` narrowed to the records whose ``search_text`` holds every folded word of
    ``query`` (on SQLite, after one query to the trigram index: see above)."""
    words = fold(query).split()
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    fts_table = SQLITE_FTS_TABLES.get(queryset.model._meta.db_table)
    long_words = [word for word in words if len(word) >= TRIGRAM]
    connection = connections[queryset.db]
    if not (fts_table and long_words and connection.vendor == "sqlite"):
        return queryset
    match = " AND ".join(fts5_phrase(word) for word in long_words)
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT count(*) FROM (SELECT 1 FROM "{fts_table}" WHERE "{fts_table}" MATCH %s '
            "LIMIT %s)",
            (match, SQLITE_COMMON),
        )
        (matches,) = cursor.fetchone()
    if matches >= SQLITE_COMMON:
        return queryset
    return queryset.filter(
        pk__in=RawSQL(f'SELECT rowid FROM "{fts_table}" WHERE "{fts_table}" MATCH %s', (match,))
    )
