"""Periodic tasks: the dead-consumer rule every minute, the nightly health refresh
checked every hour (each tenant at its own hour)."""
from crm.extensions import db
from crm.security.tenancy import tenant_scope
from crm.services.jobs import lifecycle, nightly


def reap_dead_jobs(app):
    with app.app_context():
        try:
            return lifecycle.reap_dead(db.session, app.config["CRM_JOB_HEARTBEAT_TIMEOUT"])
        finally:
            db.session.remove()


def submit_nightly_health(app, queue, now=None):
    """Submit a health refresh for every tenant whose hour it is; returns their ids."""
    with app.app_context():
        try:
            due = nightly.tenants_due(db.session, now)
            for tenant_id in due:
                with tenant_scope(tenant_id):
                    lifecycle.submit(db.session, queue, "health_refresh", {},
                                     tenant_id=tenant_id)
            return due
        finally:
            db.session.remove()
