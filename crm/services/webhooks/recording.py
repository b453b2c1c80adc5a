"""Events of the watched records, recorded as deliveries once the writer's transaction has
committed (never inside it): an ``after_flush`` hook notes what changed, an
``after_commit`` hook writes one delivery per subscribed endpoint in a transaction of
its own and hands each to the app's sender (the task queue, crm.jobs.webhooks), then
passes the same notes to the app's other listeners (automation rules, crm.jobs.automation).

Installed per app with ``install(app, send)``; an app without it records nothing.
Writes made inside ``caused_by(chain)`` carry that chain of automation rules in their notes.
"""

import contextlib
import contextvars
import datetime as dt
import decimal
import json
import logging
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, UOWTransaction

from crm.models import Deal, Lead, Stage, Task, Tenant, WebhookDelivery, WebhookEndpoint
from crm.models.base import Audited, stored_columns, utcnow
from crm.security.tenancy import tenant_scope
from crm.services.core.audit import plain_value, who
from crm.services.webhooks.catalogue import RECORDS

log = logging.getLogger(__name__)

EXTENSION = "crm_webhooks"
_PENDING = "crm_webhook_events"
# Columns whose change alone is no update of the record.
_QUIET = {"updated_at", "version", "search_text"}
# Records noted: the webhooks' records, and tasks (which automation rules watch too).
WATCHED: dict[type, str] = {**RECORDS, Task: "task"}


@dataclass(frozen=True)
class Cause:
    """The automation rules whose actions made the writes (first rule first), and the user
    whose change started the chain."""

    rule_ids: tuple[int, ...] = ()
    actor_id: int | None = None


_cause: contextvars.ContextVar[Cause | None] = contextvars.ContextVar(
    "crm_write_cause", default=None
)


@contextlib.contextmanager
def caused_by(cause: Cause | None) -> Iterator[None]:
    """Writes inside the block are noted as made by ``cause``'s rules (None: by whoever acts)."""
    token = _cause.set(cause)
    try:
        yield
    finally:
        _cause.reset(token)


@dataclass
class Noted:
    """What one flush did to one watched record."""

    tenant_id: int
    model: type
    record_id: int
    events: list[str]
    occurred_at: dt.datetime
    data: dict[str, Any] | None = None  # a deleted record, serialised before it went
    # column -> [old, new] of an update, JSON-ready
    changes: dict[str, list[Any]] = field(default_factory=dict)
    cause: Cause = Cause()


@dataclass
class Hooks:
    send: Callable[[int], None]
    serialise: Callable[[Any], dict[str, Any] | None]
    # Called with the notes of every commit, after the deliveries are recorded.
    listeners: list[Callable[[list[Noted]], None]] = field(default_factory=list)


def listen(app: Any, listener: Callable[[list[Noted]], None]) -> None:
    """Pass the notes of every committed transaction to ``listener`` (after ``install``)."""
    app.extensions[EXTENSION].listeners.append(listener)


def install(app: Any, send: Callable[[int], None]) -> None:
    """Record the app's events and pass each new delivery's id to ``send``."""
    app.extensions[EXTENSION] = Hooks(send=send, serialise=lambda record: api_view(app, record))
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _forget)


def _hooks() -> Hooks | None:
    if not has_app_context():
        return None
    hooks = current_app.extensions.get(EXTENSION)
    return hooks if isinstance(hooks, Hooks) else None


def plain(value: Any) -> Any:
    """JSON-ready, as the API writes it: decimals as strings, dates in ISO 8601."""
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def api_view(app: Any, record: Any) -> dict[str, Any] | None:
    """``record`` as ``GET /api/v1/<entity>/<id>`` shows it to an Admin (who sees every
    figure, so nothing is masked)."""
    for view in app.appbuilder.baseviews:
        datamodel = getattr(view, "datamodel", None)
        schema = getattr(view, "show_model_schema", None)
        if schema is not None and getattr(datamodel, "obj", None) is type(record):
            dumped = schema.dump(record)
            data: dict[str, Any] = json.loads(json.dumps(dumped, default=plain))
            data.setdefault("id", record.id)
            return data
    return None


def _changed(obj: Any, key: str) -> tuple[Any, Any] | None:
    history = inspect(obj).attrs[key].history
    if not history.has_changes():
        return None
    old = history.deleted[0] if history.deleted else None
    new = history.added[0] if history.added else None
    return None if old == new else (old, new)


def _changes(obj: Any) -> dict[str, list[Any]]:
    excluded = set(getattr(obj, "__audit_exclude__", ())) if isinstance(obj, Audited) else set()
    found = {}
    for col in stored_columns(type(obj)):
        if col.key in _QUIET or col.key in excluded:
            continue
        change = _changed(obj, col.key)
        if change:
            found[col.key] = [plain_value(change[0]), plain_value(change[1])]
    return found


def _updated(obj: Any) -> bool:
    return bool(_changes(obj))


def _update_events(session: Session, obj: Any, prefix: str) -> list[str]:
    events = [f"{prefix}.updated"] if _updated(obj) else []
    if isinstance(obj, Deal) and _changed(obj, "stage_id"):
        events.append("deal.stage_changed")
        stage = session.get(Stage, obj.stage_id)
        if stage is not None and stage.is_won:
            events.append("deal.won")
        elif stage is not None and stage.is_lost:
            events.append("deal.lost")
    if isinstance(obj, Lead):
        converted = _changed(obj, "converted_at")
        if converted and converted[0] is None and converted[1] is not None:
            events.append("lead.converted")
    return events


