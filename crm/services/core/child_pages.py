"""A long child list of one record (a document's lines, a payment's allocations) read a
page at a time, so a record with thousands of them still opens quickly."""
from sqlalchemy import func, select
from sqlalchemy.orm import with_parent


def page_of_children(session, parent, relationship, page, per_page, order_by=(), joins=(),
                     options=()):
    """(the children of ``parent`` through ``relationship`` on ``page``, counted from 0,
    in ``order_by`` order; how many pages). A page past the end is the last one."""
    child = relationship.property.mapper.class_
    owned = with_parent(parent, relationship)
    total = session.scalar(select(func.count()).select_from(child).where(owned))
    pages = max(1, -(-total // per_page))
    page = min(max(page, 0), pages - 1)
    query = select(child)
    for target in joins:
        query = query.join(target)
    rows = session.scalars(query.where(owned).options(*options).order_by(*order_by, child.id)
                           .offset(page * per_page).limit(per_page)).all()
    return rows, page, pages
