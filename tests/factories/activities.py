"""Interactions and tasks, made through their services as the app makes them, and the
times the interaction tests compare."""

import datetime as dt

from sqlalchemy import select

from crm.extensions import db
from crm.models import Customer, Interaction, Task
from crm.security.tenancy import tenant_scope
from crm.services.pipeline import interactions, tasks

UTC = dt.timezone.utc


def at(days_ago=0, hour=10):
    """A whole-minute UTC time ``days_ago`` days back."""
    day = dt.datetime.now(UTC).replace(hour=hour, minute=0, second=0, microsecond=0)
    return day - dt.timedelta(days=days_ago)


def utc(value):
    return None if value is None else interactions.as_utc(value)


def interaction(app, tenant, customer_id, summary="Called about the renewal", when=None, **fields):
    """An interaction logged by ``interactions.log_interaction``; ``fields`` are its
    (``kind``, ``deal``, ``contact``, ...). Its id."""
    with app.app_context(), tenant_scope(tenant.id):
        item = interactions.log_interaction(
            db.session, customer_id, summary, occurred_at=when or at(), **fields
        )
        pk = item.id
        db.session.remove()
    return pk


def task(app, tenant, title="Send the quote", **fields):
    """A task checked by ``tasks.prepare``; ``fields`` are Task columns (``deal_id``,
    ``status``, ``due_date``, ...). Its id."""
    with app.app_context(), tenant_scope(tenant.id):
        item = Task(tenant_id=tenant.id, title=title, **fields)
        tasks.prepare(db.session, item)
        db.session.add(item)
        db.session.commit()
        pk = item.id
        db.session.remove()
    return pk


def last_interaction_at(app, customer_id):
    with app.app_context():
        value = db.session.get(Customer, customer_id).last_interaction_at
        db.session.remove()
    return utc(value)


def newest_occurred_at(app, customer_id):
    """What ``last_interaction_at`` must equal, computed independently."""
    with app.app_context():
        values = [
            utc(i.occurred_at)
            for i in db.session.scalars(
                select(Interaction)
                .where(Interaction.customer_id == customer_id)
                .execution_options(all_tenants=True)
            )
        ]
        db.session.remove()
    return max(values) if values else None
