"""Writes the audit trail for every ORM write, whatever the entry point.

An ``after_flush`` hook turns each new, changed and deleted ``Audited`` object
into an entry with the changed fields' old and new values. Services that do
more than a plain write (archive, restore, clone, merge) name the action with
``mark``; the entry then says so.
"""

import contextlib
import contextvars
import datetime as dt
import decimal
import re
from collections.abc import Iterator
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import ColumnProperty, RelationshipProperty, Session, UOWTransaction

from crm.models.audit import AuditEntry
from crm.models.base import Audited, stored_columns, utcnow
from crm.security.tenancy import signed_in_user

# (user id, username)
Actor = tuple[int | None, str]
# column -> [old, new], JSON-ready
Changes = dict[str, list[Any]]

_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar(
    "crm_audit_actor", default=None
)
_MARKS = "crm_audit_marks"


@contextlib.contextmanager
def acting_as(username: str, user_id: int | None = None) -> Iterator[None]:
    """Name who is acting outside a request (operator commands, jobs)."""
    token = _actor.set((user_id, username))
    try:
        yield
    finally:
        _actor.reset(token)


def mark(session: Session, obj: object, action: str, summary: str | None = None) -> None:
    """Record the next write of ``obj`` under ``action`` (archive, restore, clone, merge)."""
    session.info.setdefault(_MARKS, {})[id(obj)] = (action, summary)


def entity_name(obj_or_cls: object) -> str:
    cls = obj_or_cls if isinstance(obj_or_cls, type) else type(obj_or_cls)
    name = "user" if cls.__name__ == "CrmUser" else cls.__name__
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def plain_value(value: object) -> str | list[str] | bool | int | float | None:
    """A value as the trail stores it in an entry's changes (JSON-ready)."""
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return sorted(str(v) for v in value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def who() -> Actor:
    """(user id, username) of whoever is acting: ``acting_as``, else the signed-in user."""
    actor = _actor.get()
    if actor is not None:
        return actor
    user = signed_in_user()
    return (user.id, user.username) if user is not None else (None, "system")


def entry_row(
    tenant_id: int | None,
    entity: str,
    entity_id: int | None,
    action: str,
    changes: Changes | None,
    summary: str | None,
    parent_entity: str | None = None,
    parent_id: int | None = None,
    at: dt.datetime | None = None,
    actor: Actor | None = None,
) -> dict[str, Any]:
    """One audit entry as a row of crm_audit_entry, for writers that insert many at once
    (imports); ``actor``: (user id, username), default ``who()``."""
    user_id, username = actor or who()
    return {
        "parent_entity": parent_entity,
        "parent_id": parent_id,
        "tenant_id": tenant_id,
        "user_id": user_id,
        "username": username,
        "at": at or utcnow(),
        "entity": entity,
        "entity_id": entity_id,
        "action": action,
        "changes": changes or None,
        "summary": (summary or "")[:255],
    }


def _row(obj: Any, action: str, changes: Changes, summary: str | None) -> dict[str, Any]:
    parent = getattr(type(obj), "__audit_parent__", None)
    return entry_row(
        getattr(obj, "tenant_id", None),
        entity_name(obj),
        inspect(obj).identity[0] if inspect(obj).identity else getattr(obj, "id", None),
        action,
        changes,
        summary or str(obj),
        parent_entity=parent,
        parent_id=getattr(obj, f"{parent}_id", None) if parent else None,
    )


def _columns(obj: Any) -> list[ColumnProperty[Any]]:
    excluded = set(getattr(obj, "__audit_exclude__", ()))
    return [c for c in stored_columns(type(obj)) if c.key not in excluded]


def _collections(obj: Any) -> list[RelationshipProperty[Any]]:
    mapper = inspect(type(obj))
    return [r for r in mapper.relationships if r.secondary is not None]


def _created(obj: Any) -> Changes:
    changes = {}
    for col in _columns(obj):
        value = getattr(obj, col.key)
        if value is not None and col.key != "id":
            changes[col.key] = [None, plain_value(value)]
    for rel in _collections(obj):
        value = getattr(obj, rel.key)
        if value:
            changes[rel.key] = [None, plain_value(value)]
    return changes


def _updated(obj: Any) -> Changes:
    state = inspect(obj)
    changes = {}
    for col in _columns(obj):
        hist = state.attrs[col.key].history
        if hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if plain_value(old) != plain_value(new):
                changes[col.key] = [plain_value(old), plain_value(new)]
    for rel in _collections(obj):
        hist = state.attrs[rel.key].history
        if hist.added or hist.deleted:
            kept = list(hist.unchanged)
            changes[rel.key] = [
                plain_value(kept + list(hist.deleted)),
                plain_value(kept + list(hist.added)),
            ]
    return changes


def _deleted(obj: Any) -> Changes:
    return {
        col.key: [plain_value(getattr(obj, col.key)), None]
        for col in _columns(obj)
        if getattr(obj, col.key) is not None and col.key != "id"
    }


def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    marks = session.info.get(_MARKS, {})
    rows = []
    for obj in session.new:
        if isinstance(obj, Audited):
            action, summary = marks.pop(id(obj), ("create", None))
            rows.append(_row(obj, action, _created(obj), summary))
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=True):
            changes = _updated(obj)
            action, summary = marks.pop(id(obj), ("update", None))
            if changes or action != "update":
                rows.append(_row(obj, action, changes, summary))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            action, summary = marks.pop(id(obj), ("delete", None))
            rows.append(_row(obj, action, _deleted(obj), summary))
    if rows:
        session.connection().execute(insert(AuditEntry.__table__), rows)


def _forget_marks(session: Session, *args: object) -> None:
    session.info.pop(_MARKS, None)


def install() -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_commit", _forget_marks)
        event.listen(Session, "after_rollback", _forget_marks)
