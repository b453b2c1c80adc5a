"""Payments received from customers and their allocation to invoices.

The rules, for the screens, the API and the demo loader alike:

* a payment has a customer, a date, an amount > 0, a method and an optional reference;
  its currency is the customer's (a customer's ledger is kept in one currency);
* it may settle one or more of *that customer's* open invoices (issued or partly paid):
  an allocation is > 0, at most what the invoice still has due, and all allocations
  together at most the payment; the rest stays with the customer as unallocated credit,
  which can be allocated later;
* an allocation can be removed (the invoice is due again); a payment is voided, never
  deleted, and a void payment's allocations stop counting.

After every change the invoices touched are recomputed (amount paid and status), their
orders follow them when the order service offers ``sync_order_from_invoices``, and then
the customer's stored balance.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, cast

from flask_babel import format_currency, gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session, contains_eager

from crm.i18n import inputs
from crm.i18n.inputs import InputInvalid
from crm.models import (
    OPEN_INVOICE_STATUSES,
    PAYMENT_METHODS,
    Customer,
    Invoice,
    Payment,
    PaymentAllocation,
)
from crm.models.base import utcnow
from crm.security.tenancy import get_owned
from crm.services.core import audit
from crm.services.core.child_pages import page_of_children
from crm.services.core.errors import NotAllowed, ValidationFailed
from crm.services.core.numbering import flush_numbered, next_number
from crm.services.core.related import linked, stored
from crm.services.core.transaction import transactional
from crm.services.ledger import arithmetic as ledger, limits, sales_orders

# Payments are the customer's history: archive the customer instead. An invoice
# payments were allocated to is history too.
# A payment's page shows its allocations this many at a time.
ALLOCATIONS_PER_PAGE = 100


class AmountInvalid(ValueError):
    pass


def parse_amount(value: object) -> Decimal:
    """A Decimal amount from a form's plain number, a JSON number or a Decimal, read by
    crm.i18n.inputs.amount (no locale: ``1,234.50``; ``12,50`` is refused); AmountInvalid
    when it is not a number with at most two decimals."""
    try:
        amount = inputs.amount(value)
    except InputInvalid as exc:
        raise AmountInvalid(str(exc.message)) from None
    if amount != ledger.money(amount):
        raise AmountInvalid(gettext("Give the amount in cents at most (two decimals)."))
    if abs(amount) >= Decimal("1e12"):
        raise AmountInvalid(gettext("This amount is too large."))
    return ledger.money(amount)


def shown(amount: Decimal, currency: str) -> str:
    """An amount for a message, in the user's locale."""
    return cast(str, format_currency(ledger.money(amount), currency))


# --- the payment itself ------------------------------------------------------------------


def allocated_total(session: Session, payment: Any) -> Decimal:
    """What the payment has settled so far (as stored)."""
    if payment.id is None:
        return ledger.ZERO
    return ledger.money(
        session.scalar(
            select(func.coalesce(func.sum(PaymentAllocation.amount), 0)).where(
                PaymentAllocation.payment_id == payment.id
            )
        )
    )


def unallocated(session: Session, payment: Any) -> Decimal:
    """The part of a received payment not yet allocated to an invoice."""
    if payment.status != "received":
        return ledger.ZERO
    return ledger.money(payment.amount) - allocated_total(session, payment)


def prepare(session: Session, payment: Any) -> None:
    """Validate and normalise a payment's own fields before it is saved; raise one
    ``ValidationFailed`` listing every problem."""
    errors = {}
    with session.no_autoflush:
        customer = linked(session, payment, "customer", Customer)
        was = stored(session, payment, "customer_id")
        if stored(session, payment, "status") == "void":
            raise NotAllowed(
                gettext("%(number)s is void and cannot be changed.", number=payment.number)
            )
        if customer is None:
            errors["customer"] = [gettext("Choose the customer who paid.")]
        elif was is not None and was != customer.id:
            errors["customer"] = [
                gettext("A recorded payment stays with its customer. Void it and record it again.")
            ]
        elif was is None and not customer.is_active:
            errors["customer"] = [
                gettext("%(name)s is archived. Choose an active customer.", name=customer.name)
            ]
        try:
            payment.amount = parse_amount(payment.amount)
            if payment.amount <= 0:
                errors["amount"] = [gettext("A payment is more than zero.")]
            else:
                settled = allocated_total(session, payment)
                if payment.amount < settled:
                    errors["amount"] = [
                        gettext(
                            "%(settled)s of this payment is allocated to invoices: it cannot be "
                            "less. Remove allocations first.",
                            settled=shown(settled, payment.currency),
                        )
                    ]
        except AmountInvalid as exc:
            errors["amount"] = [str(exc)]
        if inputs.blank(payment.payment_date):
            payment.payment_date = dt.date.today()
        try:
            payment.payment_date = inputs.date(payment.payment_date)
        except InputInvalid:
            errors["payment_date"] = [
                gettext("Enter the date the payment was received (YYYY-MM-DD).")
            ]
        payment.method = payment.method or "bank_transfer"
        if payment.method not in PAYMENT_METHODS:
            errors["method"] = [gettext("Choose a payment method from the list.")]
        payment.reference = (payment.reference or "").strip() or None
        if payment.reference is not None and len(payment.reference) > 100:
            errors["reference"] = [gettext("At most 100 characters.")]
        payment.notes = (payment.notes or "").strip() or None
        if errors:
            raise ValidationFailed(errors)
        payment.customer = customer
        payment.currency = customer.currency
        payment.status = payment.status or "received"
        if not payment.number:
            payment.number = next_number(session, Payment, customer.tenant_id)


