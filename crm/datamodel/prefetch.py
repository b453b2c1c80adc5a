"""A list's related records loaded in one query per relation, not one per row.

FAB's list pages read each row's many-to-one relations lazily as the template
prints them. ``PrefetchInterface`` loads, after a page is read, every record the
page's rows point at through the named relations (``prefetch``) with one
``IN`` query each, and hands each row its records.
"""
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from crm.datamodel.interface import CrmInterface


def prefetch(session: Session, rows: Sequence[Any], relations: Iterable[str]) -> None:
    if not rows:
        return
    mapper = type(rows[0]).__mapper__
    for name in relations:
        relation = mapper.relationships[name]
        (fk,) = relation.local_columns
        key = mapper.get_property_by_column(fk).key
        ids = {getattr(row, key) for row in rows} - {None}
        if not ids:
            continue
        target = relation.mapper.class_
        found = {r.id: r for r in session.scalars(select(target).where(target.id.in_(sorted(ids))))}
        for row in rows:
            # Set as loaded (no change to save); the rows now hold them, so the
            # session's weak identity map cannot let them go before the page is drawn.
            set_committed_value(row, name, found.get(getattr(row, key)))


class PrefetchInterface(CrmInterface):
    def __init__(self, obj: type[Any], session: Session | None = None,
                 prefetch: Iterable[str] = ()) -> None:
        super().__init__(obj, session)
        self.prefetch = tuple(prefetch)

    def query(self, *args: Any, **kwargs: Any) -> tuple[int, list[Any]]:
        count, rows = super().query(*args, **kwargs)
        prefetch(self.session, rows, self.prefetch)
        return count, rows
