"""The statement of account: what a customer owed, bought, paid and was credited over a period.

``build_statement`` returns plain data that the page, the PDF, the Excel file and the
e-mail all render, so every output shows the same figures:

* opening balance = the balance from every document dated before the first day;
* one line per posted invoice (debit = its total), received payment (credit = its
  amount) and issued credit note (credit = its amount) dated in the period, in date
  order, with the running balance; drafts and void documents count for nothing;
* closing balance = opening + debits - credits = ``ledger.balance_of(until=last day)``;
* aging as of the last day, computed from the documents dated on or before it (an
  invoice is settled as of that day only by payments and credit notes dated on or
  before it), and the credit not yet used against an invoice on that day. Aging
  total - unallocated credit = closing balance.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.i18n import inputs
from crm.i18n.inputs import InputInvalid
from crm.models import (
    POSTED_INVOICE_STATUSES,
    Address,
    CreditNote,
    Invoice,
    Payment,
    PaymentAllocation,
    Tenant,
)
from crm.services.core.errors import ValidationFailed
from crm.services.ledger import arithmetic as ledger

# Same-day documents: what was billed first, then what was credited and paid.
KIND_ORDER = {"invoice": 0, "credit_note": 1, "payment": 2}
# A statement covers at most this many days (ten years), so a typo cannot ask for millennia.
MAX_PERIOD_DAYS = 3660


@dataclass
class StatementLine:
    date: dt.date
    kind: str  # invoice | payment | credit_note
    number: str
    description: str
    due_date: dt.date | None
    debit: Decimal
    credit: Decimal
    balance: Decimal = Decimal("0.00")


@dataclass
class Statement:
    tenant_name: str
    customer_id: int
    customer_name: str
    customer_code: str
    billing_address: str
    tax_number: str
    currency: str
    date_from: dt.date
    date_to: dt.date
    opening_balance: Decimal
    closing_balance: Decimal
    total_debit: Decimal
    total_credit: Decimal
    unallocated_credit: Decimal
    aging: dict[str, Decimal]  # bucket key (ledger.AGING_BUCKETS) -> amount, plus "total"
    lines: list[StatementLine] = field(default_factory=list)


def parse_date(value: object, name: str) -> dt.date:
    """A date from a date or an ISO ``YYYY-MM-DD`` string (crm.i18n.inputs.date);
    ValidationFailed naming ``name``."""
    if not isinstance(value, (str, dt.date)) or inputs.blank(value):
        raise ValidationFailed({name: [gettext("Enter a date (YYYY-MM-DD).")]})
    try:
        return cast(dt.date, inputs.date(value))
    except InputInvalid:
        raise ValidationFailed(
            {
                name: [
                    gettext(
                        "“%(value)s” is not a date (YYYY-MM-DD).", value=cast(str, value).strip()
                    )
                ]
            }
        ) from None


def parse_period(date_from: object, date_to: object) -> tuple[dt.date, dt.date]:
    """(first day, last day) from dates or ISO strings, checked: both given, valid, in order."""
    errors: dict[str, list[str]] = {}
    days: dict[str, dt.date] = {}
    for name, value in (("from", date_from), ("to", date_to)):
        try:
            days[name] = parse_date(value, name)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if not errors:
        if days["from"] > days["to"]:
            errors["to"] = [gettext("The last day must not be before the first day.")]
        elif (days["to"] - days["from"]).days > MAX_PERIOD_DAYS:
            errors["to"] = [gettext("A statement covers at most ten years.")]
    if errors:
        raise ValidationFailed(errors)
    return days["from"], days["to"]


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """First day of the current year to today."""
    today = today or dt.date.today()
    return today.replace(month=1, day=1), today


def billing_address_text(session: Session, customer: Any) -> str:
    """The default billing address (else any billing address) as lines of text."""
    address = session.scalar(
        select(Address)
        .where(Address.customer_id == customer.id, Address.kind == "billing")
        .order_by(Address.is_default.desc(), Address.id)
        .limit(1)
    )
    if address is None:
        return ""
    city = " ".join(p for p in (address.postal_code, address.city) if p)
    return "\n".join(
        p for p in (address.line1, address.line2, city, address.state, address.country) if p
    )


def statement_lines(
    session: Session, customer_id: int, date_from: dt.date, date_to: dt.date
) -> list[StatementLine]:
    """The period's posted documents as StatementLines, sorted, without running balances."""
    lines: list[StatementLine] = []
    invoices = session.execute(
        select(
            Invoice.issue_date, Invoice.number, Invoice.reference, Invoice.due_date, Invoice.total
        ).where(
            Invoice.customer_id == customer_id,
            Invoice.status.in_(POSTED_INVOICE_STATUSES),
            Invoice.issue_date.between(date_from, date_to),
        )
    )
    for day, number, reference, due, total in invoices:
        lines.append(
            StatementLine(
                day, "invoice", number, reference or "", due, ledger.money(total), ledger.ZERO
            )
        )
    payments = session.execute(
        select(Payment.payment_date, Payment.number, Payment.reference, Payment.amount).where(
            Payment.customer_id == customer_id,
            Payment.status == "received",
            Payment.payment_date.between(date_from, date_to),
        )
    )
    for day, number, reference, amount in payments:
        lines.append(
            StatementLine(
                day, "payment", number, reference or "", None, ledger.ZERO, ledger.money(amount)
            )
        )
    credit_notes = session.execute(
        select(
            CreditNote.issue_date, CreditNote.number, CreditNote.reason, CreditNote.amount
        ).where(
            CreditNote.customer_id == customer_id,
            CreditNote.status == "issued",
            CreditNote.issue_date.between(date_from, date_to),
        )
    )
    for day, number, reason, amount in credit_notes:
        lines.append(
            StatementLine(
                day, "credit_note", number, reason or "", None, ledger.ZERO, ledger.money(amount)
            )
        )
    lines.sort(key=lambda line: (line.date, KIND_ORDER[line.kind], line.number))
    return lines


