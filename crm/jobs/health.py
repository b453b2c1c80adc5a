"""The health refresh as a job: one tenant's scores (crm.services.insight.health)."""
from crm.services.insight import health


def run_health_refresh(app, session, job, progress):
    progress(0, 1, force=True)
    health.refresh_health(session, job.tenant_id)
    progress(1, 1, force=True)
    return None
