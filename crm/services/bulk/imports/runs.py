"""An import run's life: upload, mapping, preview, commit (in the CLI or as a job,
crm/services/bulk/imports/run_jobs.py), and what a stopped run keeps for a resume."""

import dataclasses
import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, cast

from flask_babel import gettext
from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session, aliased

from crm.models import ImportItem, ImportRun
from crm.models.base import utcnow
from crm.services.bulk.imports import commit, encodings, mapping as mapping_rules, readers, report
from crm.services.bulk.imports.file_limits import ImportLimits
from crm.services.bulk.imports.validate import RowResult
from crm.services.core.errors import NotAllowed, NotFound, ValidationFailed
from crm.services.core.transaction import dry_run, transaction, transactional
from crm.services.jobs import JobCancelled

log = logging.getLogger(__name__)


def read_file(
    entity: str,
    content: bytes,
    file_name: str | None,
    limits: ImportLimits | None = None,
    encoding: str | None = None,
    locale: str | None = None,
    languages: Iterable[str] = mapping_rules.LANGUAGES,
) -> readers.Table:
    """The file's Table, its heading row found with ``entity``'s headings (in ``languages``)
    in mind."""
    strong, weak = mapping_rules.candidates(entity, languages)

    def recognised(cells: Sequence[str]) -> int:
        return sum(
            1
            for cell in cells
            if mapping_rules.lookup(strong, cell) or mapping_rules.lookup(weak, cell)
        )

    return readers.read_table(
        content, file_name, limits=limits, encoding=encoding, locale=locale, recognise=recognised
    )


@transactional
def create_run(
    session: Session,
    entity: str,
    file_name: str | None,
    content: bytes,
    user_id: int | None = None,
    username: str | None = None,
    limits: ImportLimits | None = None,
    locale: str | None = None,
    encoding: str | None = None,
    languages: Iterable[str] = mapping_rules.LANGUAGES,
) -> ImportRun:
    """Store an uploaded file, read once, as a new run with a guessed mapping; raises
    ValidationFailed. ``locale``: the importing user's, to rank a text file's encodings."""
    if entity not in ("customers", "companies", "leads"):
        raise NotFound()
    table = read_file(entity, content or b"", file_name, limits, encoding, locale, languages)
    run = ImportRun(
        entity=entity,
        file_name=(file_name or "upload")[-255:],
        content=content,
        content_hash=hashlib.sha256(content).hexdigest(),
        user_id=user_id,
        username=username,
        status="uploaded",
        encoding=table.encoding,
        table_data=table.pack(),
        mapping=mapping_rules.guess_mapping(entity, table.headings, table.rows, languages),
        total_rows=len(table.rows),
    )
    session.add(run)
    return run


def get_run(session: Session, run_id: int) -> ImportRun:
    run = session.scalar(select(ImportRun).where(ImportRun.id == run_id))
    if run is None:
        raise NotFound()
    return run


def table_of(run: ImportRun) -> readers.Table:
    """The run's Table as read at upload (runs stored before that was kept: read again)."""
    if run.table_data is not None:
        return readers.Table.unpack(run.table_data)
    return readers.read_table(run.content, run.file_name)


@transactional
def change_encoding(
    session: Session,
    run: ImportRun,
    encoding: str,
    locale: str | None = None,
    limits: ImportLimits | None = None,
    languages: Iterable[str] = mapping_rules.LANGUAGES,
) -> ImportRun:
    """Read a not yet started run's text file again in ``encoding``; the mapping is guessed
    again if the headings read differently."""
    if run.status != "uploaded":
        raise NotAllowed(gettext("This import has already run."))
    if encoding not in encodings.ENCODINGS:
        raise ValidationFailed({"encoding": [gettext("Choose an encoding from the list.")]})
    before = table_of(run)
    table = read_file(run.entity, run.content, run.file_name, limits, encoding, locale, languages)
    run.table_data = table.pack()
    run.encoding = table.encoding
    run.total_rows = len(table.rows)
    if table.headings != before.headings:
        run.mapping = mapping_rules.guess_mapping(run.entity, table.headings, table.rows, languages)
    return run


@transactional
def set_mapping(
    session: Session, run: ImportRun, wanted: Mapping[str, str | None]
) -> dict[str, str]:
    table = table_of(run)
    run.mapping = mapping_rules.clean_mapping(run.entity, table.headings, wanted)
    return cast(dict[str, str], run.mapping)


