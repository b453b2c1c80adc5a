"""Ledger documents for tests, built with the models and crm.services.ledger.arithmetic directly
(the way the demo loader builds them), so payment and credit-note tests do not depend on
the order and invoice screens."""
import contextlib
import datetime as dt
from decimal import Decimal

from crm.extensions import db
from crm.models import Customer, Invoice, InvoiceLine
from crm.security.tenancy import tenant_scope
from crm.services.core.numbering import next_number
from crm.services.ledger import arithmetic as ledger

TODAY = dt.date.today()


@contextlib.contextmanager
def books(app, tenant):
    """``with books(app, acme) as s:`` — a session acting for ``tenant``."""
    with app.app_context(), tenant_scope(tenant.id):
        try:
            yield db.session
        finally:
            db.session.remove()


def invoice(session, customer_id, *lines, total=None, issue_date=None, due_date=None,
            status="issued"):
    """An invoice of the customer, in its currency. ``lines`` are (quantity, unit price,
    discount %, tax %); ``total`` alone makes one untaxed line of that amount.
    Flushed, with the customer's balance refreshed; returns the invoice."""
    customer = session.get(Customer, customer_id)
    issue_date = issue_date or TODAY
    item = Invoice(tenant_id=customer.tenant_id, customer=customer,
                   number=next_number(session, Invoice, customer.tenant_id),
                   issue_date=issue_date, due_date=due_date or issue_date + dt.timedelta(days=30),
                   status=status, currency=customer.currency, amount_paid=Decimal("0"))
    if total is not None:
        lines = lines + ((1, Decimal(str(total)), 0, 0),)
    for position, (quantity, price, discount, tax) in enumerate(lines, start=1):
        item.lines.append(InvoiceLine(tenant_id=customer.tenant_id, description=f"Item {position}",
                                      quantity=Decimal(str(quantity)), unit_price=Decimal(str(price)),
                                      discount_rate=Decimal(str(discount)), tax_rate=Decimal(str(tax))))
    ledger.compute_totals(item)
    session.add(item)
    session.flush()
    ledger.refresh_customer(session, customer)
    session.flush()
    return item


def issued_invoice(app, tenant, customer_id, total, **kwargs):
    """Create and commit an issued invoice; returns (id, number)."""
    with books(app, tenant) as s:
        item = invoice(s, customer_id, total=total, **kwargs)
        s.commit()
        return item.id, item.number
