"""Run an import's writing: checks chunk by chunk, hands valid rows to record_writer.Writer
(batched inserts and updates, audit entries and revert items), counts and reports.

Per chunk of rows: one query for the records they update and one for their contacts and
addresses, then many-row inserts (bulk_sql.py: COPY on PostgreSQL, queued to a second
thread) / executemany ``UPDATE``s for records, contacts, addresses, audit entries (one per
record written, in the shape crm/services/core/audit.py writes) and import items. The whole import is one transaction;
in "all_or_nothing" mode any failed row means nothing is written. On SQLite (one writer at a
time) an import of valid rows commits after each chunk so other users' saves get in between
(``commits_in_chunks``); all-or-nothing stays one transaction there too.
"""

import datetime as dt
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

from flask_babel import gettext
from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from crm.models import AuditEntry, ImportRun
from crm.models.base import utcnow
from crm.services.bulk.imports import collector
from crm.services.bulk.imports.readers import Table as FileTable
from crm.services.bulk.imports.record_writer import Summary, Writer
from crm.services.bulk.imports.statement_queue import StatementQueue
from crm.services.bulk.imports.validate import RowResult, check_rows
from crm.services.core.audit import entry_row
from crm.services.core.read_ahead import shareable_across_threads

# run id -> rows processed, for the progress page of a running import (this process).
PROGRESS: dict[int, int] = {}
_progress_lock = threading.Lock()
# (counts, first errors, first warnings): errors and warnings as (row, heading, message).
Preview = tuple[dict[str, int], list[tuple[int, str, str]], list[tuple[int, str, str]]]


def set_progress(run_id: int, done: int) -> None:
    with _progress_lock:
        PROGRESS[run_id] = done


def progress_of(run: ImportRun) -> int:
    with _progress_lock:
        return cast(int, PROGRESS.get(run.id, run.progress))


def import_rows(
    session: Session,
    run: ImportRun,
    table: FileTable,
    on_progress: Callable[[int], object] | None = None,
    locale: str | None = None,
) -> Summary:
    """Check and write ``table``'s rows for ``run`` (whose entity, mode and mapping are set);
    ``locale``, the importing user's, reads ambiguous dates and numbers (validate.py).

    Returns a Summary. Flushes into the session's transaction; the caller commits."""
    with collector.paused():
        return _import_rows(session, run, table, on_progress, locale)


def _import_rows(
    session: Session,
    run: ImportRun,
    table: FileTable,
    on_progress: Callable[[int], object] | None,
    locale: str | None = None,
) -> Summary:
    statements = StatementQueue(threaded=shareable_across_threads(session))
    try:
        summary = _write_rows(session, run, table, on_progress, locale, statements)
        statements.finish()
        return summary
    finally:
        statements.close()


def _write_rows(
    session: Session,
    run: ImportRun,
    table: FileTable,
    on_progress: Callable[[int], object] | None,
    locale: str | None,
    statements: StatementQueue,
) -> Summary:
    writer = Writer(session, run, statements)
    writer.now = utcnow()
    summary = Summary()
    summary.total = len(table.rows)
    chunks = check_rows(
        session,
        run.tenant_id,
        run.entity,
        run.mapping,
        table.headings,
        table.rows,
        locale=locale,
        guard=statements.turn,
        named_codes=writer.named_codes,
        numbers=table.numbers,
        misshapen=table.misshapen,
    )
    if run.mode == "all_or_nothing":
        checked: list[list[RowResult]] = []
        for results in chunks:
            checked.append(results)
            summary.failed.extend(r for r in results if not r.ok)
        if summary.failed:
            return summary
        chunks = iter(checked)
    in_chunks = commits_in_chunks(session, run)
    done = 0
    for results in chunks:
        if run.entity == "leads":
            with statements.turn():
                writer.checker_default_status = _default_status_id(session, run.tenant_id)
        valid = [r for r in results if r.ok]
        summary.failed.extend(r for r in results if not r.ok)
        summary.warned.extend(r for r in valid if r.warnings)
        created = [r for r in valid if r.existing_id is None]
        updated = [r for r in valid if r.existing_id is not None]
        if created:
            summary.created += writer.create(created)
        if updated:
            changed, unchanged = writer.update(updated)
            summary.updated += changed
            summary.unchanged += unchanged
        if in_chunks:
            writer.commit_chunk()
        done += len(results)
        if on_progress is not None:
            on_progress(done)
    return summary


