"""Exports: any list of records to an xlsx or csv file, streamed (no row cap, flat memory).

* ``export_entity`` writes customers, companies or leads with the import's columns
  (crm.services.bulk.data_fields), so an exported file imports back unchanged. ``query``
  narrows and orders the rows (a list page's filters); without it every row of the
  current tenant is written.
* ``export_records`` writes any query with the given columns (a list page's own columns).

Rows are read in chunks from a server-side cursor (``yield_per``) and written as they
come; masked fields (crm.security.masking) are masked for users who may not see them.
"""

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any, Callable, Optional, cast

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import Select, Subquery, and_, func, select, types
from sqlalchemy.orm import Query, Session, aliased

from crm import models
from crm.models import Address, Contact
from crm.security.masking import mask_value, masked_columns
from crm.services.bulk import data_fields, export_copy
from crm.services.bulk.export_csv_rows import stored_columns
from crm.services.bulk.export_writers import FORMATS, CsvExport, open_writer
from crm.services.core.errors import ValidationFailed
from crm.services.core.read_ahead import read_ahead, shareable_across_threads

CHUNK = 1000
ENTITIES = data_fields.ENTITIES
# Where a file goes: a path, or a binary file left open.
Target = str | os.PathLike[str] | IO[bytes]


@dataclass(frozen=True)
class ExportColumn:
    key: str  # the column (masking rules name it)
    label: Any  # heading, may be a lazy string
    read: Optional[Callable[[Any], Any]]  # record -> value


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValidationFailed({"format": [gettext("Choose xlsx or csv.")]})


def _maskers(model_name: str, columns: Sequence[Any]) -> tuple[tuple[int, str], ...]:
    """(index, key) of the columns the current user sees masked."""
    masked = masked_columns(model_name)
    if not masked:
        return ()
    return tuple((i, c.key) for i, c in enumerate(columns) if c.key in masked)


def _rows(
    chunks: Iterable[list[Any]],
    columns: Sequence[ExportColumn],
    model_name: str,
    prepare_chunk: Callable[[list[Any]], object] | None = None,
) -> Iterator[list[list[Any]]]:
    readers = [cast(Callable[[Any], Any], c.read) for c in columns]
    maskers = _maskers(model_name, columns)
    for chunk in chunks:
        if prepare_chunk is not None:
            prepare_chunk(chunk)
        rows = []
        for record in chunk:
            row = [read(record) for read in readers]
            for i, key in maskers:
                row[i] = mask_value(model_name, key, row[i])
            rows.append(row)
        yield rows


def _stream(session: Session, query: Query[Any] | Select[Any]) -> Iterator[list[Any]]:
    """The query's records in lists of ``CHUNK``, read from a server-side cursor."""
    records = (
        query.yield_per(CHUNK)
        if isinstance(query, Query)
        else session.scalars(query.execution_options(yield_per=CHUNK))
    )
    chunk = []
    for record in records:
        chunk.append(record)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@contextmanager
def _binary_file(out: Target) -> Iterator[IO[bytes]]:
    """``out`` as a binary file: opened (and closed after) when it is a path."""
    if isinstance(out, (str, os.PathLike)):
        with open(out, "wb") as handle:
            yield handle
    else:
        yield out


def write_file(
    fmt: str,
    out: Target,
    headers: Sequence[object],
    chunks: Iterable[Sequence[Sequence[Any]]],
    sheet_name: str = "Export",
    kinds: Sequence[str | None] | None = None,
    progress: Callable[[int], object] | None = None,
) -> int:
    """Write ``chunks`` (lists of rows, a row a sequence of values) under ``headers``;
    ``out`` is a path or a binary file; ``kinds`` the columns' kinds if known
    (crm.services.bulk.export_writers.KINDS); ``progress(rows written)`` after each
    chunk (a background export's). Returns the number of rows written."""
    check_format(fmt)
    with _binary_file(out) as target:
        writer = open_writer(fmt, target, headers, sheet_name, kinds)
        count = 0
        try:
            for rows in chunks:
                writer.write_rows(rows)
                count += len(rows)
                if progress is not None:
                    progress(count)
        finally:
            writer.close()
    return count


