"""What the deal and lead boards share: a column's cards a page at a time.

Each board's service (``deal_board``, the board part of ``leads``) has the same
shape: ``column_figures(session, column_ids, …)`` for the headers, ``board_column``
for a column of the tenant, ``column_cards(session, column, offset)`` through
``card_page`` below, and a ``@transactional`` move that returns the column left.
"""

from typing import Any, cast

from sqlalchemy import Select
from sqlalchemy.orm import Session

from crm.services.settings import preferences

KANBAN_PAGE_SIZE = cast(int, preferences.DEFAULTS["kanban_page_size"])
MAX_KANBAN_PAGE_SIZE = 100


def page_size(session: Session, size: int | str | None = None) -> int:
    """Cards per request: ``size``, else the CRM setting ``kanban_page_size``, kept
    between 1 and ``MAX_KANBAN_PAGE_SIZE``."""
    if size is None:
        size = preferences.get_setting(session, "kanban_page_size")
    try:
        size = int(size)
    except (TypeError, ValueError):
        size = KANBAN_PAGE_SIZE
    return min(max(size, 1), MAX_KANBAN_PAGE_SIZE)


def card_page(
    session: Session, query: Select[Any], offset: int | None = 0, size: int | str | None = None
) -> tuple[list[Any], int | None]:
    """One page of a column's ``query`` (already in card order): (rows, next offset or None)."""
    size = page_size(session, size)
    offset = max(int(offset or 0), 0)
    rows = list(session.scalars(query.offset(offset).limit(size + 1)))
    more = len(rows) > size
    return rows[:size], (offset + size if more else None)
