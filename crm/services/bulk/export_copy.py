"""A csv export's rows written by PostgreSQL itself (``COPY (SELECT ...) TO STDOUT``).

The database server formats every cell in its own process while this one only copies
the bytes to the file, so a large csv export costs this process next to nothing. The
SELECT is the export's own, scoped to the current tenant by the same criteria the
session hook adds (crm.security.tenancy.scoped), and each column is printed in SQL as the
Python csv writer prints it (crm.services.bulk.export_writers): text that would start a
formula gets a leading quote, money keeps its two decimals, booleans read "True" and
"False", dates are ISO. Read back as csv, the rows are the Python writer's; the bytes
differ only where csv lets them (lines end in LF, an empty text is written ``""``).

Used where every column has one of ``KINDS`` (masked columns have none: they take the
Python path) and no parameter needs converting before the driver sends it.
"""

import typing
from collections.abc import Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import Select, Text, case, cast, func, literal_column
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from crm.security.tenancy import scoped
from crm.services.bulk.export_writers import FORMULA_PREFIXES

if TYPE_CHECKING:
    import psycopg

# The kinds of the entities' columns (crm.services.bulk.exports.kind_of); any other kind, or
# none, keeps an export to the Python writer.
KINDS = ("text", "money", "date", "bool")
_FORMULA_CODES = sorted(ord(c) for c in FORMULA_PREFIXES)
_QUOTE = literal_column("''''", Text)


def _printed(column: Any, kind: str | None) -> ColumnElement[Any]:
    """``column`` as the csv writer prints a value of ``kind``."""
    if kind == "text":
        starts_formula = func.ascii(column).in_(
            [literal_column(str(code)) for code in _FORMULA_CODES]
        )
        return case((starts_formula, _QUOTE.op("||")(column)), else_=column)
    if kind == "bool":
        return case(
            (column.is_(True), literal_column("'True'", Text)),
            (column.is_(False), literal_column("'False'", Text)),
        )
    if kind == "date":
        return func.to_char(column, literal_column("'YYYY-MM-DD'"))
    return cast(column, Text)  # money is numeric(…, 2): two decimals, as stored


def plan(
    session: Session, statement: Select[Any], kinds: Sequence[str | None]
) -> tuple[str, Mapping[str, Any]] | None:
    """The COPY for the rows of ``statement`` (columns of ``kinds``): (SQL, parameters),
    or None where this path cannot be used (see the module's notes)."""
    dialect = session.get_bind().dialect
    if not (
        dialect.name == "postgresql"
        and dialect.driver == "psycopg"
        and all(kind in KINDS for kind in kinds)
    ):
        return None
    columns = [
        _printed(column, kind).label(f"csv_{i}")
        for i, (column, kind) in enumerate(zip(statement.selected_columns, kinds))
    ]
    statement = statement.with_only_columns(*columns, maintain_column_froms=True)
    compiled = scoped(statement).compile(
        dialect=dialect, compile_kwargs={"render_postcompile": True}
    )
    if any(bind.type.bind_processor(dialect) is not None for bind in compiled.binds.values()):
        return None  # the driver takes every parameter of our filters as it is
    return (
        f"COPY ({compiled}) TO STDOUT (FORMAT csv, ENCODING 'UTF8')",
        compiled.construct_params(),
    )


def copy_rows(session: Session, planned: tuple[str, Mapping[str, Any]], out: IO[bytes]) -> int:
    """Run a ``plan``'s COPY in the session's transaction, its lines written to the binary
    file ``out``; returns the number of rows."""
    if session.autoflush:
        session.flush()  # as a query through the session would
    sql, params = planned
    connection = typing.cast(
        "psycopg.Connection[Any]", session.connection().connection.dbapi_connection
    )
    with connection.cursor() as cursor:
        with cursor.copy(sql, params) as copy:
            for block in copy:
                out.write(block)
        return cursor.rowcount