def export_records(
    session: Session,
    query: Query[Any] | Select[Any],
    columns: Sequence[ExportColumn],
    fmt: str,
    out: Target,
    model_name: str,
    sheet_name: str = "Export",
    prepare_chunk: Callable[[list[Any]], object] | None = None,
    progress: Callable[[int], object] | None = None,
) -> int:
    """Every record of ``query`` with ``columns``; returns the number of rows written.
    ``prepare_chunk(records)`` may load what the columns read, a chunk at a time."""
    chunks = _rows(_stream(session, query), columns, model_name, prepare_chunk)
    return write_file(
        fmt, out, [str(c.label) for c in columns], chunks, sheet_name, progress=progress
    )


# --- customers, companies and leads: the import's columns ------------------------------
#
# Read as plain rows from one streamed SELECT over the list's query, not as ORM records
# (building records would cost several times the writing). The tenancy hook scopes it
# and every table it joins.

# Figures the ledger keeps, after the import's columns: the list shows them, an import
# leaves them alone (it maps no heading to them).
READ_ONLY_COLUMNS = {
    "customers": (
        ("balance", _l("Balance")),
        ("order_total", _l("Order total")),
        ("last_order_date", _l("Last order date")),
    ),
}


def entity_columns(entity: str) -> list[ExportColumn]:
    """The file's columns, in the order ``entity_select`` reads them (it reads the values)."""
    columns = [ExportColumn(f.key, f.label, None) for f in data_fields.exported_fields(entity)]
    columns += [ExportColumn(key, label, None) for key, label in READ_ONLY_COLUMNS.get(entity, ())]
    return columns


def _one_per_customer(part: str) -> tuple[Any, Subquery]:
    """(alias, ids subquery) for a customer's primary contact or default address of a kind:
    the lowest such id per customer, so a second primary contact could never repeat a row.
    Grouped in a subquery, which SQLite materialises and indexes (joined directly, it
    would look the rows up through the tenant index, once per customer)."""
    holder = Contact if part == "contact" else Address
    chosen = (
        holder.is_primary.is_(True)
        if part == "contact"
        else and_(holder.kind == part, holder.is_default.is_(True))
    )
    ids = (
        select(holder.customer_id, func.min(holder.id).label("id"))
        .where(chosen)
        .group_by(holder.customer_id)
        .subquery(f"crm_export_{part}_id")
    )
    record = aliased(holder, name=f"crm_export_{part}")
    return record, ids


def entity_select(entity: str, query: Select[Any] | Query[Any] | None = None) -> Select[Any]:
    """One SELECT of the file's columns for the records of ``query`` (a ``select`` or ORM
    ``Query`` of the entity's model, with a list's filters, joins and order), else of all
    of them in id order: references by name and a customer's parts through outer joins."""
    model = data_fields.model_of(entity)
    statement = select(model).order_by(model.id) if query is None else query
    if isinstance(statement, Query):
        statement = cast(Select[Any], statement.statement)
    joins: list[tuple[Any, Any]]
    columns, joins, parts = [], [], {}
    for f in data_fields.exported_fields(entity):
        if f.part == "record" and f.kind == "reference":
            target = aliased(getattr(models, cast(str, f.target)), name=f"crm_export_{f.key}")
            joins.append((target, getattr(model, cast(str, f.attr)) == target.id))
            columns.append(getattr(target, f.target_attr))
        elif f.part == "record":
            columns.append(getattr(model, f.column))
        else:
            if f.part not in parts:
                record, ids = _one_per_customer(f.part)
                joins += [(ids, ids.c.customer_id == model.id), (record, record.id == ids.c.id)]
                parts[f.part] = record
            columns.append(getattr(parts[f.part], cast(str, f.attr)))
    columns += [getattr(model, key) for key, _ in READ_ONLY_COLUMNS.get(entity, ())]
    statement = statement.with_only_columns(*columns, maintain_column_froms=True)
    for target, onclause in joins:
        statement = statement.outerjoin(target, onclause)
    return statement


