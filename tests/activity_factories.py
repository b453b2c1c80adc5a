"""Deals, leads, interactions and tasks for the interaction and task tests.

Deals and leads are written as plain rows (their own rules are tested by their
areas); interactions and tasks go through their services, as the app does.
"""
import datetime as dt

from sqlalchemy import select

from crm.extensions import db
from crm.models import Customer, Deal, Interaction, Lead, LeadStatus, Stage, Task
from crm.security.tenancy import tenant_scope
from crm.services.pipeline import interactions, tasks

UTC = dt.timezone.utc


def at(days_ago=0, hour=10):
    """A whole-minute UTC time ``days_ago`` days back."""
    day = dt.datetime.now(UTC).replace(hour=hour, minute=0, second=0, microsecond=0)
    return day - dt.timedelta(days=days_ago)


def utc(value):
    return None if value is None else interactions.as_utc(value)


def _saved(app, tenant, build):
    with app.app_context(), tenant_scope(tenant.id):
        item = build(db.session)
        db.session.add(item)
        db.session.commit()
        pk = item.id
        db.session.remove()
    return pk


def deal(app, tenant, customer_id=None, title="Big order", stage="Lead", **fields):
    def build(s):
        found = s.scalar(select(Stage).where(Stage.tenant_id == tenant.id, Stage.name == stage))
        return Deal(tenant_id=tenant.id, title=title, customer_id=customer_id,
                    pipeline_id=found.pipeline_id, stage_id=found.id, **fields)
    return _saved(app, tenant, build)


def lead(app, tenant, title="Website enquiry", status="New", **fields):
    def build(s):
        found = s.scalar(select(LeadStatus).where(LeadStatus.tenant_id == tenant.id,
                                                  LeadStatus.name == status))
        return Lead(tenant_id=tenant.id, title=title, status_id=found.id, **fields)
    return _saved(app, tenant, build)


def interaction(app, tenant, customer_id, summary="Called about the renewal", when=None, **fields):
    with app.app_context(), tenant_scope(tenant.id):
        item = interactions.log_interaction(db.session, customer_id, summary,
                                            occurred_at=when or at(), **fields)
        pk = item.id
        db.session.remove()
    return pk


def task(app, tenant, title="Send the quote", **fields):
    def build(s):
        item = Task(tenant_id=tenant.id, title=title, **fields)
        tasks.prepare(s, item)
        return item
    return _saved(app, tenant, build)


def last_interaction_at(app, customer_id):
    with app.app_context():
        value = db.session.get(Customer, customer_id).last_interaction_at
        db.session.remove()
    return utc(value)


def newest_occurred_at(app, customer_id):
    """What ``last_interaction_at`` must equal, computed independently."""
    with app.app_context():
        values = [utc(i.occurred_at) for i in db.session.scalars(
            select(Interaction).where(Interaction.customer_id == customer_id)
            .execution_options(all_tenants=True))]
        db.session.remove()
    return max(values) if values else None
