"""Ledger documents for the statement tests, written with the models and crm.services.ledger.arithmetic."""
import datetime as dt
from decimal import Decimal

from crm.extensions import db
from crm.models import CreditNote, Customer, Invoice, InvoiceLine, Payment, PaymentAllocation
from crm.security.tenancy import tenant_scope
from crm.services.ledger import arithmetic as ledger
from tests import factories


def day(text):
    return dt.date.fromisoformat(text)


def _refresh(customer_id, invoice_ids=()):
    for invoice_id in invoice_ids:
        ledger.refresh_invoice(db.session, db.session.get(Invoice, invoice_id))
    ledger.refresh_customer(db.session, db.session.get(Customer, customer_id))


def invoice(app, tenant, customer_id, number, issued, due, amount, status="issued", currency="EUR"):
    with app.app_context(), tenant_scope(tenant.id):
        row = Invoice(tenant_id=tenant.id, customer_id=customer_id, number=number,
                      issue_date=day(issued), due_date=day(due), status=status, currency=currency,
                      amount_paid=0)
        row.lines = [InvoiceLine(tenant_id=tenant.id, description="Goods", quantity=1,
                                 unit_price=Decimal(amount))]
        ledger.compute_totals(row)
        db.session.add(row)
        db.session.flush()
        _refresh(customer_id, [row.id])
        db.session.commit()
        pk = row.id
        db.session.remove()
    return pk


def payment(app, tenant, customer_id, number, paid, amount, allocations=None, status="received",
            reference=None, currency="EUR"):
    """``allocations``: {invoice id: amount}."""
    allocations = allocations or {}
    with app.app_context(), tenant_scope(tenant.id):
        row = Payment(tenant_id=tenant.id, customer_id=customer_id, number=number,
                      payment_date=day(paid), amount=Decimal(amount), status=status,
                      reference=reference, currency=currency)
        row.allocations = [PaymentAllocation(tenant_id=tenant.id, invoice_id=invoice_id,
                                             amount=Decimal(part))
                           for invoice_id, part in allocations.items()]
        db.session.add(row)
        db.session.flush()
        _refresh(customer_id, allocations)
        db.session.commit()
        pk = row.id
        db.session.remove()
    return pk


def credit_note(app, tenant, customer_id, number, issued, amount, invoice_id=None,
                status="issued", reason="Damaged goods", currency="EUR"):
    with app.app_context(), tenant_scope(tenant.id):
        row = CreditNote(tenant_id=tenant.id, customer_id=customer_id, number=number,
                         issue_date=day(issued), amount=Decimal(amount), status=status,
                         reason=reason, invoice_id=invoice_id, currency=currency)
        db.session.add(row)
        db.session.flush()
        _refresh(customer_id, [invoice_id] if invoice_id else [])
        db.session.commit()
        pk = row.id
        db.session.remove()
    return pk


def customer_with_ledger(app, tenant, name="Nordlicht GmbH", email_contact="anna@nordlicht.example",
                         series="", **fields):
    """A EUR customer with a billing address, a primary contact and this ledger:

    2025-12-10 INV-000001 1,000.00 (due 2026-01-09), paid 400.00 on 2025-12-20 (PAY-000001)
    -> opening balance on 2026-01-01: 600.00
    2026-01-15 INV-000002 250.00 (due 2026-02-14)
    2026-02-01 PAY-000002 600.00 allocated to INV-000001
    2026-02-10 CN-000001 50.00 against INV-000002
    2026-02-20 INV-000003 99.90 void (not on the statement)
    2026-03-05 PAY-000003 30.00 unallocated
    2026-04-02 INV-000004 500.00 (after the period)
    -> closing balance on 2026-03-31: 600 + 250 - 600 - 50 - 30 = 170.00

    ``series`` goes before the numbers' digits (INV-A000001), for more than one such customer.
    """
    fields.setdefault("tax_regime", "other")
    fields.setdefault("tax_number", "DE-TAX-4711")
    pk = factories.customer(app, tenant, name, currency="EUR", **fields)
    factories.address(app, tenant, pk, kind="billing", city="Köln", postal_code="50667",
                      country="DE")
    if email_contact:
        factories.contact(app, tenant, pk, name="Anna Müller", email=email_contact)
    first = invoice(app, tenant, pk, f"INV-{series}000001", "2025-12-10", "2026-01-09", "1000.00")
    payment(app, tenant, pk, f"PAY-{series}000001", "2025-12-20", "400.00", {first: "400.00"})
    second = invoice(app, tenant, pk, f"INV-{series}000002", "2026-01-15", "2026-02-14", "250.00")
    payment(app, tenant, pk, f"PAY-{series}000002", "2026-02-01", "600.00", {first: "600.00"},
            reference="Wire 88")
    credit_note(app, tenant, pk, f"CN-{series}000001", "2026-02-10", "50.00", invoice_id=second)
    invoice(app, tenant, pk, f"INV-{series}000003", "2026-02-20", "2026-03-20", "99.90", status="void")
    payment(app, tenant, pk, f"PAY-{series}000003", "2026-03-05", "30.00")
    invoice(app, tenant, pk, f"INV-{series}000004", "2026-04-02", "2026-05-02", "500.00")
    return pk
