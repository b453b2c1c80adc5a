"""Jobs in the states tests need that no user action reaches directly."""

import datetime as dt

from sqlalchemy import update

from crm.extensions import db
from crm.models import Job
from crm.models.base import utcnow
from crm.services.jobs import lifecycle


def stale_job(app, job_id):
    """The job claimed by a consumer that then stopped beating (its heartbeat older than
    CRM_JOB_HEARTBEAT_TIMEOUT)."""
    timeout = app.config["CRM_JOB_HEARTBEAT_TIMEOUT"]
    with app.app_context():
        lifecycle.claim(db.session, job_id)
        db.session.execute(
            update(Job.__table__)
            .where(Job.__table__.c.id == job_id)
            .values(heartbeat_at=utcnow() - dt.timedelta(seconds=timeout + 5))
        )
        db.session.commit()
        db.session.remove()