def preview(
    session: Session,
    run: ImportRun,
    locale: str | None = None,
    on_progress: Callable[[int], object] | None = None,
) -> commit.Preview:
    """(counts, first errors, first warnings, each as (row, heading, message)); nothing is
    written (code numbers the checks take are given back). ``locale``:
    the importing user's (a code), for ambiguous dates and numbers; ``on_progress(rows
    checked)`` after each chunk (a large file's preview runs as a job: preview_jobs.py)."""
    with dry_run(session):
        table = table_of(run)
        mapping_rules.clean_mapping(run.entity, table.headings, run.mapping or {})
        with session.no_autoflush:
            return commit.preview(session, run, table, locale=locale, on_progress=on_progress)


def begin(session: Session, run: ImportRun, mode: str) -> None:
    """Mark a run as running (committed, so the progress page sees it at once). One
    statement claims the run, so a second submit finds it taken; a run of the same file
    while another of the tenant's is running is refused."""
    if run.status != "uploaded":
        raise NotAllowed(gettext("This import has already run."))
    if mode not in ("valid_rows", "all_or_nothing"):
        raise ValidationFailed({"mode": [gettext("Choose how failed rows are handled.")]})
    table = table_of(run)
    mapping_rules.clean_mapping(run.entity, table.headings, run.mapping or {})
    _claim(session, run, ("uploaded",), mode=mode, started_at=utcnow(), progress=0)


RESUMABLE = ("failed", "cancelled")


def can_resume(run: ImportRun) -> bool:
    """A run of valid rows that stopped (failed or cancelled) before its last row and was
    not reverted; all-or-nothing runs wrote nothing, so they have nothing to resume."""
    return (
        run.status in RESUMABLE
        and run.mode == "valid_rows"
        and run.reverted_at is None
        and (run.committed_rows or 0) < (run.total_rows or 0)
    )


def resume(session: Session, run: ImportRun) -> None:
    """Mark a stopped run as running again; its import goes on from the first row not
    committed (``committed_rows``). Claimed like ``begin``."""
    if not can_resume(run):
        raise NotAllowed(
            gettext("Only an import of valid rows that stopped before its end can be resumed.")
        )
    _claim(session, run, RESUMABLE, message=None, finished_at=None, job_id=None)


def _claim(session: Session, run: ImportRun, statuses: Sequence[str], **values: Any) -> None:
    was = run.status
    other = aliased(ImportRun)
    same_file_running = (
        select(other.id)
        .where(
            other.tenant_id == run.tenant_id,
            other.content_hash == run.content_hash,
            other.status == "running",
            other.id != run.id,
        )
        .exists()
    )
    with transaction(session):
        claimed = cast(
            CursorResult[Any],
            session.execute(
                update(ImportRun)
                .where(ImportRun.id == run.id, ImportRun.status.in_(statuses), ~same_file_running)
                .values(status="running", **values)
                .execution_options(synchronize_session=False)
            ),
        ).rowcount
    if claimed != 1:
        session.refresh(run)
        if run.status != was:
            raise NotAllowed(gettext("This import has already run."))
        raise NotAllowed(
            gettext("This file is being imported already; wait until that import has finished.")
        )


def execute(
    session: Session,
    run: ImportRun,
    on_progress: Callable[[int], object] | None = None,
    locale: str | None = None,
    problems: list[RowResult] | None = None,
) -> ImportRun:
    """Import a running run's rows (valid rows: chunk by chunk, each chunk committed; all or
    nothing: one transaction); records counts, report and audit entry.
    ``locale``: the importing user's (a code), for ambiguous dates and numbers;
    ``problems``, a list, receives the failed and the warned RowResults in file order.
    A resumed run starts after its committed rows, and its counts go on from theirs.
    ``on_progress`` may raise JobCancelled: the run ends "cancelled" and it is raised again.
    """
    run_id, table = run.id, table_of(run)
    headings, rows = table.headings, table.rows
    earlier_failed, earlier_warned = _earlier_problems(session, run, table, locale)
    before = {name: getattr(run, name) or 0 for name in commit.COUNTERS}
    try:
        with transaction(session):
            summary = commit.import_rows(
                session, run, table, on_progress=on_progress, locale=locale
            )
            failed = earlier_failed + summary.failed
            warned = earlier_warned + summary.warned
            run.created_count = before["created_count"] + summary.created
            run.updated_count = before["updated_count"] + summary.updated
            run.unchanged_count = before["unchanged_count"] + summary.unchanged
            run.failed_count = before["failed_count"] + len(summary.failed)
            run.warning_count = before["warning_count"] + len(summary.warned)
            if problems is not None:
                problems.extend(sorted([*failed, *warned], key=lambda r: r.number))
            run.progress = len(rows)
            if run.mode != "all_or_nothing":
                run.committed_rows = len(rows)
            run.error_report = (
                report.error_report(headings, failed, warned) if failed or warned else None
            )
            if run.mode == "all_or_nothing" and summary.failed:
                run.message = gettext(
                    "Nothing was imported: %(n)d rows have errors.", n=len(summary.failed)
                )
                run.status = "failed"
            else:
                run.message = commit.message_for(run)
                run.status = "done"
            run.finished_at = utcnow()
            commit.summary_entry(
                session,
                run,
                "import",
                {
                    "file": [None, run.file_name],
                    "created": [None, run.created_count],
                    "updated": [None, run.updated_count],
                    "unchanged": [None, run.unchanged_count],
                    "failed": [None, run.failed_count],
                    "warnings": [None, run.warning_count],
                },
                gettext("Import of %(file)s: %(message)s", file=run.file_name, message=run.message),
            )
    except JobCancelled:
        _stopped(session, run_id, "cancelled", None)
        raise
    except Exception as exc:
        log.exception("import %s failed", run_id)
        return _stopped(session, run_id, "failed", str(exc)[:300])
    session.refresh(run)  # the outcome stays readable once the caller's session is closed
    return run