def kind_of(sql_type: types.TypeEngine[Any]) -> str | None:
    """The writers' kind of a selected column's values (None: look at each value)."""
    if isinstance(sql_type, types.TypeDecorator):
        return None
    if isinstance(sql_type, types.Boolean):
        return "bool"
    if isinstance(sql_type, types.DateTime):
        return "datetime"
    if isinstance(sql_type, types.Date):
        return "date"
    if isinstance(sql_type, types.Integer):
        return "number"
    if isinstance(sql_type, types.Numeric) and not isinstance(sql_type, types.Float):
        return "money" if sql_type.asdecimal and sql_type.scale == 2 else None
    if isinstance(sql_type, types.String) and not isinstance(sql_type, types.Enum):
        return "text"
    return None


def _row_chunks(session: Session, statement: Select[Any]) -> Iterator[Sequence[Any]]:
    """The statement's rows in lists of ``CHUNK``, streamed. The session runs it (so the
    tenancy hook scopes it, in the caller's context); the rows are then taken from the
    database's result as they come: the ORM would build each row again from one getter
    call per column, which costs about as much as the database takes for the query."""
    result: Any = session.execute(statement.execution_options(yield_per=CHUNK))
    return cast(Iterator[Sequence[Any]], result.raw.partitions(CHUNK))  # fetched as iterated


def _masked_chunks(
    chunks: Iterable[Sequence[Any]], columns: Sequence[ExportColumn], model_name: str
) -> Iterator[Sequence[Any]]:
    maskers = _maskers(model_name, columns)
    if not maskers:
        yield from chunks
        return
    for rows in chunks:
        rows = [list(row) for row in rows]
        for row in rows:
            for i, key in maskers:
                row[i] = mask_value(model_name, key, row[i])
        yield rows


def export_entity(
    session: Session,
    entity: str,
    fmt: str,
    out: Target,
    query: Select[Any] | Query[Any] | None = None,
    progress: Callable[[int], object] | None = None,
) -> int:
    """Customers, companies or leads with the import's columns. ``query`` (a ``select`` or
    ORM ``Query`` of the entity's model) narrows and orders them; returns rows written."""
    if entity not in ENTITIES:
        raise ValueError(entity)
    check_format(fmt)
    model = data_fields.model_of(entity)
    columns = entity_columns(entity)
    statement = entity_select(entity, query)
    masked = {i for i, _ in _maskers(model.__name__, columns)}
    kinds = [
        None if i in masked else kind_of(c.type) for i, c in enumerate(statement.selected_columns)
    ]
    headers = [str(c.label) for c in columns]
    if fmt == "csv":
        copy = export_copy.plan(session, statement, kinds)
        if copy is not None:
            return _write_copied_csv(session, copy, headers, out)
        statement = stored_columns(statement, kinds)
    chunks = _row_chunks(session, statement)
    if fmt == "xlsx" and shareable_across_threads(session):
        # Worth it where each chunk's writing is the heavier half: for csv, both halves
        # hold the interpreter lock most of the time and taking turns costs more.
        chunks = read_ahead(chunks)
    chunks = _masked_chunks(chunks, columns, model.__name__)
    return write_file(
        fmt,
        out,
        headers,
        chunks,
        sheet_name=str(data_fields.ENTITY_LABELS[entity]),
        kinds=kinds,
        progress=progress,
    )


def _write_copied_csv(
    session: Session, copy: tuple[str, Mapping[str, Any]], headers: Sequence[object], out: Target
) -> int:
    """The csv writer's first line, then the rows as PostgreSQL prints them
    (crm.services.bulk.export_copy)."""
    with _binary_file(out) as target:
        CsvExport(target, headers, line_end="\n").close()
        return export_copy.copy_rows(session, copy, target)
