"""A record's activity timeline, read from the audit trail."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from crm.i18n import values as readable
from crm.models import AuditEntry
from crm.services.core.audit import entity_name

TIMELINE_LENGTH = 100


def merged_ids(session: Session, obj: Any) -> list[int]:
    """The records merged into ``obj`` (a merge re-points earlier merges to the survivor)."""
    model = type(obj)
    if not hasattr(model, "merged_into_id"):
        return []
    return list(session.scalars(select(model.id).where(model.merged_into_id == obj.id)))


def for_record(session: Session, obj: Any, limit: int = TIMELINE_LENGTH) -> list[AuditEntry]:
    """Newest first: the record's own entries and those of its children, and those of the
    records merged into it (their history moved with their children).

    Entries up to a deletion of a record with the same id belong to that deleted record
    (an id reused before ids became AUTOINCREMENT on SQLite), never to this one."""
    name = entity_name(obj)
    merged = merged_ids(session, obj)
    deleted = (
        select(func.max(AuditEntry.id))
        .where(
            AuditEntry.tenant_id == obj.tenant_id,
            AuditEntry.entity == name,
            AuditEntry.entity_id == obj.id,
            AuditEntry.action == "delete",
        )
        .scalar_subquery()
    )
    query = (
        select(AuditEntry)
        .where(AuditEntry.tenant_id == obj.tenant_id)
        .where(AuditEntry.id > func.coalesce(deleted, 0))
        .where(
            or_(
                (AuditEntry.entity == name) & (AuditEntry.entity_id == obj.id),
                (AuditEntry.parent_entity == name) & (AuditEntry.parent_id == obj.id),
                (AuditEntry.entity == name) & AuditEntry.entity_id.in_(merged),
                (AuditEntry.parent_entity == name) & AuditEntry.parent_id.in_(merged),
            )
        )
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


HIDDEN_COLUMNS = ("tenant_id",)


def named_activity(
    session: Session, obj: Any, named_columns: Mapping[str, tuple[type[Any], str | None]]
) -> list[tuple[AuditEntry, list[tuple[str, object, object]]]]:
    """``obj``'s timeline as [(entry, [(label, old, new), ...])], newest first, the values
    in words (crm.i18n.values). Columns in ``named_columns`` ({column: (model, attribute
    or None for str())}) hold ids: they are shown by the name of the row they point at
    (one query per column)."""
    entries = for_record(session, obj)
    wanted: dict[str, set[Any]] = {}
    for entry in entries:
        for column, values in (entry.changes or {}).items():
            if column in named_columns:
                wanted.setdefault(column, set()).update(v for v in values if v is not None)
    names = {}
    for column, ids in wanted.items():
        model, attr = named_columns[column]
        rows = session.scalars(select(model).where(model.id.in_(ids)))
        names[column] = {row.id: getattr(row, attr) if attr else str(row) for row in rows}
    result = []
    for entry in entries:
        changes = []
        audited = readable.model_of(entry.entity)
        if entry.action not in ("create", "delete"):
            for column, (old, new) in (entry.changes or {}).items():
                if column in HIDDEN_COLUMNS:
                    continue
                known = names.get(column)
                old, new = (
                    known.get(v, readable.EMPTY if v is None else f"#{v}")
                    if known is not None
                    else readable.value(audited, column, v)
                    for v in (old, new)
                )
                changes.append((readable.label(audited, column), old, new))
        result.append((entry, changes))
    return result