def _subscribed(session: Session, tenant_id: int, events: list[str]) -> bool:
    rows = session.execute(
        select(WebhookEndpoint.events)
        .where(WebhookEndpoint.tenant_id == tenant_id, WebhookEndpoint.is_active.is_(True))
        .execution_options(all_tenants=True)
    ).all()
    return any(set(events) & set(row[0] or ()) for row in rows)


def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    hooks = _hooks()
    if hooks is None:
        return
    now = utcnow()
    cause = _cause.get() or Cause(actor_id=who()[0])
    noted: list[Noted] = []
    for obj in session.new:
        prefix = WATCHED.get(type(obj))
        if prefix is not None:
            created = [f"{prefix}.created"]
            noted.append(Noted(obj.tenant_id, type(obj), obj.id, created, now, cause=cause))
    for obj in session.dirty:
        prefix = WATCHED.get(type(obj))
        if prefix is not None and session.is_modified(obj):
            events = _update_events(session, obj, prefix)
            if events:
                changes = _changes(obj)
                noted.append(
                    Noted(obj.tenant_id, type(obj), obj.id, events, now, None, changes, cause)
                )
    for obj in session.deleted:
        prefix = RECORDS.get(type(obj))  # rules act on no deletion: only webhooks want these
        if prefix is None:
            continue
        deleted = Noted(obj.tenant_id, type(obj), obj.id, [f"{prefix}.deleted"], now)
        # Afterwards the record is gone: serialise it now, if anyone will be sent it.
        if _subscribed(session, obj.tenant_id, deleted.events):
            deleted.data = hooks.serialise(obj) or {"id": obj.id}
            noted.append(deleted)
    if noted:
        session.info.setdefault(_PENDING, []).extend(noted)


def _forget(session: Session, *args: object) -> None:
    session.info.pop(_PENDING, None)


def _after_commit(session: Session) -> None:
    noted = session.info.pop(_PENDING, None)
    hooks = _hooks()
    if not noted or hooks is None:
        return
    try:
        delivery_ids = record(Session(bind=session.get_bind()), noted, hooks.serialise)
    except Exception:  # the user's work is saved; an event lost is logged, not raised
        log.exception("webhook events of a committed transaction not recorded")
        delivery_ids = []
    for delivery_id in delivery_ids:
        try:
            hooks.send(delivery_id)
        except Exception:  # still pending: the periodic retry sends it
            log.warning("webhook delivery %s not queued", delivery_id, exc_info=True)
    for listener in hooks.listeners:
        try:
            listener(noted)
        except Exception:
            log.exception("a listener of committed record events failed")


def record(
    session: Session, noted: list[Noted], serialise: Callable[[Any], dict[str, Any] | None]
) -> list[int]:
    """Write the deliveries of ``noted`` events to their tenants' subscribed endpoints, in
    one transaction of ``session`` (closed after); their ids."""
    with session:
        endpoints = _endpoints_by_tenant(session, {n.tenant_id for n in noted})
        if not endpoints:
            return []
        deliveries = []
        for item in noted:
            subscribed = endpoints.get(item.tenant_id)
            if not subscribed:
                continue
            wanted = [(e, ep) for e in item.events for ep in subscribed[1] if e in ep.events]
            if not wanted:
                continue
            with tenant_scope(item.tenant_id):
                data = item.data
                if data is None:
                    record_now = session.get(item.model, item.record_id)
                    if record_now is None:  # undone by a savepoint's rollback, or deleted
                        continue
                    data = serialise(record_now) or {"id": item.record_id}
            event_ids = {name: str(uuid.uuid4()) for name, _ in wanted}
            for name, endpoint in wanted:
                deliveries.append(
                    WebhookDelivery(
                        tenant_id=item.tenant_id,
                        endpoint_id=endpoint.id,
                        uuid=str(uuid.uuid4()),
                        event=name,
                        payload=payload(
                            event_ids[name], name, item.occurred_at, subscribed[0], data
                        ),
                        status="pending",
                        attempt_count=0,
                        next_attempt_at=item.occurred_at,
                    )
                )
        if not deliveries:
            return []
        session.add_all(deliveries)
        session.flush()
        delivery_ids = [d.id for d in deliveries]
        session.commit()
        return delivery_ids


def payload(
    event_id: str, name: str, occurred_at: dt.datetime, tenant: Any, data: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": event_id,
        "event": name,
        "occurred_at": occurred_at.isoformat(),
        "tenant": {"id": tenant.id, "name": tenant.name},
        "data": data,
    }


def _endpoints_by_tenant(
    session: Session, tenant_ids: set[int]
) -> dict[int, tuple[Tenant, list[WebhookEndpoint]]]:
    rows = session.scalars(
        select(WebhookEndpoint)
        .where(WebhookEndpoint.tenant_id.in_(tenant_ids), WebhookEndpoint.is_active.is_(True))
        .order_by(WebhookEndpoint.id)
        .execution_options(all_tenants=True)
    ).all()
    found: dict[int, tuple[Tenant, list[WebhookEndpoint]]] = {}
    for endpoint in rows:
        if endpoint.tenant_id not in found:
            tenant = session.get(Tenant, endpoint.tenant_id)
            found[endpoint.tenant_id] = (tenant, [])
        found[endpoint.tenant_id][1].append(endpoint)
    return found
