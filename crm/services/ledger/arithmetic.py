"""The customer ledger's arithmetic: line and document totals, balances, aging.

Every figure here is an exact ``Decimal`` rounded half-up to the cent. A customer's
documents are all in the customer's currency, so a balance is one amount in one
currency; tenant-wide totals are grouped by currency and never added across them.

* balance = posted invoices - received payments - issued credit notes
  (posted: issued, partly paid or paid; a void document counts for nothing);
* an invoice's ``amount_paid`` = payments allocated to it + issued credit notes against it;
* aging spreads the amount still due on open invoices by days past their due date.

The services that write documents call ``refresh_customer`` (balance and order
figures) and ``refresh_invoice`` (amount paid and status) before they commit.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Case, ColumnElement, Exists, case, func, select
from sqlalchemy.orm import Session

from crm.models import (
    OPEN_INVOICE_STATUSES,
    PLACED_ORDER_STATUSES,
    POSTED_INVOICE_STATUSES,
    CreditNote,
    Customer,
    Invoice,
    Payment,
    PaymentAllocation,
    SalesOrder,
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)

# (key, first day past due, last day past due or None); "current" is not yet due.
AGING_BUCKETS = (
    ("current", None, 0),
    ("days_1_30", 1, 30),
    ("days_31_60", 31, 60),
    ("days_61_90", 61, 90),
    ("over_90", 91, None),
)


def money(value: Decimal | float | str | None) -> Decimal:
    """``value`` as a Decimal rounded half-up to the cent (None counts as zero)."""
    if value is None:
        return ZERO
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# --- lines and documents -------------------------------------------------------------


def line_amounts(
    quantity: Decimal | float | str | None,
    unit_price: Decimal | float | str | None,
    discount_rate: Decimal | float | str | None,
    tax_rate: Decimal | float | str | None,
) -> tuple[Decimal, Decimal, Decimal]:
    """(net, tax, total) of one priced line; the discount applies before tax."""
    gross = Decimal(quantity or 0) * Decimal(unit_price or 0)
    net = money(gross * (HUNDRED - Decimal(discount_rate or 0)) / HUNDRED)
    tax = money(net * Decimal(tax_rate or 0) / HUNDRED)
    return net, tax, net + tax


def compute_totals(document: Any) -> Any:
    """Fill in each line's amounts and the document's subtotal, discount, tax and total."""
    subtotal = discount = tax_total = ZERO
    for position, line in enumerate(document.lines, start=1):
        line.position = position
        gross = money(Decimal(line.quantity or 0) * Decimal(line.unit_price or 0))
        line.net_amount, line.tax_amount, line.total = line_amounts(
            line.quantity, line.unit_price, line.discount_rate, line.tax_rate
        )
        subtotal += gross
        discount += gross - line.net_amount
        tax_total += line.tax_amount
    document.subtotal = subtotal
    document.discount_total = discount
    document.tax_total = tax_total
    document.total = subtotal - discount + tax_total
    return document


# --- balances ------------------------------------------------------------------------


def _sum(session: Session, column: ColumnElement[Any], *where: ColumnElement[bool]) -> Decimal:
    return money(session.scalar(select(func.coalesce(func.sum(column), 0)).where(*where)))


def invoiced_total(session: Session, customer_id: int, until: dt.date | None = None) -> Decimal:
    where = [Invoice.customer_id == customer_id, Invoice.status.in_(POSTED_INVOICE_STATUSES)]
    if until is not None:
        where.append(Invoice.issue_date <= until)
    return _sum(session, Invoice.total, *where)


def paid_total(session: Session, customer_id: int, until: dt.date | None = None) -> Decimal:
    where = [Payment.customer_id == customer_id, Payment.status == "received"]
    if until is not None:
        where.append(Payment.payment_date <= until)
    return _sum(session, Payment.amount, *where)


def credited_total(session: Session, customer_id: int, until: dt.date | None = None) -> Decimal:
    where = [CreditNote.customer_id == customer_id, CreditNote.status == "issued"]
    if until is not None:
        where.append(CreditNote.issue_date <= until)
    return _sum(session, CreditNote.amount, *where)


def balance_of(session: Session, customer_id: int, until: dt.date | None = None) -> Decimal:
    """What the customer owes (negative: what we owe them), from the documents;
    ``until`` limits it to documents dated on or before that day."""
    return (
        invoiced_total(session, customer_id, until)
        - paid_total(session, customer_id, until)
        - credited_total(session, customer_id, until)
    )


def refresh_customer(session: Session, customer: Any, flush: bool = True) -> Any:
    """Recompute the customer's stored balance, total order value and last order date
    (flushes pending changes first, so the sums see them; ``flush=False`` when the
    documents are already written and the caller's changes must go in one flush)."""
    if flush:
        session.flush()
    customer.balance = balance_of(session, customer.id)
    placed = (SalesOrder.customer_id == customer.id, SalesOrder.status.in_(PLACED_ORDER_STATUSES))
    customer.order_total = _sum(session, SalesOrder.total, *placed)
    customer.last_order_date = session.scalar(
        select(func.max(SalesOrder.order_date)).where(*placed)
    )
    return customer


def refresh_invoice(session: Session, invoice: Any) -> Any:
    """Recompute what has been paid on an invoice and move it between issued, partly
    paid and paid accordingly (drafts and void invoices keep their status)."""
    session.flush()
    allocated = _sum(
        session,
        PaymentAllocation.amount,
        PaymentAllocation.invoice_id == invoice.id,
        PaymentAllocation.payment_id.in_(select(Payment.id).where(Payment.status == "received")),
    )
    credited = _sum(
        session,
        CreditNote.amount,
        CreditNote.invoice_id == invoice.id,
        CreditNote.status == "issued",
    )
    invoice.amount_paid = allocated + credited
    if invoice.status in POSTED_INVOICE_STATUSES:
        due = money(invoice.total) - invoice.amount_paid
        if due <= ZERO and money(invoice.total) > ZERO:
            invoice.status = "paid"
        elif invoice.amount_paid > ZERO:
            invoice.status = "partly_paid"
        else:
            invoice.status = "issued"
    return invoice


def unallocated_credit(session: Session, customer_id: int) -> Decimal:
    """Received payments not allocated to an invoice, plus issued credit notes not
    against an invoice: money the customer can still use (one statement)."""
    received = (Payment.customer_id == customer_id, Payment.status == "received")
    payments = _total(Payment.amount, *received)
    allocated = _total(
        PaymentAllocation.amount,
        PaymentAllocation.payment_id.in_(select(Payment.id).where(*received)),
    )
    loose_credit = _total(
        CreditNote.amount,
        CreditNote.customer_id == customer_id,
        CreditNote.status == "issued",
        CreditNote.invoice_id.is_(None),
    )
    row = session.execute(select(payments, allocated, loose_credit)).one()
    return money(row[0]) - money(row[1]) + money(row[2])


def _total(column: ColumnElement[Any], *where: ColumnElement[bool]) -> ColumnElement[Any]:
    """``_sum``'s figure as a column of a larger select."""
    return func.coalesce(select(func.sum(column)).where(*where).scalar_subquery(), 0)


# --- aging ---------------------------------------------------------------------------


def bucket_of(days_past_due: int) -> str:
    for key, low, high in AGING_BUCKETS:
        if (low is None or days_past_due >= low) and (high is None or days_past_due <= high):
            return key
    raise AssertionError(days_past_due)


def _bucket_expression(due_date: Any, as_of: dt.date) -> Case[Any]:
    """SQL CASE putting an invoice in its aging bucket as of a day (portable: compares
    dates, no date arithmetic in SQL)."""
    whens = []
    for key, _low, high in AGING_BUCKETS[:-1]:
        whens.append((due_date >= as_of - dt.timedelta(days=high), key))
    return case(*whens, else_=AGING_BUCKETS[-1][0])


def aging(
    session: Session, customer_id: int | None = None, as_of: dt.date | None = None
) -> dict[str, Decimal]:
    """{bucket: amount due} over open invoices (of one customer, or of the tenant),
    plus "total". Tenant-wide figures must be read per currency: see ``aging_by_currency``."""
    as_of = as_of or dt.date.today()
    buckets = dict.fromkeys([key for key, _, _ in AGING_BUCKETS], ZERO)
    bucket = _bucket_expression(Invoice.due_date, as_of)
    query = (
        select(bucket, func.sum(Invoice.total - Invoice.amount_paid))
        .where(Invoice.status.in_(OPEN_INVOICE_STATUSES))
        .group_by(bucket)
    )
    if customer_id is not None:
        query = query.where(Invoice.customer_id == customer_id)
    for key, amount in session.execute(query):
        buckets[key] = money(amount)
    buckets["total"] = sum((buckets[key] for key, _, _ in AGING_BUCKETS), ZERO)
    return buckets


def aging_by_currency(
    session: Session, as_of: dt.date | None = None
) -> dict[str, dict[str, Decimal]]:
    """{currency: {bucket: amount due}} over the tenant's open invoices, one query."""
    as_of = as_of or dt.date.today()
    bucket = _bucket_expression(Invoice.due_date, as_of)
    rows = session.execute(
        select(Invoice.currency, bucket, func.sum(Invoice.total - Invoice.amount_paid))
        .where(Invoice.status.in_(OPEN_INVOICE_STATUSES))
        .group_by(Invoice.currency, bucket)
    )
    result: dict[str, dict[str, Decimal]] = {}
    for currency, key, amount in rows:
        buckets = result.setdefault(currency, dict.fromkeys([k for k, _, _ in AGING_BUCKETS], ZERO))
        buckets[key] = money(amount)
    for buckets in result.values():
        buckets["total"] = sum((buckets[k] for k, _, _ in AGING_BUCKETS), ZERO)
    return result


def is_overdue_clause(as_of: dt.date | None = None) -> Exists:
    """SQL condition: the customer has an open invoice past its due date."""
    as_of = as_of or dt.date.today()
    return (
        select(Invoice.id)
        .where(
            Invoice.customer_id == Customer.id,
            Invoice.status.in_(OPEN_INVOICE_STATUSES),
            Invoice.due_date < as_of,
        )
        .exists()
    )
