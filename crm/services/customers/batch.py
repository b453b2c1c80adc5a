"""Batch actions on a selection of customers, row by row with the single-record rules.

Each action tries every selected customer on its own: a refused row is rolled back and
reported with its reason, the others are saved. The result says how many succeeded,
which were left as they were, and why each failure happened.
"""
import dataclasses

from flask_babel import gettext
from sqlalchemy import select

from crm.models import CrmUser, Customer, CustomerGroup, Tag
from crm.services.core.errors import CrmError, NotFound
from crm.services.core.transaction import transaction
from crm.services.customers import customers as customer_rules


@dataclasses.dataclass
class BatchResult:
    done: list = dataclasses.field(default_factory=list)        # customers changed
    unchanged: list = dataclasses.field(default_factory=list)   # already as asked
    failed: list = dataclasses.field(default_factory=list)      # (customer, reason)

    def as_json(self):
        return {"done": [c.id for c in self.done], "unchanged": [c.id for c in self.unchanged],
                "failed": [{"id": c.id, "name": c.name, "reason": reason} for c, reason in self.failed]}


def _reason(exc):
    if exc.errors:
        return "; ".join(f"{field}: {', '.join(str(m) for m in msgs)}" for field, msgs in exc.errors.items())
    return str(exc.message)


def _each(session, customers, change):
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


def archive(session, customers):
    return _each(session, customers, lambda c: customer_rules.archive(session, c))


def restore(session, customers):
    return _each(session, customers, lambda c: customer_rules.restore(session, c))


def _saved(session, customer, apply):
    """Apply a field change and save it through the customer's own checks."""
    if apply(customer) is False:
        return False
    customer_rules.prepare(session, customer)
    return True


def _owned(session, model, pk, label):
    try:
        row = session.scalar(select(model).where(model.id == int(pk)))
    except (TypeError, ValueError):
        row = None
    if row is None:
        raise NotFound(gettext("There is no %(what)s #%(id)s.", what=label, id=pk))
    return row


def assign_group(session, customers, group_id):
    """``group_id`` None clears the group; an inactive group is refused."""
    group = None
    if group_id not in (None, ""):
        group = _owned(session, CustomerGroup, group_id, gettext("customer group"))
        if not group.is_active:
            raise CrmError(gettext("%(name)s is not active.", name=group.name))

    def change(customer):
        if customer.customer_group_id == (group.id if group else None):
            return False
        customer.customer_group = group
    return _each(session, customers, lambda c: _saved(session, c, change))


def assign_owner(session, customers, user_id):
    owner = _owned(session, CrmUser, user_id, gettext("user")) if user_id not in (None, "") else None

    def change(customer):
        if customer.owner_id == (owner.id if owner else None):
            return False
        customer.owner = owner
    return _each(session, customers, lambda c: _saved(session, c, change))


def add_tag(session, customers, tag_id):
    tag = _owned(session, Tag, tag_id, gettext("tag"))

    def change(customer):
        if tag in customer.tags:
            return False
        customer.tags = [*customer.tags, tag]
    return _each(session, customers, lambda c: _saved(session, c, change))


def remove_tag(session, customers, tag_id):
    tag = _owned(session, Tag, tag_id, gettext("tag"))

    def change(customer):
        if tag not in customer.tags:
            return False
        customer.tags = [t for t in customer.tags if t != tag]
    return _each(session, customers, lambda c: _saved(session, c, change))


def load(session, ids):
    """This tenant's customers among ``ids``, in the order given (others are dropped)."""
    found = {c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_(ids)))}
    return [found[i] for i in ids if i in found]
