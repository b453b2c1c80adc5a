"""A job's life: submitted (queued), claimed by one consumer (running), then done, failed
or cancelled. Every change is one short transaction of its own, written as a guarded
UPDATE (``WHERE status = ...``) so two consumers, or a consumer and a cancel, never both
win. ``queue`` is the task queue's adapter (crm.jobs.queue.JobQueue)."""

import datetime as dt
import time
from collections.abc import Callable, Collection, Mapping
from typing import Any, Protocol, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from crm.models import JOB_KINDS, Job
from crm.models.base import utcnow
from crm.services.core.errors import NotAllowed, ValidationFailed
from crm.services.core.transaction import transaction

JOBS = Job.__table__
# The most often a running job writes its progress (seconds).
PROGRESS_INTERVAL = 1.0


class TaskQueue(Protocol):
    """What this module needs of the task queue (crm.jobs.queue.JobQueue)."""

    def prepare(self, job_id: int) -> Any: ...

    def send(self, task: Any) -> None: ...

    def revoke(self, task_id: str) -> None: ...


class JobCancelled(Exception):
    """Raised inside a running job at the progress report after a user cancelled it. A job
    that stops with a report of what it did raises it again with that ``result``."""

    def __init__(self, result: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.result = result


def submit(
    session: Session,
    queue: TaskQueue,
    kind: str,
    parameters: Mapping[str, Any] | None = None,
    *,
    tenant_id: int,
    user_id: int | None = None,
    username: str | None = None,
) -> Any:
    """Create the job's row and put it on the queue, once. The row is committed before
    the task is sent, so a consumer (or immediate mode) always finds it."""
    if kind not in JOB_KINDS:
        raise ValidationFailed({"kind": [_l("Unknown kind of job.")]})
    with transaction(session):
        job = Job(
            tenant_id=tenant_id,
            user_id=user_id,
            username=username or "system",
            kind=kind,
            parameters=parameters or {},
            status="queued",
        )
        session.add(job)
        session.flush()
        task = queue.prepare(job.id)
        job.task_id = task.id
    job_id = job.id
    try:
        queue.send(task)
    except Exception as exc:
        fail(session, job_id, str(exc) or type(exc).__name__)
        raise
    return session.get(Job, job_id)


def _guarded(session: Session, job_id: int, statuses: Collection[str], **values: Any) -> bool:
    """Set ``values`` on the job while its status is one of ``statuses``; True if it was."""
    with transaction(session):
        result = session.execute(
            update(JOBS).where(JOBS.c.id == job_id, JOBS.c.status.in_(statuses)).values(**values)
        )
    return cast(CursorResult[Any], result).rowcount == 1


def claim(session: Session, job_id: int) -> Any:
    """queued -> running for exactly one consumer; the job, or None when it is not queued
    (cancelled meanwhile, or already taken: a task is never run twice)."""
    now = utcnow()
    if not _guarded(
        session, job_id, ("queued",), status="running", started_at=now, heartbeat_at=now
    ):
        return None
    return session.execute(
        select(Job).where(Job.id == job_id).execution_options(all_tenants=True)
    ).scalar_one()


def _result_values(result: Mapping[str, str] | None) -> dict[str, Any]:
    result = result or {}
    summary = result.get("summary")
    return {
        "result_path": result.get("path"),
        "result_name": result.get("name"),
        "result_content_type": result.get("content_type"),
        "summary": summary[:255] if summary else None,
    }


def finish(session: Session, job_id: int, result: Mapping[str, str] | None = None) -> bool:
    """running -> done; ``result``: {"path", "name", "content_type"} of the result file
    and the "summary" line users read, each optional."""
    return _guarded(
        session,
        job_id,
        ("running",),
        status="done",
        finished_at=utcnow(),
        **_result_values(result),
    )


def fail(session: Session, job_id: int, error: object) -> bool:
    """queued or running -> failed, with the error users read."""
    return _guarded(
        session,
        job_id,
        ("queued", "running"),
        status="failed",
        finished_at=utcnow(),
        error=str(error)[:1000],
    )


def mark_cancelled(session: Session, job_id: int, result: Mapping[str, str] | None = None) -> bool:
    """running -> cancelled (the task stopped at a user's request), with the report of
    what it did before it stopped when it wrote one (``result`` as in ``finish``)."""
    return _guarded(
        session,
        job_id,
        ("running",),
        status="cancelled",
        finished_at=utcnow(),
        **_result_values(result),
    )


def cancel(session: Session, queue: TaskQueue, job: Any) -> str:
    """A user's cancel: a queued job is cancelled and taken off the queue; a running one
    is flagged and stops at its next progress report."""
    if job.status == "queued" and _guarded(
        session, job.id, ("queued",), status="cancelled", finished_at=utcnow()
    ):
        if job.task_id:
            queue.revoke(job.task_id)
        return "cancelled"
    if _guarded(session, job.id, ("running",), cancel_requested=1):
        return "cancelling"
    raise NotAllowed(_l("Only a queued or running job can be cancelled."))


def reap_dead(
    session: Session,
    timeout_seconds: float,
    tenant_id: int | None = None,
    now: dt.datetime | None = None,
) -> int:
    """The dead-consumer rule: running jobs whose heartbeat is older than the timeout are
    failed with a message saying so. ``tenant_id`` None: every tenant's. Returns how many."""
    now = now or utcnow()
    stale = now - dt.timedelta(seconds=timeout_seconds)
    condition = [JOBS.c.status == "running", JOBS.c.heartbeat_at < stale]
    if tenant_id is not None:
        condition.append(JOBS.c.tenant_id == tenant_id)
    message = str(
        _l(
            "The worker running this job stopped answering (no sign of life for "
            "%(seconds)d seconds); start the job again.",
            seconds=timeout_seconds,
        )
    )
    with transaction(session):
        result = session.execute(
            update(JOBS)
            .where(*condition)
            .values(status="failed", finished_at=now, error=message[:1000])
        )
    return cast(CursorResult[Any], result).rowcount


class Progress:
    """What a running job calls with (done, total): written at most every
    ``PROGRESS_INTERVAL`` seconds (and always at the end), each time in its own short
    transaction on ``session`` (one the job's work does not use, so a report never
    commits half of the work). Raises JobCancelled once a user asked to cancel.

    ``busy_share`` below 1 makes the job rest after each report for as long as keeps its
    working time to that share of the whole (0.5: a second's work, a second's rest), so
    the pages it shares the machine and the database with stay quick."""

    def __init__(
        self,
        session: Session,
        job_id: int,
        interval: float = PROGRESS_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        busy_share: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.session, self.job_id = session, job_id
        self.interval, self.clock = interval, clock
        self.last: float | None = None
        self.rest = (1 / busy_share - 1) if 0 < busy_share < 1 else 0.0
        self.sleep = sleep

    def __call__(self, done: int, total: int | None = None, force: bool = False) -> None:
        now = self.clock()
        if not force and self.last is not None and now - self.last < self.interval:
            return
        if self.rest and self.last is not None and not force:
            self.sleep((now - self.last) * self.rest)
            now = self.clock()
        self.last = now
        values: dict[str, Any] = {"progress_done": done, "heartbeat_at": utcnow()}
        if total is not None:
            values["progress_total"] = total
        with transaction(self.session):
            self.session.execute(update(JOBS).where(JOBS.c.id == self.job_id).values(**values))
            flagged = self.session.execute(
                select(JOBS.c.cancel_requested).where(JOBS.c.id == self.job_id)
            ).scalar()
        if flagged:
            raise JobCancelled()

    def beat(self) -> None:
        """A sign of life without progress (long steps between reports)."""
        with transaction(self.session):
            self.session.execute(
                update(JOBS)
                .where(JOBS.c.id == self.job_id, JOBS.c.status == "running")
                .values(heartbeat_at=utcnow())
            )
