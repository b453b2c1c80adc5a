"""Database refusals turned into the service errors users see: a unique value taken by a
concurrent save is the field's validation error, a stale version an edit conflict."""

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Table
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.sql import visitors

from crm.services.core.errors import CrmError, EditConflict, ValidationFailed

ALREADY_IN_USE = _l("This value is already in use; choose another.")
CONFLICTS_WITH_OTHER_DATA = _l(
    "This conflicts with other data saved meanwhile; check the form and save again."
)

# SQLite names the columns ("UNIQUE constraint failed: crm_customer.tenant_id, crm_customer.code")
# or, for an expression index, the index ("... failed: index 'uq_customer_email'").
_SQLITE_COLUMNS = re.compile(r"UNIQUE constraint failed: ((?:\w+\.\w+(?:, )?)+)")
_SQLITE_INDEX = re.compile(r"UNIQUE constraint failed: index '(\w+)'")


def _columns_of(table: Table, name: str) -> list[str]:
    for constraint in list(table.constraints) + list(table.indexes):
        if constraint.name == name:
            found = list(getattr(constraint, "columns", ()))
            for expression in getattr(constraint, "expressions", ()):
                found += [c for c in visitors.iterate(expression) if isinstance(c, Column)]
            return [c.name for c in found]
    return []


def _unique_columns(exc: IntegrityError, table: Table) -> list[str]:
    orig = exc.orig
    diag = getattr(orig, "diag", None)
    if diag is not None and getattr(diag, "constraint_name", None):
        return _columns_of(table, diag.constraint_name)
    message = str(orig)
    index = _SQLITE_INDEX.search(message)
    if index:
        return _columns_of(table, index.group(1))
    columns = _SQLITE_COLUMNS.search(message)
    if columns:
        return [part.split(".", 1)[1] for part in columns.group(1).split(", ")]
    return []


def is_unique_violation(exc: IntegrityError) -> bool:
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code == "23505" or "UNIQUE constraint failed" in str(exc.orig)


def refusal(exc: BaseException | None, model: Any) -> CrmError | None:
    """The service error for a database error raised while saving a ``model``; None
    for errors that are not about concurrent saves (they stay server errors)."""
    if isinstance(exc, StaleDataError):
        return EditConflict()
    if isinstance(exc, IntegrityError):
        if not is_unique_violation(exc):
            return ValidationFailed({"record": [CONFLICTS_WITH_OTHER_DATA]})
        fields = [c for c in _unique_columns(exc, model.__table__) if c != "tenant_id"]
        return ValidationFailed({(fields[-1] if fields else "record"): [ALREADY_IN_USE]})
    return None
