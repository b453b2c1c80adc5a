"""An import run as a background job (kind "import"): submitted once the run is claimed,
its progress written on the job and on the run, and a run whose job ended without it
(reaped, cancelled while queued) follows its job."""

from typing import Any

from flask_babel import gettext
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crm.models import ImportRun, Job
from crm.models.base import utcnow
from crm.security.tenancy import tenant_scope
from crm.services import jobs
from crm.services.bulk.imports import runs
from crm.services.core.errors import CrmError, NotAllowed
from crm.services.core.transaction import transaction
from crm.services.jobs.lifecycle import JobCancelled, Progress, TaskQueue

RUNS = ImportRun.__table__
# A job in one of these has stopped: its run, if still running, is not running any more.
JOB_ENDED = ("done", "failed", "cancelled")


class ImportStopped(CrmError):
    """The job's import ended failed (its run says why); the job fails with that message."""


def start(
    session: Session,
    queue: TaskQueue,
    run: ImportRun,
    mode: str,
    *,
    locale: str | None,
    user_id: int | None,
    username: str,
) -> Any:
    """Claim the run (runs.begin) and submit its job; returns the job."""
    runs.begin(session, run, mode)
    return _submit(session, queue, run, locale, user_id, username)


def resume(
    session: Session,
    queue: TaskQueue,
    run: ImportRun,
    *,
    locale: str | None,
    user_id: int | None,
    username: str,
) -> Any:
    """Claim a stopped run again (runs.resume) and submit a job that goes on from its
    first row not committed; returns the job."""
    runs.resume(session, run)
    return _submit(session, queue, run, locale, user_id, username)


def _submit(
    session: Session,
    queue: TaskQueue,
    run: ImportRun,
    locale: str | None,
    user_id: int | None,
    username: str,
) -> Any:
    run_id, tenant_id = run.id, run.tenant_id
    try:
        job = jobs.submit(
            session,
            queue,
            "import",
            {"run_id": run_id, "locale": locale},
            tenant_id=tenant_id,
            user_id=user_id,
            username=username,
        )
    except Exception as exc:  # the job is failed already; the run must not stay running
        _end(session, run_id, "failed", str(exc) or type(exc).__name__)
        raise
    with transaction(session):
        session.execute(update(RUNS).where(RUNS.c.id == run_id).values(job_id=job.id))
    return job


def run(session: Session, run_id: int, progress: Progress, locale: str | None) -> None:
    """The job's work: import the run, each progress report written on the job (which
    raises JobCancelled once a user cancelled it) and then, the same numbers, on the run."""
    import_run = runs.get_run(session, run_id)
    if import_run.status != "running":
        raise NotAllowed(gettext("This import is not waiting to run."))
    total = import_run.total_rows

    def report(done: int) -> None:
        last = progress.last
        progress(done, total)
        if progress.last != last:  # written now, not skipped as too soon after the last
            runs.report_progress(progress.session, run_id, done)

    try:
        report(import_run.committed_rows or 0)
    except JobCancelled:  # cancelled before it began: nothing (more) is written
        _end(session, run_id, "cancelled", None)
        raise
    import_run = runs.execute(session, import_run, on_progress=report, locale=locale)
    try:
        progress(import_run.progress, total, force=True)
    except JobCancelled:  # asked after the last row was written: the import is done
        pass
    if import_run.status == "failed":
        raise ImportStopped(import_run.message)


def _end(session: Session, run_id: int, status: str, error: str | None) -> None:
    """A running run whose job stopped without it: failed (or cancelled) with a message
    saying what its committed chunks wrote."""
    with transaction(session):
        import_run = runs.get_run(session, run_id)
        if import_run.status != "running":
            return
        import_run.status = status
        import_run.finished_at = utcnow()
        import_run.progress = import_run.committed_rows or 0
        import_run.message = runs.stopped_message(session, import_run, status, error)


def follow(session: Session, import_run: ImportRun) -> ImportRun:
    """The run as its job left it: a "running" run whose job ended is ended too."""
    if import_run.status != "running" or import_run.job_id is None:
        return import_run
    job = session.get(Job, import_run.job_id)
    if job is None or job.status not in JOB_ENDED:
        return import_run
    _ended_with(session, import_run.id, job)
    session.refresh(import_run)
    return import_run


def follow_all(session: Session, all_tenants: bool = False) -> int:
    """``follow`` for every running run whose job ended (the current tenant's, or every
    tenant's for the periodic reaper); returns how many were ended."""
    stopped = session.execute(
        select(ImportRun.id, ImportRun.tenant_id)
        .join(Job, Job.id == ImportRun.job_id)
        .where(ImportRun.status == "running", Job.status.in_(JOB_ENDED))
        .execution_options(all_tenants=all_tenants)
    ).all()
    for run_id, tenant_id in stopped:
        with tenant_scope(tenant_id):
            job = session.scalar(
                select(Job)
                .join(ImportRun, ImportRun.job_id == Job.id)
                .where(ImportRun.id == run_id)
            )
            _ended_with(session, run_id, job)
    return len(stopped)


def _ended_with(session: Session, run_id: int, job: Any) -> None:
    if job.status == "cancelled":
        _end(session, run_id, "cancelled", None)
    else:
        _end(session, run_id, "failed", job.error or gettext("The import's job ended early."))
