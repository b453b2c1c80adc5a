"""Ledger documents for tests.

``invoice()``, ``payment()``, ``credit_note()`` and ``order()`` write ledger rows with the
models and crm.services.ledger.arithmetic directly (numbered, totals computed, the
customer's figures refreshed), the way the demo loader does, so tests of balances, aging
and statements do not depend on the document screens. ``quote()`` and ``draft_invoice()``
go through the services the order and invoice screens use.
"""

import contextlib
import datetime as dt
from decimal import Decimal

from crm.extensions import db
from crm.models import (
    CreditNote,
    Customer,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAllocation,
    SalesOrder,
    SalesOrderLine,
)
from crm.security.tenancy import tenant_scope
from crm.services.core.numbering import next_number
from crm.services.ledger import arithmetic as ledger, invoices, sales_orders

TODAY = dt.date.today()
WIDGETS = {"description": "Widget", "quantity": "2", "unit_price": "100.00", "tax_rate": "20"}


def day(value):
    """A date from a date or ISO text (None stays None)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


@contextlib.contextmanager
def books(app, tenant):
    """``with books(app, acme) as s:`` — a session acting for ``tenant``."""
    with app.app_context(), tenant_scope(tenant.id):
        try:
            yield db.session
        finally:
            db.session.remove()


def invoice(
    session,
    customer_id,
    *lines,
    total=None,
    number=None,
    issue_date=None,
    due_date=None,
    days_overdue=None,
    status="issued",
):
    """An invoice of the customer, in its currency, in ``session``: flushed, with the
    customer's balance refreshed; returns the Invoice.

    ``lines`` are (quantity, unit price, discount %, tax %); ``total`` alone makes one
    untaxed line of that amount. ``number`` defaults to the next in the tenant's series.
    Dates are dates or ISO text: issued today and due 30 days after issue unless given;
    ``days_overdue`` makes it issued and due that many days ago."""
    customer = session.get(Customer, customer_id)
    issue_date, due_date = day(issue_date), day(due_date)
    if days_overdue is not None:
        due_date = TODAY - dt.timedelta(days=days_overdue)
        issue_date = issue_date or due_date
    issue_date = issue_date or TODAY
    item = Invoice(
        tenant_id=customer.tenant_id,
        customer=customer,
        number=number or next_number(session, Invoice, customer.tenant_id),
        issue_date=issue_date,
        due_date=due_date or issue_date + dt.timedelta(days=30),
        status=status,
        currency=customer.currency,
        amount_paid=Decimal("0"),
    )
    if total is not None:
        lines = lines + ((1, Decimal(str(total)), 0, 0),)
    for position, (quantity, price, discount, tax) in enumerate(lines, start=1):
        item.lines.append(
            InvoiceLine(
                tenant_id=customer.tenant_id,
                description=f"Item {position}",
                quantity=Decimal(str(quantity)),
                unit_price=Decimal(str(price)),
                discount_rate=Decimal(str(discount)),
                tax_rate=Decimal(str(tax)),
            )
        )
    ledger.compute_totals(item)
    session.add(item)
    session.flush()
    ledger.refresh_customer(session, customer)
    session.flush()
    return item


def saved_invoice(app, tenant, customer_id, total, **options):
    """``invoice()`` of one line of ``total``, committed in a session of its own; its id."""
    with books(app, tenant) as s:
        item = invoice(s, customer_id, total=total, **options)
        s.commit()
        return item.id


def _refreshed(app, tenant, customer_id, make):
    """Write the row ``make(session, customer)`` returns, refresh the customer's figures,
    commit; the row's id."""
    with books(app, tenant) as s:
        customer = s.get(Customer, customer_id)
        row = make(s, customer)
        s.flush()
        ledger.refresh_customer(s, customer)
        s.commit()
        return row.id


def payment(
    app,
    tenant,
    customer_id,
    amount,
    number=None,
    paid=None,
    allocations=None,
    status="received",
    reference=None,
):
    """A payment in the customer's currency (received today unless ``paid``);
    ``allocations`` {invoice id: amount} allocates it and refreshes those invoices."""
    allocations = allocations or {}

    def make(session, customer):
        row = Payment(
            tenant_id=tenant.id,
            customer_id=customer.id,
            number=number or next_number(session, Payment),
            payment_date=day(paid) or TODAY,
            amount=Decimal(amount),
            status=status,
            reference=reference,
            currency=customer.currency,
        )
        row.allocations = [
            PaymentAllocation(tenant_id=tenant.id, invoice_id=invoice_id, amount=Decimal(part))
            for invoice_id, part in allocations.items()
        ]
        session.add(row)
        session.flush()
        for invoice_id in allocations:
            ledger.refresh_invoice(session, session.get(Invoice, invoice_id))
        return row

    return _refreshed(app, tenant, customer_id, make)


def credit_note(
    app,
    tenant,
    customer_id,
    amount,
    number=None,
    issued=None,
    invoice_id=None,
    status="issued",
    reason="Returned goods",
):
    """A credit note in the customer's currency (issued today unless ``issued``), against
    ``invoice_id`` when given (that invoice is refreshed)."""

    def make(session, customer):
        row = CreditNote(
            tenant_id=tenant.id,
            customer_id=customer.id,
            number=number or next_number(session, CreditNote),
            issue_date=day(issued) or TODAY,
            amount=Decimal(amount),
            currency=customer.currency,
            status=status,
            reason=reason,
            invoice_id=invoice_id,
        )
        session.add(row)
        if invoice_id is not None:
            ledger.refresh_invoice(session, session.get(Invoice, invoice_id))
        return row

    return _refreshed(app, tenant, customer_id, make)


def order(app, tenant, customer_id, amount, order_date=TODAY, status="pending"):
    """A sales order row of one line of ``amount``, in ``status``."""

    def make(session, customer):
        row = SalesOrder(
            tenant_id=tenant.id,
            customer_id=customer.id,
            number=next_number(session, SalesOrder),
            order_date=order_date,
            status=status,
            currency=customer.currency,
        )
        row.lines.append(
            SalesOrderLine(
                tenant_id=tenant.id, description="Widgets", quantity=1, unit_price=Decimal(amount)
            )
        )
        ledger.compute_totals(row)
        session.add(row)
        return row

    return _refreshed(app, tenant, customer_id, make)


def quote(app, tenant, customer_id, lines=(WIDGETS,), **values):
    """A quote for the customer saved as the order screen saves it; its id."""
    with app.app_context(), tenant_scope(tenant.id):
        row = sales_orders.save_order(
            db.session, SalesOrder(), {"customer": customer_id, **values}, list(lines)
        )
        pk = row.id
        db.session.remove()
    return pk


def draft_invoice(app, tenant, customer_id, lines=(WIDGETS,), issue=False, **values):
    """A draft invoice for the customer saved as the invoice screen saves it (``issue``:
    then issued by the same service); its id."""
    with app.app_context(), tenant_scope(tenant.id):
        row = invoices.save_invoice(
            db.session, Invoice(), {"customer": customer_id, **values}, list(lines)
        )
        if issue:
            invoices.issue_invoice(db.session, row, may_override=False)
        pk = row.id
        db.session.remove()
    return pk