def commits_in_chunks(session: Session, run: ImportRun) -> bool:
    """SQLite lets one connection write at a time: an import of valid rows commits chunk by
    chunk so another tenant's save waits at most about a chunk's time. All-or-nothing keeps
    one transaction (other writers wait for it), PostgreSQL needs neither."""
    return session.get_bind().dialect.name == "sqlite" and run.mode != "all_or_nothing"


def _default_status_id(session: Session, tenant_id: int | None) -> int | None:
    from crm.services.pipeline import leads

    status = leads.default_status(session, tenant_id)
    return status.id if status is not None else None


def preview(
    session: Session,
    run: ImportRun,
    table: FileTable,
    first_errors: int = 20,
    failed: list[RowResult] | None = None,
    locale: str | None = None,
    warned: list[RowResult] | None = None,
) -> Preview:
    """Counts of rows to create, update, refuse and import with warnings, the first errors
    and the first warnings (each (row, heading, message)); writes nothing (the lookups only
    read). ``failed`` / ``warned``, lists, receive every failed / warned RowResult;
    ``locale`` as for import_rows."""
    with collector.paused():
        return _preview(session, run, table, first_errors, failed, locale, warned)


def _preview(
    session: Session,
    run: ImportRun,
    table: FileTable,
    first_errors: int,
    failed: list[RowResult] | None,
    locale: str | None = None,
    warned: list[RowResult] | None = None,
) -> Preview:
    counts = {"create": 0, "update": 0, "failed": 0, "warnings": 0, "total": len(table.rows)}
    errors: list[tuple[int, str, str]]
    warnings: list[tuple[int, str, str]]
    errors, warnings = [], []
    for results in check_rows(
        session,
        run.tenant_id,
        run.entity,
        run.mapping,
        table.headings,
        table.rows,
        locale=locale,
        numbers=table.numbers,
        misshapen=table.misshapen,
    ):
        for result in results:
            if not result.ok:
                counts["failed"] += 1
                if failed is not None:
                    failed.append(result)
                if len(errors) < first_errors:
                    errors.extend((result.number, h, m) for h, m in result.errors)
                continue
            if result.warnings:
                counts["warnings"] += 1
                if warned is not None:
                    warned.append(result)
                if len(warnings) < first_errors:
                    warnings.extend((result.number, h, m) for h, m in result.warnings)
            if result.existing_id is None:
                counts["create"] += 1
            else:
                counts["update"] += 1
    return counts, errors[:first_errors], warnings[:first_errors]


def summary_entry(
    session: Session,
    run: ImportRun,
    action: str,
    changes: dict[str, list[Any]],
    summary: str | None,
) -> None:
    """The import's (or revert's) own audit entry."""
    session.execute(
        insert(AuditEntry.__table__),
        [entry_row(run.tenant_id, "import_run", run.id, action, changes, summary)],
    )


def plain_to_column(table: Table, column: str, value: Any) -> Any:
    """A value stored in an item's ``previous`` back in its column's Python type."""
    if value is None:
        return None
    python_type = table.c[column].type.python_type
    if python_type is Decimal:
        return Decimal(str(value))
    if python_type is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if python_type is dt.date:
        return dt.date.fromisoformat(value)
    return value


def message_for(summary: Summary) -> str:
    message: str = gettext(
        "%(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(failed)d failed.",
        created=summary.created,
        updated=summary.updated,
        unchanged=summary.unchanged,
        failed=len(summary.failed),
    )
    if summary.warned:
        message += " " + gettext(
            "%(n)d imported with warnings (see the report).", n=len(summary.warned)
        )
    return message


__all__ = ["import_rows", "preview", "progress_of", "ImportRun"]
