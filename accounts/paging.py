"""The registers' list pages: a paginator that keeps its count, and its pages, for a minute.

A page of a list needs the number of rows its filters match (for "page 3 of 120"), which is a
``COUNT(*)`` over the register: on 150,000 agreements, 10–25 ms of the page's time, the same
figure on every page of the list and for every user with the same view of it. The count is
kept in the shared cache for ``COUNT_SECONDS`` under the query's own SQL (its filters, and
for a reporter their agency), so each distinct list is counted once a minute at most.

A page of rows, once rendered, can be kept the same way: :meth:`KeptCountPaginator.page_key`
names it by the list's SQL, the page number and whatever else the rendering depends on (the
language, the filters as typed). The agreement list, the page every official opens first,
renders in less than half the time from it.

Any write to a register that a list pages through (agreements and their reviews, partners,
delegations, conferences, agencies: a save, a delete, a change of linked records, sent as
signals) starts a new generation of counts and pages at once, so a user sees a record they
just added. Bulk imports, which send no signal, call :func:`list_counts_forget` themselves;
anything else written behind the ORM's back shows within the minute. Figures shared by many
users' pages are kept the same way (:func:`kept_count_each`). Several processes serving the
portal must share the cache (``CACHE_URL`` on Redis): a write seen by one of them is then
seen by all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from uuid import uuid4

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.utils.functional import cached_property

from .counting import Counted, count_each
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
    the last minute (see the module's docstring), and a key under which a page of the list,
    once rendered, may be kept as long (:meth:`page_key`)."""

    @cached_property
    def _listed(self) -> tuple | None:
        """What the list is: its database and SQL (``None`` when it cannot match a row)."""
        queryset = self.object_list
        try:
            sql, params = queryset.query.get_compiler(queryset.db).as_sql()
        except EmptyResultSet:  # .none()
            return None
        return (queryset.db, sql, params)

    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return super().count
        if self._listed is None:
            return 0
        return _kept(self._listed, self.object_list.count, generation=self._generation)

    @cached_property
    def _generation(self) -> str:
        return _generation()

    def page_key(self, number: int, *vary) -> str:
        """A key for page ``number`` of the list as rendered, which also depends on ``vary``
        (e.g. the language, the filters' raw values): it changes with the list's rows (its
        SQL) and on any write to the registers (a new generation of counts), so a template
        may cache the page under it for ``COUNT_SECONDS``."""
        if not isinstance(self.object_list, QuerySet):
            raise TypeError("only the pages of a queryset can be kept")
        what = (self._listed, number, vary)
        return f"{self._generation}:{_digest(what)}"


def _generation() -> str:
    return cache.get_or_set(_GENERATION_KEY, lambda: uuid4().hex, None)


def _digest(what) -> str:
    return hashlib.sha256(repr(what).encode()).hexdigest()


def _kept(what, count: Callable[[], object], *, generation: str | None = None):
    """``count()``, or what it gave for the same ``what`` in this generation and minute."""
    key = f"list-counts:{generation or _generation()}:{_digest(what)}"
    counted = cache.get(key)
    if counted is None:
        counted = count()
        cache.set(key, counted, COUNT_SECONDS)
    return counted


def kept_count_each(counts: Mapping[str, Counted]) -> dict[str, int]:
    """:func:`accounts.counting.count_each`, kept like the lists' counts: for figures that
    many users share (e.g. the public agreements on every reporter's home page)."""
    what = []
    for name, entry in counts.items():
        queryset, condition = entry if isinstance(entry, tuple) else (entry, None)
        if condition is not None:
            queryset = queryset.filter(condition)
        try:
            what.append((name, queryset.db, *queryset.query.get_compiler(queryset.db).as_sql()))
        except EmptyResultSet:
            what.append((name, None))
    if all(len(entry) == 2 for entry in what):  # nothing to count
        return dict.fromkeys(counts, 0)
    return _kept(tuple(what), lambda: count_each(counts))


def forget_counts_on_writes(*models) -> None:
    """Start a new generation of list counts whenever one of these registers is written.
    Called from the apps' ``ready()``."""
    forget_on_writes(models, _new_generation, uid="list-counts")
