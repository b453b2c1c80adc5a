"""Which linked records stop a parent from being deleted.

Each area registers its own links (``blocks_delete``); ``delete_blockers``
counts them so the refusal can say exactly what is in the way.
"""
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

# parent model -> [(child model or link table, its column pointing at the parent, label)]
_BLOCKERS: dict[type[Any], list[tuple[type[Any] | Table, Any, Any]]] = {}


def blocks_delete(parent: type[Any], child: type[Any] | Table, column: Any, label: object) -> None:
    """Rows of ``child`` whose ``column`` points at a ``parent`` keep it from deletion."""
    entries = _BLOCKERS.setdefault(parent, [])
    # Both ends of a link may register it (tasks of a lead: the lead's area and the
    # tasks'); it is counted once.
    if not any(c is child and col is column for c, col, _ in entries):
        entries.append((child, column, label))


def delete_blockers(session: Session, obj: Any) -> list[tuple[Any, int]]:
    """[(label, count), ...] of linked records that prevent deleting ``obj``."""
    found = []
    for child, column, label in _BLOCKERS.get(type(obj), []):
        count = session.scalar(
            select(func.count()).select_from(child).where(column == obj.id),
            execution_options={"all_tenants": True},
        )
        if count:
            found.append((label, count))
    return found
