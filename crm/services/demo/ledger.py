"""Demo ledger: orders, invoices (some overdue in every aging bucket), payments (some
partial, some left as credit), credit notes and contracts for the demo customers, with
their stored balances computed by the ledger.

Built with the models and ``crm.services.ledger.arithmetic`` directly. Idempotent: a tenant that
already has invoices is left alone.
"""

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.models import (
    Contract,
    CreditNote,
    Customer,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAllocation,
    SalesOrder,
    SalesOrderLine,
)
from crm.services.core import numbering
from crm.services.core.transaction import transactional
from crm.services.ledger import arithmetic as ledger
from crm.services.ledger.document_lines import default_address

PRODUCTS = (
    ("Pallet racking bay", "420.00"),
    ("Forklift service visit", "185.00"),
    ("Safety audit (day)", "950.00"),
    ("Spare parts kit", "76.40"),
    ("Barcode scanner", "289.90"),
    ("Shelf labels (box of 500)", "38.25"),
    ("Conveyor belt, per metre", "112.00"),
    ("Training seat", "340.00"),
)
TAX_RATES = ("0", "7", "19", "20")
CREDIT_REASONS = ("Damaged on delivery", "Price correction", "Returned goods", "Goodwill gesture")
CONTRACT_TITLES = (
    "Maintenance agreement",
    "Annual service plan",
    "Framework supply contract",
    "Support retainer",
)
# Share of customers with a ledger; of those, how many days ago their first order was.
WITH_LEDGER = 0.7
HISTORY_DAYS = 200


class _Numbers:
    """Document numbers for a batch: the first from the tenant's series, then counting on."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        self.session, self.tenant_id = session, tenant_id
        self.next: dict[Any, int] = {}

    def __call__(self, model: Any) -> str:
        if model not in self.next:
            first = numbering.next_number(self.session, model, self.tenant_id)
            self.next[model] = int(first.rsplit("-", 1)[1])
        number = self.next[model]
        self.next[model] += 1
        return f"{numbering.PREFIXES[model.__name__]}{number:06d}"


@transactional
def seed_ledger(
    session: Session, tenant_id: int, rng: random.Random, today: dt.date | None = None
) -> int:
    """Give the tenant's demo customers a ledger, unless the tenant has invoices already."""
    today = today or dt.date.today()
    if session.scalar(select(func.count(Invoice.id)).where(Invoice.tenant_id == tenant_id)):
        return 0
    numbers = _Numbers(session, tenant_id)
    customers = list(
        session.scalars(
            select(Customer).where(Customer.tenant_id == tenant_id).order_by(Customer.id)
        )
    )
    touched = 0
    for index, customer in enumerate(customers):
        if rng.random() > WITH_LEDGER:
            continue
        _customer_ledger(session, customer, rng, numbers, today)
        touched += 1
        if index % 50 == 49:
            session.flush()
    session.flush()
    for customer in customers:
        ledger.refresh_customer(session, customer)
    return touched


def _lines(rng: random.Random, line_class: Any, tenant_id: int, discount: Decimal) -> list[Any]:
    lines = []
    for product, price in rng.sample(PRODUCTS, rng.randint(1, 3)):
        lines.append(
            line_class(
                tenant_id=tenant_id,
                description=product,
                quantity=Decimal(rng.choice((1, 1, 2, 3, 5, 10))),
                unit_price=Decimal(price),
                discount_rate=discount,
                tax_rate=Decimal(rng.choice(TAX_RATES)),
            )
        )
    return lines


