"""Reading a record's links the same way whichever entry point built it.

A form sets relationships (``interaction.deal = <Deal>``, or ``None`` to clear),
the API's loader sets them too, and code elsewhere may set only the foreign key
(``deal_id=7``). Until the next flush the two can disagree, so rules read the
relationship when it was set or loaded, else the foreign key.
"""

from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from crm.security.tenancy import get_owned


def linked(session: Session, item: Any, relation: str, model: type[Any]) -> Any:
    """The row ``item.<relation>`` points at (this tenant's only), or None."""
    state = inspect(item)
    if relation in state.dict:
        return state.dict[relation]
    fk = getattr(item, f"{relation}_id", None)
    return None if fk is None else get_owned(session, model, fk)


def stored(session: Session, item: Any, column: str) -> Any:
    """The value of ``column`` as saved in the database, None for a new record.

    Read with a query of the column alone, so neither the identity map nor a
    pending change of ``item`` answers in its place."""
    if getattr(item, "id", None) is None:
        return None
    model = type(item)
    with session.no_autoflush:
        return session.scalar(select(getattr(model, column)).where(model.id == item.id))
