"""A long child list of one record (a document's lines, a payment's allocations) read a
page at a time, so a record with thousands of them still opens quickly."""

from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import ColumnExpressionArgument, func, select
from sqlalchemy.orm import QueryableAttribute, Session, with_parent
from sqlalchemy.orm.interfaces import LoaderOption


def page_of_children(
    session: Session,
    parent: Any,
    relationship: QueryableAttribute[Any],
    page: int,
    per_page: int,
    order_by: Iterable[ColumnExpressionArgument[Any]] = (),
    joins: Iterable[QueryableAttribute[Any]] = (),
    options: Iterable[LoaderOption] = (),
) -> tuple[Sequence[Any], int, int]:
    """(the children of ``parent`` through ``relationship`` on ``page``, counted from 0,
    in ``order_by`` order; how many pages). A page past the end is the last one."""
    child = relationship.property.mapper.class_
    owned = with_parent(parent, relationship)
    total = cast(int, session.scalar(select(func.count()).select_from(child).where(owned)))
    pages = max(1, -(-total // per_page))
    page = min(max(page, 0), pages - 1)
    query = select(child)
    for target in joins:
        query = query.join(target)
    rows = session.scalars(
        query.where(owned)
        .options(*options)
        .order_by(*order_by, child.id)
        .offset(page * per_page)
        .limit(per_page)
    ).all()
    return rows, page, pages
