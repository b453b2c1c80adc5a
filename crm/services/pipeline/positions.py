"""Display order of settings rows: lead statuses, pipelines and a pipeline's stages.

The order is the left-to-right order of the Kanban columns, so a new order must
name every row of its group exactly once; a partial order would leave two rows
on one position and the boards would disagree with the lists.
"""

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from crm.i18n import inputs
from crm.services.core.errors import ValidationFailed
from crm.services.core.transaction import transactional


def next_position(session: Session, model: type[Any], *criteria: ColumnElement[bool]) -> int:
    """The position after the last row of the group: new rows go to the end."""
    with session.no_autoflush:
        last = session.scalar(select(func.max(model.position)).where(*criteria))
    return 0 if last is None else last + 1


def clean_ids(ids: object) -> list[int]:
    """A list of distinct integer ids, or ValidationFailed."""
    if not isinstance(ids, (list, tuple)) or not ids:
        raise ValidationFailed({"ids": [_l("Send the new order as a list of ids.")]})
    cleaned: list[int] = []
    for value in ids:
        if isinstance(value, bool):
            raise ValidationFailed({"ids": [_l("Ids must be whole numbers.")]})
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationFailed({"ids": [_l("Ids must be whole numbers.")]}) from None
        if not 0 < number <= inputs.MAX_ID:  # beyond the id column: no row has it
            raise ValidationFailed({"ids": [_l("%(id)s is not the id of any row.", id=number)]})
        cleaned.append(number)
    if len(set(cleaned)) != len(cleaned):
        raise ValidationFailed({"ids": [_l("Each row may appear only once in the new order.")]})
    return cleaned


@transactional
def reorder(
    session: Session, model: type[Any], ids: object, *criteria: ColumnElement[bool]
) -> list[Any]:
    """Give the rows of the group (``criteria``) positions 0, 1, ... in the order of ``ids``.

    Only rows whose position changes are written (and so audited). Returns the rows in
    their new order.
    """
    ids = clean_ids(ids)
    rows = {row.id: row for row in session.scalars(select(model).where(*criteria))}
    if set(ids) != set(rows):
        raise ValidationFailed(
            {
                "ids": [
                    _l(
                        "The new order must name each of the %(count)d rows exactly once "
                        "(reload the page: someone may have added or removed one).",
                        count=len(rows),
                    )
                ]
            }
        )
    for position, pk in enumerate(ids):
        if rows[pk].position != position:
            rows[pk].position = position
    return [rows[pk] for pk in ids]