def check_delete(session: Session, payment: Any) -> None:
    raise NotAllowed(
        gettext(
            "%(number)s cannot be deleted: payments are part of the customer's ledger. "
            "Void it instead.",
            number=payment.number,
        )
    )


@transactional
def record_payment(
    session: Session,
    customer: Any,
    amount: object,
    payment_date: object = None,
    method: str = "bank_transfer",
    reference: str | None = None,
    notes: str | None = None,
    allocations: Iterable[tuple[object, object]] = (),
    max_allocations: int | None = limits.ALLOCATIONS,
) -> Any:
    """Record a payment from ``customer`` (a row or id of this tenant), allocating it to
    invoices [(invoice or id, amount), ...]; the rest stays as credit. Everything is
    checked first: nothing is saved unless all of it is valid."""
    allocations = list(allocations)
    limits.check_allocations(allocations, max_allocations)
    if not isinstance(customer, Customer):
        customer = get_owned(session, Customer, customer)
    if customer is None:
        raise ValidationFailed({"customer": [gettext("Choose the customer who paid.")]})
    payment = Payment(
        customer=customer,
        currency=customer.currency,
        amount=amount,
        payment_date=payment_date,
        method=method,
        reference=reference,
        notes=notes,
        status="received",
    )
    errors = {}
    try:
        prepare(session, payment)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    try:
        planned = _check_allocations(session, payment, allocations)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    session.add(payment)
    flush_numbered(session)
    for invoice, share in planned:
        payment.allocations.append(PaymentAllocation(invoice=invoice, amount=share))
    if planned:
        audit.mark(
            session,
            payment,
            "create",
            f"{payment.number} → " + _allocation_summary(planned, payment.currency),
        )
    settle(session, payment.customer, [invoice for invoice, _ in planned])
    flush_numbered(session)
    return payment


def after_write(session: Session, payment: Any) -> None:
    """A payment's fields were changed through a form or the API: its customer's
    balance follows (called after the flush, in the same transaction)."""
    settle(session, payment.customer, [a.invoice for a in payment.allocations])


# --- allocations --------------------------------------------------------------------------


def page_of_allocations(
    session: Session, payment: Any, page: int, per_page: int = ALLOCATIONS_PER_PAGE
) -> tuple[Sequence[Any], int, int]:
    """(the payment's allocations on ``page``, counted from 0, earliest due invoice first,
    each with its invoice; how many pages)."""
    return page_of_children(
        session,
        payment,
        Payment.allocations,
        page,
        per_page,
        order_by=[Invoice.due_date],
        joins=[PaymentAllocation.invoice],
        options=[contains_eager(PaymentAllocation.invoice)],
    )


def open_invoices(session: Session, customer_id: int) -> list[Any]:
    """The customer's invoices with money still due, oldest due date first."""
    return list(
        session.scalars(
            select(Invoice)
            .where(Invoice.customer_id == customer_id, Invoice.status.in_(OPEN_INVOICE_STATUSES))
            .order_by(Invoice.due_date, Invoice.id)
        )
    )


def _invoice(session: Session, value: object) -> Any:
    if isinstance(value, Invoice):
        return value
    if isinstance(value, bool):
        return None
    return get_owned(session, Invoice, value)


