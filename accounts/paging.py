"""The registers' list pages: a paginator that keeps its count for a minute.

A page of a list needs the number of rows its filters match (for "page 3 of 120"), which is a
``COUNT(*)`` over the register: on 150,000 agreements, 10–25 ms of the page's time, the same
figure on every page of the list and for every user with the same view of it. The count is
kept in the shared cache for ``COUNT_SECONDS`` under the query's own SQL (its filters, and
for a reporter their agency), so each distinct list is counted once a minute at most.

Any write to a register that a list pages through (agreements and their reviews, partners,
delegations, conferences: a save, a delete, a change of linked records, sent as signals)
starts a new generation of counts at once, so a user sees a record they just added counted.
Bulk imports, which send no signal, call :func:`list_counts_forget` themselves; anything else
written behind the ORM's back shows in the counts within the minute.
"""

from __future__ import annotations

import hashlib
from uuid import uuid4

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.utils.functional import cached_property

from .writes import forget_on_writes

COUNT_SECONDS = 60
_GENERATION_KEY = "list-counts:generation"


def _new_generation() -> None:
    cache.set(_GENERATION_KEY, uuid4().hex, None)


def list_counts_forget() -> None:
    """Start a new generation of list counts: now, and again once the current transaction
    commits (a page counting meanwhile, which does not see the change yet, may have kept the
    count from before it)."""
    _new_generation()
    transaction.on_commit(_new_generation)


class KeptCountPaginator(Paginator):
    """Django's paginator, its count read from the cache when the same list was counted in
    the last minute (see the module's docstring)."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().count
        try:
            sql, params = queryset.query.get_compiler(queryset.db).as_sql()
        except EmptyResultSet:  # .none(): nothing to count
            return 0
        generation = cache.get_or_set(_GENERATION_KEY, lambda: uuid4().hex, None)
        digest = hashlib.sha256(repr((queryset.db, sql, params)).encode()).hexdigest()
        key = f"list-counts:{generation}:{digest}"
        count = cache.get(key)
        if count is None:
            count = queryset.count()
            cache.set(key, count, COUNT_SECONDS)
        return count


def forget_counts_on_writes(*models) -> None:
    """Start a new generation of list counts whenever one of these registers is written.
    Called from the apps' ``ready()``."""
    forget_on_writes(models, _new_generation, uid="list-counts")
