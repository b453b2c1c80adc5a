"""Batch actions on a selection of customers, row by row with the single-record rules.

Each action tries every selected customer on its own: a refused row is rolled back and
reported with its reason, the others are saved. The result says how many succeeded,
which were left as they were, and why each failure happened.
"""

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.models import CrmUser, Customer, CustomerGroup, Tag
from crm.services.core.errors import CrmError, NotFound
from crm.services.core.transaction import transaction
from crm.services.customers import customers as customer_rules


@dataclasses.dataclass
class BatchResult:
    done: list[Customer] = dataclasses.field(default_factory=list)  # customers changed
    unchanged: list[Customer] = dataclasses.field(default_factory=list)  # already as asked
    # (customer, reason)
    failed: list[tuple[Customer, str]] = dataclasses.field(default_factory=list)

    def as_json(self) -> dict[str, list[Any]]:
        return {
            "done": [c.id for c in self.done],
            "unchanged": [c.id for c in self.unchanged],
            "failed": [{"id": c.id, "name": c.name, "reason": reason} for c, reason in self.failed],
        }


def _reason(exc: CrmError) -> str:
    if exc.errors:
        return "; ".join(
            f"{field}: {', '.join(str(m) for m in msgs)}" for field, msgs in exc.errors.items()
        )
    return str(exc.message)


# Changes one customer; False when it already was as asked.
Change = Callable[[Customer], bool | None]


def _each(session: Session, customers: Iterable[Customer | None], change: Change) -> BatchResult:
    """``change(customer)`` returns False when the row already was as asked; it may raise
    CrmError to refuse the row. Every row is its own transaction: a refused one is rolled
    back, the accepted ones are saved."""
    result = BatchResult()
    for customer in customers:
        if customer is None:
            continue
        try:
            with transaction(session):
                changed = change(customer) is not False
        except CrmError as exc:
            result.failed.append((customer, _reason(exc)))
            continue
        (result.done if changed else result.unchanged).append(customer)
    return result


def archive(session: Session, customers: Iterable[Customer | None]) -> BatchResult:
    return _each(session, customers, lambda c: customer_rules.archive(session, c))


def restore(session: Session, customers: Iterable[Customer | None]) -> BatchResult:
    return _each(session, customers, lambda c: customer_rules.restore(session, c))


def _saved(session: Session, customer: Customer, apply: Change) -> bool:
    """Apply a field change and save it through the customer's own checks."""
    if apply(customer) is False:
        return False
    customer_rules.prepare(session, customer)
    return True


def _owned(session: Session, model: type[Any], pk: Any, label: str) -> Any:
    try:
        row = session.scalar(select(model).where(model.id == int(pk)))
    except (TypeError, ValueError):
        row = None
    if row is None:
        raise NotFound(gettext("There is no %(what)s #%(id)s.", what=label, id=pk))
    return row


def assign_group(
    session: Session, customers: Iterable[Customer | None], group_id: int | str | None
) -> BatchResult:
    """``group_id`` None clears the group; an inactive group is refused."""
    group = None
    if group_id not in (None, ""):
        group = _owned(session, CustomerGroup, group_id, gettext("customer group"))
        if not group.is_active:
            raise CrmError(gettext("%(name)s is not active.", name=group.name))

    def change(customer: Customer) -> bool | None:
        if customer.customer_group_id == (group.id if group else None):
            return False
        customer.customer_group = group
        return None

    return _each(session, customers, lambda c: _saved(session, c, change))


def assign_owner(
    session: Session, customers: Iterable[Customer | None], user_id: int | str | None
) -> BatchResult:
    owner = (
        _owned(session, CrmUser, user_id, gettext("user")) if user_id not in (None, "") else None
    )

    def change(customer: Customer) -> bool | None:
        if customer.owner_id == (owner.id if owner else None):
            return False
        customer.owner = owner
        return None

    return _each(session, customers, lambda c: _saved(session, c, change))


def add_tag(
    session: Session, customers: Iterable[Customer | None], tag_id: int | str | None
) -> BatchResult:
    tag = _owned(session, Tag, tag_id, gettext("tag"))

    def change(customer: Customer) -> bool | None:
        if tag in customer.tags:
            return False
        customer.tags = [*customer.tags, tag]
        return None

    return _each(session, customers, lambda c: _saved(session, c, change))


def remove_tag(
    session: Session, customers: Iterable[Customer | None], tag_id: int | str | None
) -> BatchResult:
    tag = _owned(session, Tag, tag_id, gettext("tag"))

    def change(customer: Customer) -> bool | None:
        if tag not in customer.tags:
            return False
        customer.tags = [t for t in customer.tags if t != tag]
        return None

    return _each(session, customers, lambda c: _saved(session, c, change))


def load(session: Session, ids: Sequence[int]) -> list[Customer]:
    """This tenant's customers among ``ids``, in the order given (others are dropped)."""
    found = {c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_(ids)))}
    return [found[i] for i in ids if i in found]
