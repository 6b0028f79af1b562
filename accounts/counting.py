"""Several counts in one round trip to the database.

A dashboard shows a dozen figures, each the size of a different queryset. Counted one by one
they cost a query each; ``count_each`` sends them as one statement of scalar subqueries,
``SELECT (SELECT COUNT(*) FROM (…)), (SELECT COUNT(*) FROM (…)), …``, built from the querysets'
own SQL, so that each figure keeps the filters its app defines for it.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet


def _sql(queryset: QuerySet) -> tuple[str, tuple] | None:
    """The queryset's rows as a subquery selecting only their primary key (None: empty)."""
    query = queryset.order_by().values("pk").query
    try:
        sql, params = query.get_compiler(DEFAULT_DB_ALIAS).as_sql()
    except EmptyResultSet:  # .none(), or a filter on an empty list
        return None
    return sql, tuple(params)


def count_each(querysets: Mapping[str, QuerySet]) -> dict[str, int]:
    """``{name: queryset.count()}`` in one query (none if every queryset is empty by
    construction). Identical querysets are counted once."""
    subqueries: dict[tuple[str, tuple], int] = {}
    where: dict[str, int | None] = {}
    for name, queryset in querysets.items():
        compiled = _sql(queryset)
        where[name] = None if compiled is None else subqueries.setdefault(compiled, len(subqueries))
    values: list[int] = []
    if subqueries:
        columns, params = [], []
        for index, (sql, subquery_params) in enumerate(subqueries):
            columns.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{index})")
            params.extend(subquery_params)
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(columns)}", params)
            values = list(cursor.fetchone())
    return {name: 0 if index is None else values[index] for name, index in where.items()}
