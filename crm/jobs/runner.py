"""Runs one job in the consumer: claims it (never twice), runs its kind as the job's tenant
and user, keeps its heartbeat while it works, and records how it ended."""

import logging
import threading
from collections.abc import Callable
from typing import Any, cast

from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from crm.extensions import db
from crm.security.tenancy import tenant_scope
from crm.services.core.audit import acting_as
from crm.services.core.errors import CrmError
from crm.services.jobs import lifecycle

log = logging.getLogger(__name__)
# kind -> run(app, session, job, progress) -> {"path", "name", "content_type"} of the result
# file and a "summary" line (each optional), or None
KINDS: dict[str, Callable[..., dict[str, str] | None]] = {}


def register_kind(kind: str, run: Callable[..., dict[str, str] | None]) -> None:
    KINDS[kind] = run


class Heartbeat(threading.Thread):
    """Writes the job's heartbeat every ``interval`` seconds while its work runs, so a job
    busy in one long step is not taken for dead; it stops with the process."""

    def __init__(self, engine: Engine, job_id: int, interval: float) -> None:
        super().__init__(daemon=True, name=f"crm-job-{job_id}-heartbeat")
        self.engine, self.job_id, self.interval = engine, job_id, interval
        self.stopped = threading.Event()

    def run(self) -> None:
        with Session(bind=self.engine) as session:
            beat = lifecycle.Progress(session, self.job_id).beat
            while not self.stopped.wait(self.interval):
                try:
                    beat()
                except Exception:  # a busy database: the next beat tries again
                    log.warning("heartbeat of job %s not written", self.job_id, exc_info=True)

    def stop(self) -> None:
        self.stopped.set()


def _message(exc: Exception) -> str:
    if isinstance(exc, CrmError):
        return str(exc.message)
    return f"{type(exc).__name__}: {exc}"


def run_job(app: Flask, job_id: int) -> None:
    with app.app_context():
        session = cast(Session, db.session)  # a scoped proxy of the thread's Session
        try:
            job = lifecycle.claim(session, job_id)
            if job is None:
                return
            _run_claimed(app, session, job)
        finally:
            db.session.remove()


def _run_claimed(app: Flask, session: Session, job: Any) -> None:
    job_id, run = job.id, KINDS.get(job.kind)
    timeout = app.config["CRM_JOB_HEARTBEAT_TIMEOUT"]
    heartbeat = Heartbeat(db.engine, job_id, max(min(timeout / 3, 10), 0.2))
    progress_session = Session(bind=db.engine)
    heartbeat.start()
    try:
        if run is None:
            raise LookupError(f"no runner for jobs of kind {job.kind}")
        with tenant_scope(job.tenant_id), acting_as(job.username, job.user_id):
            progress = lifecycle.Progress(
                progress_session, job_id, busy_share=app.config["CRM_JOB_BUSY_SHARE"]
            )
            result = run(app, session, job, progress)
        session.rollback()
        lifecycle.finish(session, job_id, result)
    except lifecycle.JobCancelled as cancelled:
        session.rollback()
        lifecycle.mark_cancelled(session, job_id, cancelled.result)
    except Exception as exc:
        log.exception("job %s failed", job_id)
        session.rollback()
        lifecycle.fail(session, job_id, _message(exc))
    finally:
        heartbeat.stop()
        progress_session.close()
