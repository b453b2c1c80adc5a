"""Sales orders: pre-fill from the customer, checks before saving, numbering, totals
and the order's life.

A quote is a draft order and the only editable state. Its life::

    quote --confirm (credit check)--> pending --ship--> shipped
    pending/shipped --invoice made from it--> invoiced --all its invoices paid--> paid
    quote/pending/shipped --cancel--> cancelled

Confirming checks the customer's credit (crm.services.ledger.credit_rule, point "order").
Every write recomputes the lines and totals (ledger.compute_totals) and the
customer's order figures (ledger.refresh_customer) in the same transaction.

``sync_order_from_invoices(session, order)`` moves an invoiced order to paid when
all its live invoices are paid (and back when one no longer is); whoever changes
invoice statuses calls it in the same transaction.
"""

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.fields.ledger import ORDER_STATUSES
from crm.models import Invoice, SalesOrder, SalesOrderLine
from crm.models.base import utcnow
from crm.services.core.delete_rules import delete_blockers
from crm.services.core.errors import NotAllowed, ValidationFailed
from crm.services.core.numbering import flush_numbered
from crm.services.core.transaction import transactional
from crm.services.ledger import document_lines as dl, limits
from crm.services.ledger.arithmetic import compute_totals, refresh_customer
from crm.services.ledger.credit_rule import check_credit

EDITABLE = ("quote",)
CANCELLABLE = ("quote", "pending", "shipped")
# Orders an invoice may be made from (an invoiced one only once its invoices are void).
INVOICEABLE = ("pending", "shipped", "invoiced")
HEADER_FIELDS = (
    "number",
    "customer",
    "order_date",
    "currency",
    "discount_rate",
    "payment_term",
    "billing_address",
    "shipping_address",
    "reference",
    "notes",
)
STATUS_LABELS = ORDER_STATUSES


def prefill(session: Session, customer: Any) -> dict[str, Any]:
    """What a new order for ``customer`` starts with: its currency, discount, payment
    term and default billing and shipping addresses; dated today."""
    return {
        "customer": customer,
        "order_date": dt.date.today(),
        "currency": customer.currency,
        "discount_rate": customer.discount_rate,
        "payment_term": customer.payment_term,
        "billing_address": dl.default_address(session, customer, "billing"),
        "shipping_address": dl.default_address(session, customer, "shipping"),
    }


def current_values(order: Any) -> dict[str, Any]:
    return {field: getattr(order, field) for field in HEADER_FIELDS}


@transactional
def save_order(
    session: Session,
    order: Any,
    values: Mapping[str, Any],
    lines: object = None,
    skip_blank_lines: bool = False,
    max_lines: int | None = limits.DOCUMENT_LINES,
) -> Any:
    """Create (``order`` new) or change a quote from header ``values`` and ``lines``
    (dicts of LINE_FIELDS; None keeps the lines). Fields left out of ``values`` keep
    their value; a new order takes them from the customer (see ``prefill``).
    Raises ValidationFailed listing every problem; one transaction."""
    limits.check_lines(lines, max_lines)
    is_new = order.id is None
    if not is_new and order.status not in EDITABLE:
        raise NotAllowed(
            gettext(
                "Order %(number)s is %(status)s; only quotes can be changed.",
                number=order.number,
                status=STATUS_LABELS[order.status],
            )
        )
    errors: dl.Errors = {}
    with session.no_autoflush:
        previous = None if is_new else order.customer
        customer = dl.resolve_customer(errors, values.get("customer", previous), previous)
        base = (
            prefill(session, customer)
            if is_new and customer is not None
            else ({} if is_new else current_values(order))
        )
        merged = {**base, **values}
        if previous is not None and customer is not previous and "currency" not in values:
            merged["currency"] = None  # another customer: its currency
        header = {
            "number": dl.check_number(session, errors, SalesOrder, order, merged.get("number")),
            "order_date": dl.check(errors, "order_date", dl.clean_date, merged.get("order_date")),
            "currency": dl.check_currency(errors, merged.get("currency"), customer),
            "discount_rate": dl.check(
                errors,
                "discount_rate",
                dl.clean_rate,
                0 if dl.blank(merged.get("discount_rate")) else merged.get("discount_rate"),
            ),
            "payment_term": dl.resolve_payment_term(errors, merged.get("payment_term")),
            "reference": dl.check(
                errors,
                "reference",
                dl.clean_text,
                merged.get("reference"),
                dl.TEXT_LIMITS["reference"],
            ),
        }
        for field in ("billing_address", "shipping_address", "notes"):
            header[field] = dl.check(errors, field, dl.clean_text, merged.get(field))
        new_lines = None
        if lines is not None:
            new_lines = dl.clean_lines(
                lines, header["discount_rate"] or 0, errors, skip_blank_lines
            )
        if errors:
            raise ValidationFailed(errors)
        order.customer = customer
        for field, value in header.items():
            if field != "number" or value is not None:
                setattr(order, field, value)
        if new_lines is not None:
            dl.replace_lines(order, SalesOrderLine, new_lines)
        compute_totals(order)
        dl.assign_number(session, order)
    session.add(order)
    write_document(session, order, customers=(customer, previous))
    return order


