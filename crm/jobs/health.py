"""The health refresh as a job: one tenant's scores (crm.services.insight.health)."""

from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from crm.services.insight import health
from crm.services.jobs.lifecycle import Progress


def run_health_refresh(app: Flask, session: Session, job: Any, progress: Progress) -> None:
    progress(0, 1, force=True)
    health.refresh_health(session, job.tenant_id)
    progress(1, 1, force=True)
    return None
