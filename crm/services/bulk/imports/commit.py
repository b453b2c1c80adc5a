"""Run an import's writing: checks chunk by chunk, hands valid rows to record_writer.Writer
(batched inserts and updates, audit entries and revert items), counts and reports.

Per chunk of rows: one query for the records they update and one for their contacts and
addresses, then many-row inserts (bulk_sql.py: COPY on PostgreSQL, queued to a second
thread) / executemany ``UPDATE``s for records, contacts, addresses, audit entries (one per
record written, in the shape crm/services/core/audit.py writes) and import items. An import
of valid rows commits each chunk, all or nothing, with the run's counters
(``committed_rows``), so a stopped import resumes after its last committed chunk; in
"all_or_nothing" mode the import is one transaction and any failed row writes nothing.
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask_babel import gettext
from sqlalchemy import Connection, Table, insert, update
from sqlalchemy.orm import Session

from crm.models import AuditEntry, ImportRun
from crm.models.base import utcnow
from crm.services.bulk.imports.readers import Table as FileTable
from crm.services.bulk.imports.record_writer import Summary, Writer
from crm.services.bulk.imports.statement_queue import StatementQueue
from crm.services.bulk.imports.validate import RowResult, check_rows
from crm.services.core.audit import entry_row
from crm.services.core.read_ahead import shareable_across_threads

# (counts, first errors, first warnings): errors and warnings as (row, heading, message).
Preview = tuple[dict[str, int], list[tuple[int, str, str]], list[tuple[int, str, str]]]


def import_rows(
    session: Session,
    run: ImportRun,
    table: FileTable,
    on_progress: Callable[[int], object] | None = None,
    locale: str | None = None,
) -> Summary:
    """Check and write ``table``'s rows for ``run`` (whose entity, mode and mapping are set)
    from its first row not committed yet; ``locale``, the importing user's, reads ambiguous
    dates and numbers (validate.py); ``on_progress(rows done)`` is called after each chunk
    (all-or-nothing: each chunk checked) and may raise to stop the import.

    Returns a Summary of the rows it processed. Valid rows: each chunk is committed with
    the run's counters; the caller commits (or rolls back) what follows the last one."""
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
    start = run.committed_rows or 0
    numbers = table.numbers or range(2, len(table.rows) + 2)
    chunks = check_rows(
        session,
        run.tenant_id,
        run.entity,
        run.mapping,
        table.headings,
        table.rows[start:],
        locale=locale,
        guard=statements.turn,
        named_codes=writer.named_codes,
        numbers=numbers[start:],
        misshapen=table.misshapen,
    )
    done = start
    if run.mode == "all_or_nothing":
        checked: list[list[RowResult]] = []
        for results in chunks:
            checked.append(results)
            summary.failed.extend(r for r in results if not r.ok)
            done += len(results)
            if on_progress is not None:
                on_progress(done)
        if summary.failed:
            return summary
        chunks = iter(checked)
    in_chunks = commits_in_chunks(run)
    before = _counters(run)
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
        done += len(results)
        if in_chunks:
            counters = _add(before, summary)
            statements.submit(_record_chunk(writer.bulk.connection, run.id, done, counters))
            writer.commit_chunk()
        if in_chunks and on_progress is not None:
            on_progress(done)
    return summary


COUNTERS = ("created_count", "updated_count", "unchanged_count", "failed_count", "warning_count")


def _counters(run: ImportRun) -> dict[str, int]:
    """The run's counts of the rows committed before this attempt (a resumed run's)."""
    return {name: getattr(run, name) or 0 for name in COUNTERS}


def _add(before: dict[str, int], summary: Summary) -> dict[str, int]:
    return {
        "created_count": before["created_count"] + summary.created,
        "updated_count": before["updated_count"] + summary.updated,
        "unchanged_count": before["unchanged_count"] + summary.unchanged,
        "failed_count": before["failed_count"] + len(summary.failed),
        "warning_count": before["warning_count"] + len(summary.warned),
    }


def _record_chunk(
    connection: Connection, run_id: int, done: int, counters: dict[str, int]
) -> Callable[[], None]:
    """The run's counters as of a chunk, written in that chunk's transaction (queued before
    its commit), so ``committed_rows`` names exactly the rows whose records are written."""
    statement = (
        update(ImportRun.__table__)
        .where(ImportRun.__table__.c.id == run_id)
        .values(committed_rows=done, progress=done, **counters)
    )

    def job() -> None:
        connection.execute(statement)

    return job


def commits_in_chunks(run: ImportRun) -> bool:
    """An import of valid rows commits chunk by chunk: another tenant's save waits at most
    about a chunk's time on SQLite (one writer at a time), and a stopped import keeps what
    it wrote and resumes after it. All-or-nothing keeps one transaction."""
    return bool(run.mode != "all_or_nothing")


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
    on_progress: Callable[[int], object] | None = None,
) -> Preview:
    """Counts of rows to create, update, refuse and import with warnings, the first errors
    and the first warnings (each (row, heading, message)); writes nothing (the lookups only
    read). ``failed`` / ``warned``, lists, receive every failed / warned RowResult;
    ``locale`` as for import_rows; ``on_progress(rows checked)`` after each chunk."""
    counts = {"create": 0, "update": 0, "failed": 0, "warnings": 0, "total": len(table.rows)}
    errors: list[tuple[int, str, str]]
    warnings: list[tuple[int, str, str]]
    errors, warnings = [], []
    checked = 0
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
        checked += len(results)
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
        if on_progress is not None:
            on_progress(checked)
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


def message_for(run: ImportRun) -> str:
    """A finished run's counts (a resumed run's: of the whole file)."""
    message: str = gettext(
        "%(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(failed)d failed.",
        created=run.created_count,
        updated=run.updated_count,
        unchanged=run.unchanged_count,
        failed=run.failed_count,
    )
    if run.warning_count:
        message += " " + gettext(
            "%(n)d imported with warnings (see the report).", n=run.warning_count
        )
    return message


__all__ = ["import_rows", "preview", "ImportRun"]
