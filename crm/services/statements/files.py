"""A statement of account as a file (PDF or Excel), for downloads, the API and the CLI."""

from collections.abc import Callable
from typing import Any

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.models import Customer
from crm.security.tenancy import tenant_scope
from crm.services.core.errors import NotFound, ValidationFailed
from crm.services.statements import statement as statements
from crm.services.statements.pdf import render_pdf
from crm.services.statements.statement import Statement
from crm.services.statements.xlsx import render_xlsx

# format -> (renderer, mimetype)
FORMATS: dict[str, tuple[Callable[[Statement], bytes], str]] = {
    "pdf": (render_pdf, "application/pdf"),
    "xlsx": (render_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def statement_file(
    session: Session, customer: Any, date_from: object, date_to: object, fmt: str | None = "pdf"
) -> tuple[bytes, str, str, Statement]:
    """(bytes, mimetype, file name, statement); ValidationFailed naming a bad
    ``from``, ``to`` or ``format``."""
    fmt = (fmt or "pdf").lower()
    if fmt not in FORMATS:
        raise ValidationFailed({"format": [gettext("Choose pdf or xlsx.")]})
    statement = statements.build_statement(session, customer, date_from, date_to)
    render, mimetype = FORMATS[fmt]
    return render(statement), mimetype, statements.file_name(statement, fmt), statement


def write_statement(
    session: Session,
    tenant_id: int,
    code: str | None,
    date_from: object,
    date_to: object,
    fmt: str | None,
    path: str,
) -> int:
    """Write the statement of the tenant's customer ``code`` to ``path``; returns the
    number of transactions on it."""
    with tenant_scope(tenant_id):
        customer = session.scalar(select(Customer).where(Customer.code == (code or "").strip()))
        if customer is None:
            raise NotFound(gettext("There is no customer with the code “%(code)s”.", code=code))
        data, _, _, statement = statement_file(session, customer, date_from, date_to, fmt)
    with open(path, "wb") as out:
        out.write(data)
    return len(statement.lines)
