"""Statements to many customers as one background job (kind ``statement_batch``): the
batch checked and submitted, then sent customer by customer with progress and cancel, and
a report (xlsx) of what was sent, to whom, and what failed and why."""

import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.models import Customer
from crm.services.core import mailer
from crm.services.core.errors import ValidationFailed
from crm.services.core.storage import Storage
from crm.services.core.workbooks import new_workbook
from crm.services.jobs import lifecycle
from crm.services.jobs.lifecycle import JobCancelled
from crm.services.statements.files import FORMATS
from crm.services.statements.mail import SendResult, customers_by_id, each_statement_sent
from crm.services.statements.statement import parse_period

KIND = "statement_batch"
REPORT_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The report's columns: heading, width.
REPORT_COLUMNS = (
    ("customer", 36),
    ("code", 14),
    ("status", 12),
    ("recipient", 36),
    ("reason", 70),
)

Progress = Callable[..., None]


@dataclass
class BatchOutcome:
    total: int
    results: list[SendResult] = field(default_factory=list)
    # Customers the batch did not reach because it was cancelled first.
    not_reached: list[Any] = field(default_factory=list)
    cancelled: bool = False

    @property
    def sent(self) -> list[SendResult]:
        return [r for r in self.results if r.sent]

    @property
    def failed(self) -> list[SendResult]:
        return [r for r in self.results if not r.sent]


def batch_parameters(
    session: Session,
    customer_ids: Iterable[int],
    date_from: object,
    date_to: object,
    fmt: str | None = "pdf",
    *,
    locale: str,
    limit: int,
) -> dict[str, Any]:
    """The job's parameters: the first ``limit`` of the tenant's customers among
    ``customer_ids``, each once (others left out, as on the batch page), the period, the
    attachment's format and the language to write in. ValidationFailed naming every
    problem (``from``, ``to``, ``format``, ``ids``)."""
    errors: dict[str, list[Any]] = {}
    try:
        first, last = parse_period(date_from, date_to)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    fmt = (fmt or "pdf").lower()
    if fmt not in FORMATS:
        errors["format"] = [gettext("Choose pdf or xlsx.")]
    ids = list(dict.fromkeys(int(i) for i in customer_ids))[:limit]
    known = set(session.scalars(select(Customer.id).where(Customer.id.in_(ids)))) if ids else set()
    ids = [i for i in ids if i in known]
    if not ids:
        errors["ids"] = [gettext("Choose at least one customer.")]
    if errors:
        raise ValidationFailed(errors)
    return {
        "customer_ids": ids,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "format": fmt,
        "locale": locale,
        "title": gettext(
            "%(n)d customers, %(first)s – %(last)s", n=len(ids), first=first, last=last
        ),
    }


def submit_batch(
    session: Session,
    queue: lifecycle.TaskQueue,
    customer_ids: Iterable[int],
    date_from: object,
    date_to: object,
    fmt: str | None = "pdf",
    *,
    locale: str,
    limit: int,
    tenant_id: int,
    user_id: int | None,
    username: str | None,
) -> Any:
    """Check the batch (``batch_parameters``: ValidationFailed before anything is queued)
    and put one job on the queue for all of it; returns the job."""
    parameters = batch_parameters(
        session, customer_ids, date_from, date_to, fmt, locale=locale, limit=limit
    )
    return lifecycle.submit(
        session,
        queue,
        KIND,
        parameters,
        tenant_id=tenant_id,
        user_id=user_id,
        username=username,
    )


