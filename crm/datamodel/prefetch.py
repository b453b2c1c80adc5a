"""A list's related records loaded in one query per relation, not one per row: the one
eager-loading helper of list pages and exports.

FAB's list pages read each row's many-to-one relations lazily as the template
prints them. ``PrefetchInterface`` loads, after a page is read, every record the
page's rows point at through the named relations (``prefetch``; "stage.pipeline"
follows a relation of the loaded records) with one ``IN`` query each, and hands
each row its records. Records the session already holds are not read again.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from crm.datamodel.interface import CrmInterface


def prefetch(session: Session, rows: Sequence[Any], relations: Iterable[str]) -> None:
    """Load ``relations`` (names of many-to-one relations, dotted for a path) of ``rows``."""
    for path in relations:
        _prefetch_path(session, rows, path.split("."))


def _prefetch_path(session: Session, rows: Sequence[Any], names: list[str]) -> None:
    if not rows:
        return
    name, rest = names[0], names[1:]
    mapper = type(rows[0]).__mapper__
    relation = mapper.relationships[name]
    (fk,) = relation.local_columns
    key = mapper.get_property_by_column(fk).key
    ids = sorted({getattr(row, key) for row in rows} - {None})
    target = relation.mapper.class_
    found = _in_session(session, target, ids)
    missing = [i for i in ids if i not in found]
    if missing:
        found.update(
            (r.id, r) for r in session.scalars(select(target).where(target.id.in_(missing)))
        )
    for row in rows:
        # Set as loaded (no change to save); the rows now hold them, so the
        # session's weak identity map cannot let them go before the page is drawn.
        set_committed_value(row, name, found.get(getattr(row, key)))
    if rest:
        _prefetch_path(session, list(found.values()), rest)


def _in_session(session: Session, target: type[Any], ids: Iterable[Any]) -> dict[Any, Any]:
    """The records of ``ids`` the session already holds, loaded and not expired (the
    page read them for its filter bar, say): {id: record}."""
    held = {}
    for pk in ids:
        record = session.identity_map.get(identity_key(target, pk))
        if record is not None and not inspect(record).expired_attributes:
            held[pk] = record
    return held


class PrefetchInterface(CrmInterface):
    """List pages load ``prefetch`` with each page; without it, what ``prefetch_of`` names
    for the model (FAB builds the same class for related models, which get nothing).
    Other keywords (``after_write``, ``after_delete``) go to ``CrmInterface``."""

    prefetch_of: dict[type[Any], tuple[str, ...]] = {}  # model -> relations

    def __init__(
        self,
        obj: type[Any],
        session: Session | None = None,
        prefetch: Iterable[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(obj, session, **kwargs)
        self.prefetch = tuple(self.prefetch_of.get(obj, ()) if prefetch is None else prefetch)

    def query(self, *args: Any, **kwargs: Any) -> tuple[int, list[Any]]:
        count, rows = super().query(*args, **kwargs)
        prefetch(self.session, rows, self.prefetch)
        return count, rows
