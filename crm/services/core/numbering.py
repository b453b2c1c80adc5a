"""Numbers unique per tenant: customer codes (C000042) and document numbers (SO-000042,
INV-..., PAY-..., CN-..., CT-...), handed out from the tenant's own counter rows."""

import re
from collections.abc import Callable
from typing import Any, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import QueryableAttribute, Session, scoped_session

from crm.models import NumberSequence
from crm.security.tenancy import current_tenant_id
from crm.services.core.errors import ValidationFailed

NUMBER_TAKEN = _l("This number was just taken; save again to get the next free one.")

PREFIXES = {
    "SalesOrder": "SO-",
    "Invoice": "INV-",
    "Payment": "PAY-",
    "CreditNote": "CN-",
    "Contract": "CT-",
}


def take_numbers(
    session: Session,
    tenant_id: int,
    series: str,
    count: int = 1,
    floor: int | None = None,
    seed: Callable[[], int] | None = None,
) -> int:
    """Reserve ``count`` consecutive numbers of the tenant's ``series``; returns the first.

    The counter row is changed by one UPDATE ... RETURNING, which holds it (PostgreSQL's
    row lock, SQLite's write lock) until the caller's transaction ends, so concurrent
    saves never get the same number; numbers of a rolled-back save are skipped. ``floor``
    lifts the counter to at least that number; ``seed()`` gives the first number of a
    series without a counter yet (records numbered before counters existed).
    """
    table = NumberSequence.__table__
    current = table.c.next_value
    start = current if floor is None else case((current > floor, current), else_=floor)
    taking = (
        update(table)
        .where(table.c.tenant_id == tenant_id, table.c.name == series)
        .values(next_value=start + count)
        .returning(table.c.next_value)
    )
    after = session.execute(taking).scalar()
    if after is None:
        first = max(seed() if seed is not None else 1, floor or 1)
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(
            insert(table)
            .values(tenant_id=tenant_id, name=series, next_value=first)
            .on_conflict_do_nothing()
        )
        after = session.execute(taking).scalar()
    return cast(int, after) - count


def highest_in_series(
    session: Session,
    column: QueryableAttribute[str],
    tenant_column: QueryableAttribute[int],
    tenant_id: int,
    prefix: str,
) -> int:
    """The highest number already used in the tenant's ``prefix`` series, 0 for none."""
    highest = session.scalar(
        select(column)
        .where(tenant_column == tenant_id, column.like(f"{prefix}%"))
        .order_by(func.length(column).desc(), column.desc())
        .limit(1),
        execution_options={"all_tenants": True},
    )
    match = re.search(r"(\d+)$", highest or "")
    return int(match.group(1)) if match else 0


def _held_by_this_transaction(
    session: Session | scoped_session[Session], tenant_id: int, series: str
) -> list[str]:
    """Numbers this transaction took from the counter (reserved for it until it ends)."""
    if isinstance(session, scoped_session):
        session = session()
    transaction = session.get_transaction()
    held: tuple[Any, dict[tuple[int, str], list[str]]] | None = session.info.get("crm_numbers")
    if held is None or held[0] is not transaction:
        held = session.info["crm_numbers"] = (transaction, {})
    return held[1].setdefault((tenant_id, series), [])


def next_free(
    session: Session,
    tenant_id: int,
    series: str,
    shown: Callable[[int], str],
    is_taken: Callable[[str], bool],
    floor: int | None = None,
    seed: Callable[[], int] | None = None,
) -> str:
    """The next number of the series, as ``shown(number)``, that ``is_taken`` refuses not.

    A form checks a copy of the record before saving it (both through the service's
    rules): a number this transaction took that no record kept is handed out again, so
    that check does not burn one."""
    held = _held_by_this_transaction(session, tenant_id, series)
    for value in held:
        if not is_taken(value):
            return value
    while True:
        value = shown(take_numbers(session, tenant_id, series, floor=floor, seed=seed))
        held.append(value)
        if not is_taken(value):
            return value


def in_use(
    session: Session,
    model: type[Any],
    column: QueryableAttribute[Any],
    tenant_id: int,
    value: object,
) -> bool:
    """Whether a record of the tenant (saved, or about to be) has ``value`` in ``column``."""
    if any(isinstance(obj, model) and getattr(obj, column.key) == value for obj in session.new):
        return True
    return (
        session.scalar(
            select(model.id).where(model.tenant_id == tenant_id, column == value),
            execution_options={"all_tenants": True},
        )
        is not None
    )


def next_number(session: Session, model: type[Any], tenant_id: int | None = None) -> str:
    """The next free number of ``model`` for the tenant from its counter, never below one
    more than the highest number in the tenant's own series (numbers typed by hand in
    another form are left alone), skipping any already taken."""
    tenant_id = tenant_id if tenant_id is not None else current_tenant_id()
    prefix = PREFIXES[model.__name__]
    floor = highest_in_series(session, model.number, model.tenant_id, tenant_id, prefix) + 1
    return next_free(
        session,
        tenant_id,
        model.__name__,
        lambda n: f"{prefix}{n:06d}",
        lambda value: in_use(session, model, model.number, tenant_id, value),
        floor=floor,
    )


def commit_numbered(session: Session) -> None:
    """Commit a document whose number is unique per tenant. Two users saving at the
    same moment can be given the same next number; the later commit is refused by the
    database and reported on the number field (nothing is saved)."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ValidationFailed({"number": [NUMBER_TAKEN]}) from None


def flush_numbered(session: Session) -> None:
    """Flush a new numbered document before anything else is written with it; a number
    taken meanwhile is refused as in ``commit_numbered``."""
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ValidationFailed({"number": [NUMBER_TAKEN]}) from None
