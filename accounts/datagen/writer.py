"""Fast writes for the data generator: rows go to the tables as tuples, in batches.

Building a national data set (tens of millions of rows) through model instances and
``bulk_create`` spends most of its time in Python; these writers skip the instances but keep
the ORM's representation of every value (``Field.get_db_prep_save``), so the rows read back
exactly as if the ORM had written them. PostgreSQL gets ``COPY … FROM STDIN``; SQLite gets
``executemany``. Primary keys are assigned here, so that rows can refer to each other before
they are written; the sequences are moved past them at the end.

Historical rows (django-simple-history) are written next to their records: same values, plus
``history_id``, ``history_date``, ``history_type`` ("+" created, "~" changed), the user and the
change reason, and for models with tracked many-to-many fields the snapshot of those sets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models
from simple_history.utils import get_history_manager_for_model

BATCH = 5000
HISTORY_COLUMNS = (
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
)
# Field types whose Python value the database driver cannot take as is. Dates and decimals
# need nothing: psycopg adapts them, and Django registers the same adapters for sqlite3 that
# its own DateField/DecimalField preparation amounts to.
_CONVERT = {"postgresql": {"JSONField"}, "sqlite": {"DateTimeField", "JSONField", "TimeField"}}


def _converter(field: models.Field, conn) -> Callable[[Any], Any]:
    """What Field.get_db_prep_save does to a value, without its per-call overhead where that
    is simple (aware datetimes on SQLite are stored as naive UTC text)."""
    if conn.vendor == "sqlite" and field.get_internal_type() == "DateTimeField":
        tz = conn.timezone

        def sqlite_datetime(value):
            return str(value.astimezone(tz).replace(tzinfo=None)) if value.tzinfo else str(value)

        return sqlite_datetime
    return lambda value: field.get_db_prep_save(value, conn)


def history_model(model: type[models.Model]) -> type[models.Model] | None:
    try:
        return get_history_manager_for_model(model).model
    except Exception:  # the model has no history
        return None


class Writer:
    """Owns the tables written in one run: ids, buffers, and the final sequence reset."""

    def __init__(self) -> None:
        self.connection = connection = connections[DEFAULT_DB_ALIAS]
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.tables: dict[str, Table] = {}
        self.next_ids: dict[str, int] = {}
        self.written: dict[str, int] = {}
        self.models: list[type[models.Model]] = []

    # -- ids ---------------------------------------------------------------------------------
    def next_id(self, model: type[models.Model]) -> int:
        """The next free primary key of ``model`` (counted from the table's current maximum)."""
        key = model._meta.db_table
        if key not in self.next_ids:
            column = model._meta.pk.column
            connection = self.connection
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT MAX({connection.ops.quote_name(column)}) "
                    f"FROM {connection.ops.quote_name(key)}"
                )
                self.next_ids[key] = (cursor.fetchone()[0] or 0) + 1
        value = self.next_ids[key]
        self.next_ids[key] = value + 1
        return value

    # -- tables ------------------------------------------------------------------------------
    def table(self, model: type[models.Model], columns: Sequence[str]) -> Table:
        key = model._meta.db_table
        if key not in self.tables:
            self.tables[key] = Table(self, model, columns)
            self.models.append(model)
        return self.tables[key]

    def copy_rows(self, table: str, columns: Sequence[str], rows: list[Sequence[Any]]) -> None:
        if not rows:
            return
        quote = self.connection.ops.quote_name
        column_list = ", ".join(quote(c) for c in columns)
        raw = self.connection.connection
        if self.vendor == "postgresql":
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY {quote(table)} ({column_list}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            cursor = raw.cursor()
            try:
                cursor.executemany(
                    f"INSERT INTO {quote(table)} ({column_list}) VALUES ({marks})", rows
                )
            finally:
                cursor.close()
        self.written[table] = self.written.get(table, 0) + len(rows)

    def flush(self) -> None:
        for table in self.tables.values():
            table.flush()

    def finish(self) -> None:
        """Write what is left, move the sequences past the ids used, refresh the statistics."""
        self.flush()
        connection = self.connection
        if self.vendor == "postgresql":
            statements = connection.ops.sequence_reset_sql(no_style(), self.models)
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                for model in self.models:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def drop_foreign_keys(tables: Sequence[str]) -> list[tuple[str, str, str]]:
    """PostgreSQL: drop the foreign keys of ``tables``; returns what add_foreign_keys needs.

    Loading with the constraints in place queues one deferred check per row and reference
    (tens of millions for a national set, all run at commit); adding a constraint back
    checks the whole table in one query. Both happen in the caller's transaction, so a
    failure leaves the schema as it was.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
            "JOIN pg_class c ON c.oid = k.conrelid "
            "WHERE k.contype = 'f' AND c.relname = ANY(%s) "
            "AND c.relnamespace = to_regnamespace(current_schema())",
            [list(tables)],
        )
        constraints = cursor.fetchall()
        quote = connection.ops.quote_name
        for table, name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    return constraints


def add_foreign_keys(constraints: list[tuple[str, str, str]]) -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")


class Table:
    """Rows of one model, given as tuples in the order of ``columns``.

    Columns left out take the field's default (so a field added later with a default needs
    no change here); a required column without a default is an error at once.
    """

    def __init__(self, writer: Writer, model: type[models.Model], columns: Sequence[str]):
        self.writer = writer
        self.model = model
        self.db_table = model._meta.db_table
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [c for c in columns if c not in fields]
        if unknown:
            raise ValueError(f"{model._meta.label} has no columns {unknown}")
        self.columns = list(columns)
        tail = []
        for f in model._meta.concrete_fields:
            if f.attname in columns:
                continue
            value = f.get_default()
            if value is None and not f.null:
                raise ValueError(f"{model._meta.label}.{f.attname} needs a value")
            self.columns.append(f.attname)
            tail.append(value)
        self.tail = tuple(tail)
        self.width = len(columns)
        kinds = _CONVERT.get(writer.vendor, set())
        self.converters = [
            (i, _converter(fields[c], writer.connection))
            for i, c in enumerate(self.columns)
            if fields[c].get_internal_type() in kinds
        ]
        self.rows: list[tuple] = []
        self.history: HistoryTable | None = None
        historical = history_model(model)
        if historical is not None:
            self.history = HistoryTable(writer, historical, self)

    def next_id(self) -> int:
        return self.writer.next_id(self.model)

    def add(self, row: tuple, *, history: Iterable[HistoryRow] = ()) -> None:
        """Add a record (its values in ``columns`` order) and, optionally, its history."""
        if len(row) != self.width:
            raise ValueError(f"{self.model._meta.label}: {len(row)} values for {self.width}")
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()
        for entry in history:
            self.history.add(entry)  # type: ignore[union-attr]

    def add_created(self, row: tuple, when: datetime, user_id: int | None) -> None:
        """Add a record and its one "+" history row (the common case, kept fast)."""
        self.add(row)
        self.history.write(row, when, user_id, "+", None)  # type: ignore[union-attr]

    def values(self, row: tuple) -> tuple:
        return row + self.tail

    def _convert(self, rows: list[tuple]) -> list[Sequence[Any]]:
        if not self.converters:
            return rows
        out = []
        converters = self.converters
        for row in rows:
            row = list(row)
            for i, convert in converters:
                if row[i] is not None:
                    row[i] = convert(row[i])
            out.append(row)
        return out

    def flush(self) -> None:
        if self.rows:
            rows = [row + self.tail for row in self.rows] if self.tail else self.rows
            self.writer.copy_rows(self.db_table, self.columns, self._convert(rows))
            self.rows = []
        if self.history is not None:
            self.history.flush()


class HistoryRow:
    """One historical version of a record: its values, when, by whom, and the m2m sets."""

    __slots__ = ("kind", "m2m", "reason", "row", "user_id", "when")

    def __init__(
        self,
        row: tuple,
        when: datetime,
        user_id: int | None,
        kind: str = "+",
        reason: str | None = None,
        m2m: dict[str, list[tuple[int, int]]] | None = None,
    ) -> None:
        self.row, self.when, self.user_id, self.kind, self.reason = row, when, user_id, kind, reason
        # field name → [(through row id, target id)]
        self.m2m = m2m


class HistoryTable:
    def __init__(self, writer: Writer, model: type[models.Model], base: Table) -> None:
        self.writer = writer
        self.model = model
        kept = {f.attname for f in model._meta.concrete_fields}
        self.pick = [i for i, c in enumerate(base.columns) if c in kept]
        columns = [base.columns[i] for i in self.pick] + list(HISTORY_COLUMNS)
        # A plain table of the historical model (it has no history of its own).
        self.table = writer.table(model, columns)
        self.base = base
        self.m2m: dict[str, Table] = {}
        for field in getattr(model, "_history_m2m_fields", []):
            m2m_model = getattr(model, field.name).model
            columns = ["id", field.m2m_column_name(), field.m2m_reverse_name(), "history_id"]
            self.m2m[field.name] = writer.table(m2m_model, [*columns, "m2m_history_id"])

        # Most historical models keep every column: then the record's values are copied whole.
        self.whole = self.pick == list(range(len(base.columns)))

    def write(self, row: tuple, when, user_id, kind, reason) -> int:
        values = row + self.base.tail if self.base.tail else row
        if not self.whole:
            values = tuple(values[i] for i in self.pick)
        history_id = self.writer.next_id(self.model)
        self.table.add((*values, history_id, when, reason, kind, user_id))
        return history_id

    def add(self, entry: HistoryRow) -> None:
        history_id = self.write(entry.row, entry.when, entry.user_id, entry.kind, entry.reason)
        if entry.m2m:
            record_id = entry.row[0]
            for name, pairs in entry.m2m.items():
                table = self.m2m[name]
                for through_id, target_id in pairs:
                    m2m_id = self.writer.next_id(table.model)
                    table.add((through_id, record_id, target_id, history_id, m2m_id))

    def flush(self) -> None:
        self.table.flush()


class Through:
    """The rows of a many-to-many table (id, source id, target id)."""

    def __init__(self, writer: Writer, model: type[models.Model], field_name: str) -> None:
        field = model._meta.get_field(field_name)
        self.through = field.remote_field.through
        self.table = writer.table(
            self.through, ["id", field.m2m_column_name(), field.m2m_reverse_name()]
        )

    def add(self, source_id: int, target_ids: Iterable[int]) -> list[tuple[int, int]]:
        """Link ``source_id`` to the targets; returns [(through id, target id)] for history."""
        pairs = []
        for target_id in dict.fromkeys(target_ids):  # once each, in order
            through_id = self.table.next_id()
            self.table.add((through_id, source_id, target_id))
            pairs.append((through_id, target_id))
        return pairs