def _check_allocations(
    session: Session, payment: Any, allocations: Iterable[tuple[object, object]]
) -> list[tuple[Any, Decimal]]:
    """[(invoice, amount)] merged per invoice, or ValidationFailed naming each problem."""
    problems: list[str] = []
    merged: dict[Any, Decimal] = {}
    currency = payment.currency
    for raw_invoice, raw_amount in allocations:
        invoice = _invoice(session, raw_invoice)
        if invoice is None:
            problems.append(gettext("Invoice %(id)s does not exist.", id=raw_invoice))
            continue
        try:
            share = parse_amount(raw_amount)
        except AmountInvalid as exc:
            problems.append(f"{invoice.number}: {exc}")
            continue
        if share <= 0:
            problems.append(
                gettext("%(number)s: an allocation is more than zero.", number=invoice.number)
            )
            continue
        merged[invoice] = merged.get(invoice, ledger.ZERO) + share
    for invoice, share in merged.items():
        if invoice.customer_id != payment.customer.id:
            problems.append(
                gettext(
                    "%(number)s is not an invoice of %(name)s.",
                    number=invoice.number,
                    name=payment.customer.name,
                )
            )
        elif invoice.status not in OPEN_INVOICE_STATUSES:
            problems.append(
                gettext(
                    "%(number)s is not open (it is %(status)s): only issued or partly paid invoices "
                    "take payments.",
                    number=invoice.number,
                    status=invoice.status.replace("_", " "),
                )
            )
        elif invoice.currency != currency:
            problems.append(
                gettext(
                    "%(number)s is in %(currency)s, the payment in %(ours)s.",
                    number=invoice.number,
                    currency=invoice.currency,
                    ours=currency,
                )
            )
        elif share > ledger.money(invoice.amount_due):
            problems.append(
                gettext(
                    "%(number)s has %(due)s due: %(amount)s cannot be allocated to it.",
                    number=invoice.number,
                    due=shown(invoice.amount_due, currency),
                    amount=shown(share, currency),
                )
            )
    total = sum(merged.values(), ledger.ZERO)
    if not problems and isinstance(payment.amount, Decimal) and payment.amount > 0:
        available = ledger.money(payment.amount) - allocated_total(session, payment)
    else:
        available = None  # the amount itself is refused
    if available is not None and total > available:
        problems.append(
            gettext(
                "The allocations add up to %(total)s but only %(available)s of the payment "
                "is unallocated.",
                total=shown(total, currency),
                available=shown(available, currency),
            )
        )
    if problems:
        raise ValidationFailed({"allocations": problems})
    return list(merged.items())


@transactional
def allocate(
    session: Session,
    payment: Any,
    allocations: Iterable[tuple[object, object]],
    max_allocations: int | None = limits.ALLOCATIONS,
) -> Any:
    """Allocate more of a received payment's unallocated credit to invoices
    [(invoice or id, amount), ...]."""
    allocations = list(allocations)
    limits.check_allocations(allocations, max_allocations)
    if payment.status != "received":
        raise NotAllowed(
            gettext("%(number)s is void: it cannot be allocated.", number=payment.number)
        )
    planned = _check_allocations(session, payment, allocations)
    if not planned:
        raise ValidationFailed(
            {"allocations": [gettext("Enter an amount for at least one invoice.")]}
        )
    existing = {a.invoice_id: a for a in payment.allocations}
    for invoice, share in planned:
        if invoice.id in existing:
            existing[invoice.id].amount = ledger.money(existing[invoice.id].amount) + share
        else:
            payment.allocations.append(PaymentAllocation(invoice=invoice, amount=share))
    audit.mark(session, payment, "allocate", _allocation_summary(planned, payment.currency))
    settle(session, payment.customer, [invoice for invoice, _ in planned])
    flush_numbered(session)
    return payment


def _allocation_summary(planned: Iterable[tuple[Any, Decimal]], currency: str) -> str:
    return "; ".join(f"{invoice.number}: {shown(share, currency)}" for invoice, share in planned)


@transactional
def remove_allocation(session: Session, payment: Any, invoice_id: object) -> Any:
    """Take a payment's allocation off an invoice: that amount is credit again."""
    if payment.status != "received":
        raise NotAllowed(
            gettext("%(number)s is void: it has no allocations to remove.", number=payment.number)
        )
    allocation = next(
        (a for a in payment.allocations if str(a.invoice_id) == str(invoice_id)), None
    )
    if allocation is None:
        raise ValidationFailed(
            {
                "invoice": [
                    gettext("%(number)s is not allocated to this invoice.", number=payment.number)
                ]
            }
        )
    invoice = allocation.invoice
    payment.allocations.remove(allocation)
    audit.mark(
        session,
        payment,
        "unallocate",
        _allocation_summary([(invoice, ledger.money(allocation.amount))], payment.currency),
    )
    settle(session, payment.customer, [invoice])
    flush_numbered(session)
    return payment


@transactional
def void_payment(session: Session, payment: Any) -> Any:
    """Void a payment (a bounced cheque, a mistake): it and its allocations stop
    counting; it stays on record."""
    if payment.status == "void":
        raise NotAllowed(gettext("%(number)s is already void.", number=payment.number))
    payment.status = "void"
    payment.voided_at = utcnow()
    audit.mark(session, payment, "void")
    settle(session, payment.customer, [a.invoice for a in payment.allocations])
    flush_numbered(session)
    return payment


# --- keeping invoices, orders and the customer in step ----------------------------------


def settle(session: Session, customer: Any, invoices: Iterable[Any]) -> None:
    """Recompute the invoices touched, their orders, and the customer's balance."""
    session.flush()
    for invoice in {invoice.id: invoice for invoice in invoices if invoice is not None}.values():
        ledger.refresh_invoice(session, invoice)
        _sync_order(session, invoice)
    ledger.refresh_customer(session, customer)


def _sync_order(session: Session, invoice: Any) -> None:
    if invoice.sales_order_id is not None:
        sales_orders.sync_order_from_invoices(session, invoice.sales_order)
