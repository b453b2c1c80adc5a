"""A csv export's columns read as the database stores them.

A csv cell is text, so turning each stored value into a Python Decimal, bool or datetime
only to print it again costs more than reading it (a third of a csv export through
SQLAlchemy's result rows). The statement still runs through the session, so the tenancy
hook scopes it; the columns of the kinds below are only read with no result processor, and
the csv writer (crm/services/bulk/export_writers.py) prints stored and Python values alike:
money as "2500.00" (SQLite stores int/float, PostgreSQL a Decimal), booleans as
"True"/"False" (SQLite: 1/0), date-times to the second (SQLite: ISO text), dates, integers
and text as they are. Other columns, masked ones among them (export_entity gives them no
kind), are read as SQLAlchemy reads them.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, type_coerce
from sqlalchemy.types import NullType

STORED_KINDS = ("money", "bool", "datetime", "date", "number", "text")


def stored_columns(statement: Select[Any], kinds: Sequence[str | None]) -> Select[Any]:
    """``statement`` with its columns of ``STORED_KINDS`` read as stored."""
    columns = [
        type_coerce(column, NullType()).label(f"csv_{i}")
        if kind in STORED_KINDS
        else column.label(f"csv_{i}")
        for i, (column, kind) in enumerate(zip(statement.selected_columns, kinds))
    ]
    return statement.with_only_columns(*columns, maintain_column_froms=True)
