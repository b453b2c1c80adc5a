"""The nightly health refresh: which tenants are due at a given hour (the CRM preference
``health_refresh_hour``, in the tenant's ``timezone``)."""

import datetime as dt
from typing import cast

import pytz
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.models import ACTIVE_JOB_STATUSES, Job, Tenant
from crm.models.base import utcnow
from crm.security.tenancy import tenant_scope
from crm.services.settings.preferences import get_setting

# A tenant's refresh is not submitted again within this time of the last one.
QUIET_TIME = dt.timedelta(minutes=50)


def _recent_or_active(session: Session, now: dt.datetime) -> int | None:
    return cast(
        int | None,
        session.scalar(
            select(Job.id)
            .where(
                Job.kind == "health_refresh",
                (Job.created_at > now - QUIET_TIME) | Job.status.in_(ACTIVE_JOB_STATUSES),
            )
            .limit(1)
        ),
    )


def tenants_due(session: Session, now: dt.datetime | None = None) -> list[int]:
    """Ids of the tenants whose refresh hour it is now (local time) and whose refresh
    has not been submitted this hour."""
    now = now or utcnow()
    due = []
    for tenant_id in session.scalars(select(Tenant.id).order_by(Tenant.id)).all():
        with tenant_scope(tenant_id):
            hour = get_setting(session, "health_refresh_hour")
            local = now.astimezone(pytz.timezone(get_setting(session, "timezone")))
            if local.hour == hour and _recent_or_active(session, now) is None:
                due.append(tenant_id)
    return due
