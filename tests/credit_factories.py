"""Ledger rows for the masking, credit panel and money filter tests, written with the
models and crm.services.ledger.arithmetic directly (numbered, totals computed, customer refreshed)."""
import datetime as dt
from decimal import Decimal

from crm.extensions import db
from crm.models import (
    BankAccount,
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
from crm.services.ledger import arithmetic as ledger

TODAY = dt.date.today()


def _refreshed(app, tenant, customer_id, make):
    with app.app_context(), tenant_scope(tenant.id):
        customer = db.session.get(Customer, customer_id)
        row = make(db.session, customer)
        ledger.refresh_customer(db.session, customer)
        db.session.commit()
        pk = row.id
        db.session.remove()
    return pk


def invoice(app, tenant, customer_id, amount, days_overdue=None, status="issued", due=None):
    """An issued invoice of ``amount`` (one line, no tax); ``days_overdue`` puts its due
    date that many days before today (else due in 30 days)."""
    def make(session, customer):
        due_date = due or (TODAY - dt.timedelta(days=days_overdue) if days_overdue is not None
                           else TODAY + dt.timedelta(days=30))
        row = Invoice(tenant_id=tenant.id, customer_id=customer.id, number=next_number(session, Invoice),
                      issue_date=min(TODAY, due_date), due_date=due_date, status=status,
                      currency=customer.currency)
        row.lines.append(InvoiceLine(tenant_id=tenant.id, description="Widgets", quantity=1,
                                     unit_price=Decimal(amount)))
        ledger.compute_totals(row)
        session.add(row)
        return row
    return _refreshed(app, tenant, customer_id, make)


def payment(app, tenant, customer_id, amount, allocate_to=None):
    """A received payment, allocated in full to invoice ``allocate_to`` when given."""
    def make(session, customer):
        row = Payment(tenant_id=tenant.id, customer_id=customer.id, number=next_number(session, Payment),
                      payment_date=TODAY, amount=Decimal(amount), currency=customer.currency)
        session.add(row)
        if allocate_to is not None:
            session.flush()
            session.add(PaymentAllocation(tenant_id=tenant.id, payment_id=row.id,
                                          invoice_id=allocate_to, amount=Decimal(amount)))
            ledger.refresh_invoice(session, session.get(Invoice, allocate_to))
        return row
    return _refreshed(app, tenant, customer_id, make)


def credit_note(app, tenant, customer_id, amount):
    def make(session, customer):
        row = CreditNote(tenant_id=tenant.id, customer_id=customer.id,
                         number=next_number(session, CreditNote), issue_date=TODAY,
                         amount=Decimal(amount), currency=customer.currency, status="issued",
                         reason="Returned goods")
        session.add(row)
        return row
    return _refreshed(app, tenant, customer_id, make)


def order(app, tenant, customer_id, amount, order_date=TODAY, status="pending"):
    def make(session, customer):
        row = SalesOrder(tenant_id=tenant.id, customer_id=customer.id,
                         number=next_number(session, SalesOrder), order_date=order_date,
                         status=status, currency=customer.currency)
        row.lines.append(SalesOrderLine(tenant_id=tenant.id, description="Widgets", quantity=1,
                                        unit_price=Decimal(amount)))
        ledger.compute_totals(row)
        session.add(row)
        return row
    return _refreshed(app, tenant, customer_id, make)


def bank_account(app, tenant, customer_id, number="DE89370400440532013000", **fields):
    with app.app_context(), tenant_scope(tenant.id):
        row = BankAccount(tenant_id=tenant.id, customer_id=customer_id, bank_name="Commerzbank",
                          account_holder="Acme Widgets Ltd", account_number=number, **fields)
        db.session.add(row)
        db.session.commit()
        pk = row.id
        db.session.remove()
    return pk