def aging_as_of(
    session: Session, customer_id: int, as_of: dt.date
) -> tuple[dict[str, Decimal], Decimal]:
    """(aging buckets, unallocated credit) of one customer as they stood at the end of
    ``as_of``, from the documents dated on or before it.

    A payment or credit note counts against an invoice only when both were on the
    books that day; otherwise (and for whatever exceeds the invoice) it is credit."""
    invoices = {
        invoice_id: (ledger.money(total), due)
        for invoice_id, total, due in session.execute(
            select(Invoice.id, Invoice.total, Invoice.due_date).where(
                Invoice.customer_id == customer_id,
                Invoice.status.in_(POSTED_INVOICE_STATUSES),
                Invoice.issue_date <= as_of,
            )
        )
    }
    settled = dict.fromkeys(invoices, ledger.ZERO)
    credit = ledger.ZERO

    received = (
        Payment.customer_id == customer_id,
        Payment.status == "received",
        Payment.payment_date <= as_of,
    )
    credit += ledger.money(
        session.scalar(select(func.coalesce(func.sum(Payment.amount), 0)).where(*received))
    )
    allocations = session.execute(
        select(PaymentAllocation.invoice_id, func.sum(PaymentAllocation.amount))
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(*received)
        .group_by(PaymentAllocation.invoice_id)
    )
    for invoice_id, amount in allocations:
        if invoice_id in settled:
            settled[invoice_id] += ledger.money(amount)
            credit -= ledger.money(amount)

    credit_notes = session.execute(
        select(CreditNote.invoice_id, func.sum(CreditNote.amount))
        .where(
            CreditNote.customer_id == customer_id,
            CreditNote.status == "issued",
            CreditNote.issue_date <= as_of,
        )
        .group_by(CreditNote.invoice_id)
    )
    for invoice_id, amount in credit_notes:
        if invoice_id in settled:
            settled[invoice_id] += ledger.money(amount)
        else:
            credit += ledger.money(amount)

    buckets = dict.fromkeys([key for key, _, _ in ledger.AGING_BUCKETS], ledger.ZERO)
    for invoice_id, (total, due) in invoices.items():
        outstanding = total - settled[invoice_id]
        if outstanding <= ledger.ZERO:
            credit -= outstanding  # paid more than the invoice: the rest is credit
            continue
        buckets[ledger.bucket_of((as_of - due).days)] += outstanding
    buckets["total"] = sum((buckets[key] for key, _, _ in ledger.AGING_BUCKETS), ledger.ZERO)
    return buckets, credit


def build_statement(
    session: Session, customer: Any, date_from: object, date_to: object
) -> Statement:
    """The customer's statement of account for the period (dates or ISO strings)."""
    date_from, date_to = parse_period(date_from, date_to)
    opening = ledger.balance_of(session, customer.id, until=date_from - dt.timedelta(days=1))
    lines = statement_lines(session, customer.id, date_from, date_to)
    running = opening
    for line in lines:
        running += line.debit - line.credit
        line.balance = running
    aging, credit = aging_as_of(session, customer.id, date_to)
    tenant = session.get(Tenant, customer.tenant_id)
    return Statement(
        tenant_name=tenant.name if tenant else "",
        customer_id=customer.id,
        customer_name=customer.name,
        customer_code=customer.code,
        billing_address=billing_address_text(session, customer),
        tax_number=customer.tax_number or "",
        currency=customer.currency,
        date_from=date_from,
        date_to=date_to,
        opening_balance=opening,
        closing_balance=running,
        total_debit=sum((line.debit for line in lines), ledger.ZERO),
        total_credit=sum((line.credit for line in lines), ledger.ZERO),
        unallocated_credit=credit,
        aging=aging,
        lines=lines,
    )


def file_name(statement: Statement, extension: str) -> str:
    """statement-C000123-2026-01-01-2026-03-31.pdf"""
    code = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in statement.customer_code)
    return f"statement-{code}-{statement.date_from}-{statement.date_to}.{extension}"
