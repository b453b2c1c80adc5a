"""Customers, orders and invoices for the sales order, invoice and credit tests, made
through the services the app uses."""
from decimal import Decimal

from sqlalchemy import select

from crm.extensions import db
from crm.models import Customer, Invoice, PaymentTerm, SalesOrder
from crm.security.tenancy import tenant_scope
from crm.services.ledger import invoices, sales_orders
from tests import factories

WIDGETS = {"description": "Widget", "quantity": "2", "unit_price": "100.00", "tax_rate": "20"}


def term(app, tenant, days=30):
    """The tenant's payment term of ``days`` days (created if missing); its id."""
    with app.app_context(), tenant_scope(tenant.id):
        row = db.session.scalar(select(PaymentTerm).where(PaymentTerm.days == days))
        if row is None:
            row = PaymentTerm(tenant_id=tenant.id, name=f"Net {days} days", days=days)
            db.session.add(row)
            db.session.commit()
        pk = row.id
        db.session.remove()
    return pk


def buyer(app, tenant, name="Bolt Buyers GmbH", credit_limit=None, credit_hold=False,
          currency="EUR", discount_rate=Decimal("0"), days=30, **fields):
    """A customer with a payment term, a tax number and default billing and shipping
    addresses; its id."""
    pk = factories.customer(app, tenant, name, currency=currency, discount_rate=discount_rate,
                            payment_term_id=term(app, tenant, days), credit_limit=credit_limit,
                            credit_hold=credit_hold, **fields)
    factories.address(app, tenant, pk, kind="billing", city="Berlin", country="DE",
                      postal_code="10115")
    factories.address(app, tenant, pk, kind="shipping", city="Hamburg", country="DE",
                      postal_code="20095")
    return pk


def order(app, tenant, customer_id, lines=(WIDGETS,), **values):
    """A quote for the customer; its id."""
    with app.app_context(), tenant_scope(tenant.id):
        row = sales_orders.save_order(db.session, SalesOrder(), {"customer": customer_id, **values},
                                      list(lines))
        pk = row.id
        db.session.remove()
    return pk


def invoice(app, tenant, customer_id, lines=(WIDGETS,), issue=False, **values):
    """A draft (or issued) invoice for the customer; its id."""
    with app.app_context(), tenant_scope(tenant.id):
        row = invoices.save_invoice(db.session, Invoice(), {"customer": customer_id, **values},
                                    list(lines))
        if issue:
            invoices.issue_invoice(db.session, row, may_override=False)
        pk = row.id
        db.session.remove()
    return pk


def read(app, tenant, model, pk, *attrs):
    """Attributes of one row, read in a fresh session."""
    with app.app_context(), tenant_scope(tenant.id):
        row = db.session.get(model, pk)
        values = tuple(getattr(row, a) for a in attrs)
        db.session.remove()
    return values if len(values) > 1 else values[0]


def customer_figures(app, tenant, pk):
    return read(app, tenant, Customer, pk, "balance", "order_total", "last_order_date")