def _earlier_problems(
    session: Session, run: ImportRun, table: readers.Table, locale: str | None
) -> tuple[list[RowResult], list[RowResult]]:
    """A resumed run's failed and warned rows among those committed before it stopped,
    checked again (checks only read), so its report covers the whole file."""
    committed = run.committed_rows or 0
    failed: list[RowResult] = []
    warned: list[RowResult] = []
    if not committed:
        return failed, warned
    numbers = table.numbers or list(range(2, len(table.rows) + 2))
    earlier = dataclasses.replace(table, rows=table.rows[:committed], numbers=numbers[:committed])
    with dry_run(session), session.no_autoflush:
        commit.preview(
            session, run, earlier, first_errors=0, failed=failed, warned=warned, locale=locale
        )
    return failed, warned


def _stopped(session: Session, run_id: int, status: str, error: str | None) -> ImportRun:
    """End a run that did not finish: what its committed chunks wrote stays (listed for a
    revert), the rest is rolled back, and the message says which and what to do."""
    session.rollback()
    with transaction(session):
        run = get_run(session, run_id)
        if run.status != "running":  # a reaped run was ended already
            return run
        run.status = status
        run.finished_at = utcnow()
        run.progress = run.committed_rows or 0
        run.message = stopped_message(session, run, status, error)
    session.refresh(run)
    return run


def stopped_message(session: Session, run: ImportRun, status: str, error: str | None) -> str:
    """What a run that stopped says: what its committed chunks wrote, and that it can be
    resumed or reverted."""
    written = session.scalar(
        select(func.count(ImportItem.id)).where(ImportItem.import_run_id == run.id)
    )
    rows = run.committed_rows or 0
    if status == "cancelled" and written:
        message = gettext(
            "The import was cancelled after its first %(rows)d rows (%(count)d records "
            "written). Resume it to import the rest, or revert it to remove them.",
            rows=rows,
            count=written,
        )
    elif status == "cancelled":
        message = gettext("The import was cancelled; nothing was written.")
    elif written:
        message = gettext(
            "The import stopped after writing %(count)d records (its first %(rows)d rows): "
            "%(error)s. Resume it to import the rest, or revert it to remove them.",
            count=written,
            rows=rows,
            error=error,
        )
    else:
        message = gettext("The import stopped and nothing was written: %(error)s", error=error)
    return str(message)


def report_progress(session: Session, run_id: int, done: int) -> None:
    """A running import's rows processed, in a short transaction of ``session`` (not the
    import's), for the progress page on any worker."""
    with transaction(session):
        session.execute(
            update(ImportRun.__table__)
            .where(ImportRun.__table__.c.id == run_id, ImportRun.__table__.c.status == "running")
            .values(progress=done)
        )


def status(run: ImportRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "status": run.status,
        "total": run.total_rows,
        "progress": run.progress,
        "committed": run.committed_rows,
        "resumable": can_resume(run),
        "job_id": run.job_id,
        "created": run.created_count,
        "updated": run.updated_count,
        "unchanged": run.unchanged_count,
        "failed": run.failed_count,
        "warnings": run.warning_count,
        "message": run.message,
    }
