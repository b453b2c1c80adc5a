"""Background jobs on the task queue (Huey): thin tasks that call services.

``init_app`` builds the app's queue from its config and registers the tasks; ``queue()``
is the current app's (crm.jobs.queue.JobQueue); ``run_consumer`` is ``flask crm worker``.
Kinds of job are registered with ``register_kind`` (crm.jobs.runner).
"""

import logging
import os
from typing import cast

from flask import Flask, current_app
from huey import crontab

from crm.jobs import (
    automation,
    health,
    imports,
    mail,
    reminders,
    runner,
    schedule,
    statements,
    webhooks,
)
from crm.jobs.queue import JobQueue, build_huey
from crm.jobs.runner import register_kind

log = logging.getLogger(__name__)

EXTENSION = "crm_jobs"

__all__ = ["init_app", "queue", "register_kind", "run_consumer"]


def init_app(app: Flask) -> JobQueue:
    huey = build_huey(app.config)

    def run_job(job_id: int) -> None:
        runner.run_job(app, job_id)

    run_task = huey.task(name="crm.run_job")(run_job)
    job_queue = JobQueue(huey, run_task)

    def reap_dead_jobs() -> None:
        schedule.reap_dead_jobs(app)

    def nightly_health() -> None:
        schedule.submit_nightly_health(app, job_queue)

    huey.periodic_task(crontab(minute="*"), name="crm.reap_dead_jobs")(reap_dead_jobs)
    huey.periodic_task(crontab(minute="0"), name="crm.nightly_health")(nightly_health)

    def inbound_mail() -> None:
        mail.fetch_inbound_mail(app)

    every = max(1, int(app.config.get("CRM_INBOUND_MAIL_MINUTES") or 5))
    huey.periodic_task(crontab(minute=f"*/{every}"), name="crm.inbound_mail")(inbound_mail)
    app.extensions[EXTENSION] = job_queue
    webhooks.init_app(app, huey)
    reminders.init_app(app, huey)
    automation.init_app(app, huey)
    register_kind("health_refresh", health.run_health_refresh)
    register_kind("statement_batch", statements.run_statement_batch)
    register_kind("import", imports.run_import)
    register_kind("import_preview", imports.run_import_preview)
    register_kind("email_send", mail.run_email_send)
    return job_queue


def queue(app: Flask | None = None) -> JobQueue:
    return cast(JobQueue, (app or current_app).extensions[EXTENSION])


def run_consumer(app: Flask, workers: int) -> None:
    """Run the queue's consumer in this process until it is stopped (SIGINT/SIGTERM), at
    the lower CPU priority ``CRM_JOB_NICENESS`` sets."""
    logging.basicConfig(format="%(asctime)s %(name)s %(levelname)s %(message)s")
    for name in ("huey", "crm"):
        logging.getLogger(name).setLevel(logging.INFO)
    niceness = app.config["CRM_JOB_NICENESS"]
    if niceness > 0:
        log.info("consumer niceness now %d", os.nice(niceness))
    consumer = queue(app).huey.create_consumer(
        workers=workers, worker_type="thread", periodic=True, check_worker_health=True
    )
    consumer.run()