def write_document(session: Session, document: Any, customers: Iterable[Any] = ()) -> None:
    """Write the document and refresh the customers' ledger figures (the entry point's
    transaction commits them); a number taken meanwhile (unique per tenant) is reported
    on the number field."""
    flush_numbered(session)
    for customer in {c for c in customers if c is not None}:
        refresh_customer(session, customer)
    flush_numbered(session)


def _require(order: Any, statuses: Collection[str], message: Any) -> None:
    if order.status not in statuses:
        raise NotAllowed(
            message
            % {"number": order.number, "status": STATUS_LABELS.get(order.status, order.status)}
        )


@transactional
def confirm_order(
    session: Session, order: Any, override_reason: str | None = None, may_override: bool = False
) -> Any:
    """Quote -> pending, once the customer's credit allows it (with ``may_override``, a
    reason overrides a refusal, recorded in the audit trail)."""
    _require(
        order, ("quote",), _l("Order %(number)s is %(status)s; only a quote can be confirmed.")
    )
    if not order.lines:
        raise NotAllowed(
            gettext("Add at least one line before confirming %(number)s.", number=order.number)
        )
    if not order.customer.is_active:
        raise NotAllowed(
            gettext(
                "%(name)s is archived; restore the customer to confirm orders.",
                name=order.customer.name,
            )
        )
    compute_totals(order)
    check_credit(
        session,
        order.customer,
        order.total,
        "order",
        override_reason,
        document=order,
        may_override=may_override,
    )
    order.status = "pending"
    order.confirmed_at = utcnow()
    write_document(session, order, customers=(order.customer,))
    return order


@transactional
def ship_order(session: Session, order: Any) -> Any:
    _require(
        order,
        ("pending",),
        _l("Order %(number)s is %(status)s; only a pending order can be shipped."),
    )
    order.status = "shipped"
    write_document(session, order)
    return order


@transactional
def cancel_order(session: Session, order: Any) -> Any:
    _require(
        order, CANCELLABLE, _l("Order %(number)s is %(status)s and can no longer be cancelled.")
    )
    order.status = "cancelled"
    write_document(session, order, customers=(order.customer,))
    return order


def live_invoices(session: Session, order: Any) -> list[Any]:
    return list(
        session.scalars(
            select(Invoice)
            .where(Invoice.sales_order_id == order.id, Invoice.status != "void")
            .order_by(Invoice.id)
        )
    )


def sync_order_from_invoices(session: Session, order: Any) -> Any:
    """An invoiced order becomes paid when all its invoices (void ones aside) are paid,
    and goes back to invoiced when one no longer is. Does not commit."""
    if order.status not in ("invoiced", "paid"):
        return order
    session.flush()
    statuses = [invoice.status for invoice in live_invoices(session, order)]
    if statuses and all(status == "paid" for status in statuses):
        order.status = "paid"
    elif order.status == "paid":
        order.status = "invoiced"
    return order


def check_delete(session: Session, order: Any) -> None:
    """Only quotes and cancelled orders without invoices may be deleted."""
    if order.status not in ("quote", "cancelled"):
        raise NotAllowed(
            gettext(
                "Order %(number)s is %(status)s; cancel it instead of deleting it.",
                number=order.number,
                status=STATUS_LABELS[order.status],
            )
        )
    found = delete_blockers(session, order)
    if found:
        what = ", ".join(f"{count} {label}" for label, count in found)
        raise NotAllowed(
            gettext(
                "Order %(number)s cannot be deleted: it has %(what)s.",
                number=order.number,
                what=what,
            )
        )


def orders_of(session: Session, customer_id: int, limit: int = 50) -> list[Any]:
    return list(
        session.scalars(
            select(SalesOrder)
            .where(SalesOrder.customer_id == customer_id)
            .order_by(SalesOrder.order_date.desc(), SalesOrder.id.desc())
            .limit(limit)
        )
    )
