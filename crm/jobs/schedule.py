"""Periodic tasks: the dead-consumer rule every minute, the nightly health refresh
checked every hour (each tenant at its own hour)."""

import datetime as dt
from typing import cast

from flask import Flask
from sqlalchemy.orm import Session

from crm.extensions import db
from crm.jobs.one_at_a_time import one_at_a_time
from crm.jobs.queue import JobQueue
from crm.security.tenancy import tenant_scope
from crm.services.bulk.imports import run_jobs
from crm.services.jobs import lifecycle, nightly


def reap_dead_jobs(app: Flask) -> int:
    """The dead-consumer rule; import runs of the jobs it failed are failed with them."""
    with app.app_context():
        try:
            session = cast(Session, db.session)
            reaped = lifecycle.reap_dead(session, app.config["CRM_JOB_HEARTBEAT_TIMEOUT"])
            run_jobs.follow_all(session, all_tenants=True)
            return reaped
        finally:
            db.session.remove()


def submit_nightly_health(app: Flask, queue: JobQueue, now: dt.datetime | None = None) -> list[int]:
    """Submit a health refresh for every tenant whose hour it is; returns their ids.
    Every consumer sends this task each hour: one submits, the others find it done (or
    being done) and submit nothing."""
    with app.app_context(), one_at_a_time(app, "crm.nightly_health") as mine:
        if not mine:
            return []
        try:
            session = cast(Session, db.session)  # a scoped proxy of the thread's Session
            due = nightly.tenants_due(session, now)
            for tenant_id in due:
                with tenant_scope(tenant_id):
                    lifecycle.submit(session, queue, "health_refresh", {}, tenant_id=tenant_id)
            return due
        finally:
            db.session.remove()
