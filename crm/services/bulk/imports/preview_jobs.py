"""The preview of a large file (more rows than CRM_IMPORT_PREVIEW_BACKGROUND_ROWS) as a
background job (kind "import_preview"): its counts and first problems are kept on the run
with the mapping and encoding they were checked with, so a later change makes them stale."""

from typing import Any

from flask_babel import gettext
from sqlalchemy import update
from sqlalchemy.orm import Session

from crm.models import ImportRun, Job
from crm.services import jobs
from crm.services.bulk.imports import commit, runs
from crm.services.core.errors import NotAllowed
from crm.services.core.transaction import transaction
from crm.services.jobs.lifecycle import JobCancelled, Progress, TaskQueue

RUNS = ImportRun.__table__


def stored(run: ImportRun) -> commit.Preview | None:
    """The run's preview as its job found it, None when there is none for the run's
    current mapping and encoding."""
    result = run.preview_result
    if not result or result["mapping"] != run.mapping or result["encoding"] != run.encoding:
        return None
    return (
        result["counts"],
        [tuple(e) for e in result["errors"]],
        [tuple(w) for w in result["warnings"]],
    )


def job_of(session: Session, run: ImportRun) -> Any:
    """The run's latest preview job, or None."""
    return session.get(Job, run.preview_job_id) if run.preview_job_id else None


def start(
    session: Session,
    queue: TaskQueue,
    run: ImportRun,
    *,
    locale: str | None,
    user_id: int | None,
    username: str,
) -> Any:
    """Submit a job that checks the run's rows as they are mapped now; returns the job."""
    if run.status != "uploaded":
        raise NotAllowed(gettext("This import has already run."))
    run_id = run.id
    job = jobs.submit(
        session,
        queue,
        "import_preview",
        {"run_id": run_id, "locale": locale},
        tenant_id=run.tenant_id,
        user_id=user_id,
        username=username,
    )
    with transaction(session):
        session.execute(update(RUNS).where(RUNS.c.id == run_id).values(preview_job_id=job.id))
    return job


def run(session: Session, run_id: int, progress: Progress, locale: str | None) -> None:
    """The job's work: check every row (writing nothing), report rows checked, keep the
    result on the run."""
    import_run = runs.get_run(session, run_id)
    mapping, encoding, total = import_run.mapping, import_run.encoding, import_run.total_rows
    progress(0, total, force=True)
    counts, errors, warnings = runs.preview(
        session, import_run, locale=locale, on_progress=lambda done: progress(done, total)
    )
    result = {
        "mapping": mapping,
        "encoding": encoding,
        "counts": counts,
        "errors": [[row, str(heading), str(message)] for row, heading, message in errors],
        "warnings": [[row, str(heading), str(message)] for row, heading, message in warnings],
    }
    with transaction(session):
        session.execute(update(RUNS).where(RUNS.c.id == run_id).values(preview_result=result))
    try:
        progress(total, total, force=True)
    except JobCancelled:  # asked after the last row was checked: the preview is kept
        pass