def _customer_ledger(
    session: Session, customer: Any, rng: random.Random, numbers: _Numbers, today: dt.date
) -> None:
    tid, currency = customer.tenant_id, customer.currency
    discount = Decimal(customer.discount_rate or 0)
    term_days = customer.payment_term.days if customer.payment_term is not None else 30
    billing = default_address(session, customer, "billing")
    shipping = default_address(session, customer, "shipping") or billing
    invoices = []
    for _ in range(rng.randint(1, 4)):
        order_date = today - dt.timedelta(days=rng.randint(5, HISTORY_DAYS))
        order = SalesOrder(
            tenant_id=tid,
            customer=customer,
            number=numbers(SalesOrder),
            order_date=order_date,
            currency=currency,
            discount_rate=discount,
            payment_term=customer.payment_term,
            status="pending",
            billing_address=billing,
            shipping_address=shipping,
        )
        order.lines = _lines(rng, SalesOrderLine, tid, discount)
        ledger.compute_totals(order)
        session.add(order)
        if rng.random() < 0.2:  # still to ship or invoice
            order.status = rng.choice(("pending", "shipped"))
            continue
        issue_date = order_date + dt.timedelta(days=rng.randint(0, 5))
        invoice = Invoice(
            tenant_id=tid,
            customer=customer,
            sales_order=order,
            number=numbers(Invoice),
            issue_date=issue_date,
            due_date=issue_date + dt.timedelta(days=term_days),
            status="issued",
            currency=currency,
            payment_term=customer.payment_term,
            tax_number=customer.tax_number,
            billing_address=billing,
            amount_paid=Decimal("0"),
        )
        invoice.lines = [
            InvoiceLine(
                tenant_id=tid,
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                discount_rate=line.discount_rate,
                tax_rate=line.tax_rate,
            )
            for line in order.lines
        ]
        ledger.compute_totals(invoice)
        session.add(invoice)
        order.status = "invoiced"
        invoices.append(invoice)
    session.flush()
    for invoice in invoices:
        _settle(session, customer, invoice, rng, numbers, today)
    if rng.random() < 0.15:  # paid on account, not yet allocated
        session.add(
            Payment(
                tenant_id=tid,
                customer=customer,
                number=numbers(Payment),
                payment_date=today - dt.timedelta(days=rng.randint(1, 20)),
                amount=ledger.money(Decimal(rng.randint(50, 800))),
                currency=currency,
                method=customer.payment_method or "bank_transfer",
                reference="On account",
                status="received",
            )
        )
    if rng.random() < 0.1:  # loose credit
        session.add(
            CreditNote(
                tenant_id=tid,
                customer=customer,
                number=numbers(CreditNote),
                issue_date=today - dt.timedelta(days=rng.randint(1, 60)),
                amount=ledger.money(Decimal(rng.randint(20, 150))),
                currency=currency,
                reason=rng.choice(CREDIT_REASONS),
                status="issued",
            )
        )
    if rng.random() < 0.3:
        start = today - dt.timedelta(days=rng.randint(0, 400))
        status = rng.choice(("active", "active", "active", "draft", "expired"))
        end = start + dt.timedelta(days=365)
        session.add(
            Contract(
                tenant_id=tid,
                customer=customer,
                number=numbers(Contract),
                title=rng.choice(CONTRACT_TITLES),
                currency=currency,
                value=ledger.money(Decimal(rng.randint(12, 240)) * 100),
                start_date=start,
                end_date=end,
                status="expired" if end < today else status,
            )
        )
    for invoice in invoices:
        ledger.refresh_invoice(session, invoice)
        if invoice.status == "paid":
            invoice.sales_order.status = "paid"


def _settle(
    session: Session,
    customer: Any,
    invoice: Any,
    rng: random.Random,
    numbers: _Numbers,
    today: dt.date,
) -> None:
    """Most old invoices are paid in full, some in part, some not at all (overdue)."""
    roll = rng.random()
    if invoice.due_date > today or roll < 0.25:
        return  # not due yet, or overdue: the aging buckets fill up
    if roll < 0.3:  # a credit note against it, then the rest paid
        note = ledger.money(invoice.total * Decimal("0.1"))
        session.add(
            CreditNote(
                tenant_id=customer.tenant_id,
                customer=customer,
                invoice=invoice,
                number=numbers(CreditNote),
                issue_date=invoice.issue_date + dt.timedelta(days=3),
                amount=note,
                currency=invoice.currency,
                reason=rng.choice(CREDIT_REASONS),
                status="issued",
            )
        )
        share = invoice.total - note
    elif roll < 0.45:  # paid in part
        share = ledger.money(invoice.total * Decimal(rng.choice(("0.25", "0.5", "0.6"))))
    else:
        share = invoice.total
    paid_on = min(today, invoice.issue_date + dt.timedelta(days=rng.randint(5, 40)))
    payment = Payment(
        tenant_id=customer.tenant_id,
        customer=customer,
        number=numbers(Payment),
        payment_date=paid_on,
        amount=share,
        currency=invoice.currency,
        method=customer.payment_method or "bank_transfer",
        reference=f"Remittance {invoice.number}",
        status="received",
    )
    payment.allocations.append(
        PaymentAllocation(tenant_id=customer.tenant_id, invoice=invoice, amount=share)
    )
    session.add(payment)
