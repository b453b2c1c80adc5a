"""An import run's life: upload, mapping, preview, commit (inline or in a background thread)."""
import threading

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, select

from crm.models import ImportItem, ImportRun
from crm.models.base import utcnow
from crm.security.tenancy import tenant_scope
from crm.services import audit
from crm.services.errors import NotAllowed, NotFound, ValidationFailed
from crm.services.imports import (
    collector, commit, mapping as mapping_rules, readers, report,
)

MAX_FILE_BYTES = 200 * 1024 * 1024


def create_run(session, entity, file_name, content, user_id=None, username=None):
    """Store an uploaded file as a new run with a guessed mapping; raises ValidationFailed."""
    if entity not in ("customers", "companies", "leads"):
        raise NotFound()
    if len(content or b"") > MAX_FILE_BYTES:
        raise ValidationFailed({"file": [gettext("The file is larger than %(mb)d MB.",
                                                 mb=MAX_FILE_BYTES // 1024 // 1024)]})
    headings, rows = readers.read_table(content, file_name)
    run = ImportRun(entity=entity, file_name=(file_name or "upload")[-255:], content=content,
                    user_id=user_id, username=username, status="uploaded",
                    mapping=mapping_rules.guess_mapping(entity, headings), total_rows=len(rows))
    session.add(run)
    session.commit()
    return run


def get_run(session, run_id):
    run = session.scalar(select(ImportRun).where(ImportRun.id == run_id))
    if run is None:
        raise NotFound()
    return run


def table_of(run):
    return readers.read_table(run.content, run.file_name)


def set_mapping(session, run, wanted):
    headings, _rows = table_of(run)
    run.mapping = mapping_rules.clean_mapping(run.entity, headings, wanted)
    session.commit()
    return run.mapping


def preview(session, run, locale=None):
    """(counts, first errors as (row, heading, message)); nothing is written. ``locale``:
    the importing user's (a code), for ambiguous dates and numbers."""
    with collector.paused():
        headings, rows = table_of(run)
        mapping_rules.clean_mapping(run.entity, headings, run.mapping or {})
        with session.no_autoflush:
            return commit.preview(session, run, headings, rows, locale=locale)


def begin(session, run, mode):
    """Mark a run as running (committed, so the progress page sees it at once)."""
    if run.status != "uploaded":
        raise NotAllowed(gettext("This import has already run."))
    if mode not in ("valid_rows", "all_or_nothing"):
        raise ValidationFailed({"mode": [gettext("Choose how failed rows are handled.")]})
    headings, _rows = table_of(run)
    mapping_rules.clean_mapping(run.entity, headings, run.mapping or {})
    run.mode = mode
    run.status = "running"
    run.started_at = utcnow()
    run.progress = 0
    session.commit()


def execute(session, run, on_progress=None, locale=None):
    """Import a running run's rows in one transaction; records counts, report and audit entry.
    ``locale``: the importing user's (a code), for ambiguous dates and numbers."""
    with collector.paused():
        return _execute(session, run, on_progress, locale)


def _execute(session, run, on_progress, locale=None):
    headings, rows = table_of(run)

    def progressed(done):
        commit.set_progress(run.id, done)
        if on_progress is not None:
            on_progress(done)

    try:
        summary = commit.import_rows(session, run, headings, rows, on_progress=progressed,
                                     locale=locale)
        run.created_count = summary.created
        run.updated_count = summary.updated
        run.unchanged_count = summary.unchanged
        run.failed_count = len(summary.failed)
        run.progress = len(rows)
        run.error_report = report.error_report(headings, summary.failed) if summary.failed else None
        if run.mode == "all_or_nothing" and summary.failed:
            run.message = gettext("Nothing was imported: %(n)d rows have errors.",
                                  n=len(summary.failed))
            run.status = "failed"
        else:
            run.message = commit.message_for(summary)
            run.status = "done"
        run.finished_at = utcnow()
        commit.summary_entry(session, run, "import", {
            "file": [None, run.file_name], "created": [None, run.created_count],
            "updated": [None, run.updated_count], "unchanged": [None, run.unchanged_count],
            "failed": [None, run.failed_count]},
            gettext("Import of %(file)s: %(message)s", file=run.file_name, message=run.message))
        session.commit()
    except Exception as exc:
        session.rollback()
        run = session.get(ImportRun, run.id)
        run.status = "failed"
        run.finished_at = utcnow()
        written = session.scalar(select(func.count(ImportItem.id))
                                 .where(ImportItem.import_run_id == run.id))
        if written:  # chunks committed before the failure (SQLite, commit.commits_in_chunks)
            run.progress = written  # what a revert of the failed run has to undo
            run.message = gettext(
                "The import stopped after writing %(count)d records: %(error)s. Revert it to "
                "remove them.", count=written, error=str(exc)[:300])
        else:
            run.message = gettext("The import stopped and nothing was written: %(error)s",
                                  error=str(exc)[:300])
        session.commit()
        current_app.logger.exception("import %s failed", run.id)
    finally:
        commit.PROGRESS.pop(run.id, None)
    return run


def run_in_background(app, run_id, tenant_id, user_id, username, locale=None):
    """Start ``execute`` in a thread with its own app context, tenant and acting user
    (and the user's ``locale``, which the thread cannot read from the request)."""
    def work():
        with app.app_context(), tenant_scope(tenant_id), audit.acting_as(username, user_id):
            from crm.extensions import db
            try:
                execute(db.session, db.session.get(ImportRun, run_id), locale=locale)
            finally:
                db.session.remove()

    thread = threading.Thread(target=work, name=f"import-{run_id}", daemon=True)
    thread.start()
    return thread


def status(run):
    return {"id": run.id, "status": run.status, "total": run.total_rows,
            "progress": commit.progress_of(run) if run.status == "running" else run.progress,
            "created": run.created_count, "updated": run.updated_count,
            "unchanged": run.unchanged_count, "failed": run.failed_count,
            "message": run.message}
