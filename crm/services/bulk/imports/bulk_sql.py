"""Many-row INSERTs for an import, in the session's transaction, the fastest way each
database offers while keeping every constraint, trigger and index:

* ids are given out before the rows are written, so an import links contacts, addresses
  and audit entries to records still queued: PostgreSQL draws them from the table's own
  sequence; SQLite, once this transaction holds the database's write lock (no other
  connection can insert until it commits), counts on from the table's highest id;
* PostgreSQL takes each table's chunk as one COPY (SQLAlchemy's RETURNING batches cost
  ~8x more, mostly building and parsing SQL text); SQLite many-row INSERTs on the
  session's own sqlite3 connection (SQLAlchemy's per-row parameter building cost a
  fifth of an import);
* the statements run in order in a second thread (statement_queue.py).

Values go through each column type's own bind processor, as SQLAlchemy would send them
(JSON by orjson, repeated time stamps converted once).
"""

from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any, cast

import orjson
from sqlalchemy import JSON, Column, Date, DateTime, Dialect, Table, insert
from sqlalchemy.orm import Session

from crm.services.bulk.imports.statement_queue import StatementQueue


class BulkInserter:
    """Inserts an import's rows through a StatementQueue."""

    def __init__(self, session: Session, statements: StatementQueue | None = None) -> None:
        self.session = session
        self.connection = session.connection()
        self.dialect = self.connection.dialect
        self.driver: Any = self.connection.connection.driver_connection
        self.statements = statements or StatementQueue(threaded=False)
        self._next_id: dict[str, int] = {}  # SQLite: table name -> the next id to give out
        self._sql: dict[
            tuple[str, tuple[str, ...], int], str
        ] = {}  # (table, columns, rows) -> INSERT text

    def insert(
        self, table: Table, rows: Sequence[Mapping[str, Any]], want_ids: bool = True
    ) -> list[int] | None:
        """Queue ``rows`` (dicts with the same keys) for ``table``; returns the ids they
        get, in order, when ``want_ids``."""
        if not rows:
            return []
        name = self.dialect.name
        if name not in ("postgresql", "sqlite"):
            return self._insert_now(table, rows, want_ids)
        columns = [c for c in rows[0] if c != "id"]
        values = _values(self.dialect, table, columns, rows)
        ids = None
        if want_ids:
            ids = (
                self._pg_ids(table, len(rows))
                if name == "postgresql"
                else self._sqlite_ids(table, len(rows))
            )
            columns = ["id"] + columns
            values = [(row_id,) + value for row_id, value in zip(ids, values)]
        if name == "postgresql":
            self.statements.submit(self._copy_job(table, columns, values))
        else:
            self.statements.submit(self._sqlite_job(table, columns, values))
        return ids

    # --- ids ---------------------------------------------------------------------

    def _pg_ids(self, table: Table, count: int) -> list[int]:
        with self.statements.turn():
            sequence = self.connection.exec_driver_sql(
                "SELECT pg_get_serial_sequence(%(table)s, 'id')", {"table": table.name}
            ).scalar()
            return [
                row[0]
                for row in self.connection.exec_driver_sql(
                    "SELECT nextval(%(sequence)s) FROM generate_series(1, %(count)s)",
                    {"sequence": sequence, "count": count},
                )
            ]

    def _sqlite_ids(self, table: Table, count: int) -> list[int]:
        first = self._next_id.get(table.name)
        if first is None:
            quoted = self.dialect.identifier_preparer.format_table(table)
            with self.statements.turn():
                cursor = self.driver.cursor()
                try:
                    # A write that changes nothing takes the write lock for this transaction;
                    # from then on no other connection can add rows to any table.
                    cursor.execute(f"DELETE FROM {quoted} WHERE 0")
                    # AUTOINCREMENT tables remember ids of deleted rows in sqlite_sequence;
                    # those are never handed out again.
                    first = (
                        max(
                            cursor.execute(f"SELECT max(id) FROM {quoted}").fetchone()[0] or 0,
                            _highest_ever(cursor, table.name),
                        )
                        + 1
                    )
                finally:
                    cursor.close()
        self._next_id[table.name] = first + count
        return list(range(first, first + count))

    def forget_ids(self) -> None:
        """After a commit other connections may have added rows: read the next ids again."""
        self._next_id.clear()

    # --- statements --------------------------------------------------------------

    def _copy_job(
        self, table: Table, columns: Sequence[str], values: Sequence[Sequence[Any]]
    ) -> Callable[[], None]:
        preparer = self.dialect.identifier_preparer
        statement = (
            f"COPY {preparer.format_table(table)} "
            f"({', '.join(preparer.quote(c) for c in columns)}) FROM STDIN"
        )
        driver = self.driver

        def job() -> None:
            cursor = driver.cursor()
            try:
                with cursor.copy(statement) as copy:
                    for value in values:
                        copy.write_row(value)
            finally:
                cursor.close()

        return job

    def _sqlite_job(
        self, table: Table, columns: Sequence[str], values: Sequence[Sequence[Any]]
    ) -> Callable[[], None]:
        """One INSERT of many rows per statement, up to SQLite's parameter limit."""
        per_statement = max(1, self.dialect.insertmanyvalues_max_parameters // len(columns))
        batches: list[tuple[str, list[Any]]] = []
        for start in range(0, len(values), per_statement):
            batch = values[start : start + per_statement]
            batches.append(
                (
                    self._insert_text(table, columns, len(batch)),
                    [value for row in batch for value in row],
                )
            )
        driver = self.driver

        def job() -> None:
            cursor = driver.cursor()
            try:
                for text, parameters in batches:
                    cursor.execute(text, parameters)
            finally:
                cursor.close()

        return job

    def _insert_text(self, table: Table, columns: Sequence[str], count: int) -> str:
        key = (table.name, tuple(columns), count)
        text = self._sql.get(key)
        if text is None:
            preparer = self.dialect.identifier_preparer
            one_row = "(" + ", ".join(["?"] * len(columns)) + ")"
            text = self._sql[key] = (
                f"INSERT INTO {preparer.format_table(table)} "
                f"({', '.join(preparer.quote(c) for c in columns)}) VALUES "
                + ", ".join([one_row] * count)
            )
        return text

    def _insert_now(
        self, table: Table, rows: Sequence[Mapping[str, Any]], want_ids: bool
    ) -> list[int] | None:
        """Other databases: SQLAlchemy's own many-row INSERT, at once."""
        with self.statements.turn():
            if not want_ids:
                self.session.execute(insert(table), rows)
                return None
            statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            return [row[0] for row in self.session.execute(statement, rows)]


def _json_writer(process: Callable[[Any], Any]) -> Callable[..., Any]:
    """JSON text by orjson (several times json.dumps' speed); None, and anything orjson
    cannot write, as the column type's own processor writes it."""
    empty = process(None)

    def write(
        value: Any,
        dumps: Callable[..., bytes] = orjson.dumps,
        option: int = orjson.OPT_NON_STR_KEYS,
    ) -> Any:
        if value is None:
            return empty
        try:
            return dumps(value, option=option).decode()
        except TypeError:
            return process(value)

    return write


def _memoised(process: Callable[[Any], Any], limit: int = 4096) -> Callable[[Any], Any]:
    """``process`` remembering its answers: an import's rows share their time stamps."""
    seen: dict[Any, Any] = {}

    def remembered(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            result = seen[value] = process(value)
            if len(seen) > limit:
                seen.clear()
            return result

    return remembered


def _processor(column: Column[Any], dialect: Dialect) -> Callable[..., Any] | None:
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return None
    if isinstance(column.type, JSON):
        return _json_writer(process)
    if isinstance(column.type, (Date, DateTime)):
        return _memoised(process)
    return process


def _values(
    dialect: Dialect, table: Table, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]
) -> list[Any]:
    """Each row's values in ``columns`` order (tuples), through the columns' bind
    processors, a column at a time."""
    pick = itemgetter(*columns)
    values = [pick(row) for row in rows]
    if len(columns) == 1:
        values = [(value,) for value in values]
    processors: list[tuple[int, Any]] = [
        (i, _processor(table.c[c], dialect)) for i, c in enumerate(columns)
    ]
    processors = [(i, p) for i, p in processors if p is not None]
    if not processors or not values:
        return values
    by_column: list[Sequence[Any]] = list(zip(*values))
    for i, process in processors:
        by_column[i] = [process(v) for v in by_column[i]]
    return list(zip(*by_column))


def _highest_ever(cursor: Any, table_name: str) -> int:
    row = cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table_name,)).fetchone()
    return cast(int, row[0]) if row else 0