def send_batch(
    session: Session,
    parameters: Mapping[str, Any],
    *,
    settings: mailer.SmtpSettings,
    progress: Progress,
    user_id: int | None = None,
) -> BatchOutcome:
    """Send the statements one customer after the other, reporting ``progress(done,
    total)`` after each. A failing customer is reported and the batch goes on; a
    JobCancelled from ``progress`` stops it between two customers (those sent stay sent)."""
    ids = [int(i) for i in parameters["customer_ids"]]
    outcome = BatchOutcome(total=len(ids))
    sends = each_statement_sent(
        session,
        ids,
        parameters["from"],
        parameters["to"],
        settings=settings,
        user_id=user_id,
        fmt=parameters.get("format") or "pdf",
    )
    try:
        progress(0, outcome.total, force=True)
        for result in sends:
            outcome.results.append(result)
            if len(outcome.results) < outcome.total:
                progress(len(outcome.results), outcome.total)
    except JobCancelled:
        outcome.cancelled = True
    finally:
        sends.close()
    if outcome.cancelled:
        outcome.not_reached = customers_by_id(session, ids[len(outcome.results) :])
    else:
        try:
            progress(outcome.total, outcome.total, force=True)
        except JobCancelled:
            pass  # a cancel after the last customer: everything was sent already
    return outcome


def summary(outcome: BatchOutcome) -> str:
    """The line users read: "112 sent, 4 failed." (and how many were not sent when the
    batch was cancelled)."""
    text = str(
        gettext(
            "%(sent)s sent, %(failed)s failed.", sent=len(outcome.sent), failed=len(outcome.failed)
        )
    )
    if outcome.cancelled:
        left = outcome.total - len(outcome.results)
        text += " " + gettext("Cancelled: %(left)s not sent.", left=left)
    return text


def _headings() -> dict[str, str]:
    return {
        "customer": gettext("Customer"),
        "code": gettext("Code"),
        "status": gettext("Status"),
        "recipient": gettext("Sent to"),
        "reason": gettext("Reason"),
    }


def write_report(outcome: BatchOutcome, target: str | IO[bytes]) -> None:
    """The report as xlsx: one row per customer in the batch's order (sent, failed with
    the reason, or not sent because the batch was cancelled), the summary below."""
    book = new_workbook(target)
    sheet = book.add_worksheet(gettext("Statements")[:31])
    bold = book.add_format({"bold": True})
    headings = _headings()
    for col, (key, width) in enumerate(REPORT_COLUMNS):
        sheet.write_string(0, col, headings[key], bold)
        sheet.set_column(col, col, width)
    rows: list[tuple[str, str, str, str, str]] = [
        (
            r.name or f"#{r.customer_id}",
            r.code,
            gettext("Sent") if r.sent else gettext("Failed"),
            r.email or "",
            r.reason,
        )
        for r in outcome.results
    ]
    rows += [
        (c.name, c.code or "", gettext("Not sent"), "", gettext("The batch was cancelled."))
        for c in outcome.not_reached
    ]
    for line, row in enumerate(rows, start=1):
        for col, text in enumerate(row):
            if text:
                sheet.write_string(line, col, text)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(REPORT_COLUMNS) - 1)
    sheet.write_string(len(rows) + 2, 0, summary(outcome), bold)
    book.close()


def report_name(parameters: Mapping[str, Any]) -> str:
    """statements-sent-2026-01-01-2026-03-31.xlsx"""
    return f"statements-sent-{parameters['from']}-{parameters['to']}.xlsx"


def run_batch(
    session: Session,
    parameters: Mapping[str, Any],
    storage: Storage,
    folder: str,
    *,
    settings: mailer.SmtpSettings,
    progress: Progress,
    user_id: int | None = None,
) -> dict[str, str]:
    """The job's work: send, then save the report in ``storage`` under ``folder``; returns
    the job's result ({"path" (the storage key), "name", "content_type", "summary"}).
    Cancelled: JobCancelled carrying that result, so the report of what was sent stays."""
    outcome = send_batch(session, parameters, settings=settings, progress=progress, user_id=user_id)
    name = report_name(parameters)
    key = f"{folder}/{name}"
    with tempfile.TemporaryFile() as out:  # a storage takes a whole file
        write_report(outcome, out)
        out.seek(0)
        storage.save(key, out)
    result = {
        "path": key,
        "name": name,
        "content_type": REPORT_CONTENT_TYPE,
        "summary": summary(outcome),
    }
    if outcome.cancelled:
        raise JobCancelled(result)
    return result
