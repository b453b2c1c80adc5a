"""Invoices: from an order or stand-alone; pre-fill, checks, numbering, totals and life.

Payment terms, billing address and tax number come from the customer (or the
order) and can be changed per invoice while it is a draft, the only editable
state. The due date is the issue date plus the payment term's days unless given.

    draft --issue (credit check)--> issued --payments--> partly_paid --> paid
    draft/issued --void (nothing allocated or credited)--> void

Issuing checks the customer's credit (crm.services.ledger.credit_rule, point "invoice").
Payments move issued invoices to partly paid and paid (ledger.refresh_invoice);
the order an invoice came from follows (sales_orders.sync_order_from_invoices).
"""

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.fields.ledger import INVOICE_STATUSES
from crm.models import CreditNote, Invoice, InvoiceLine, PaymentAllocation
from crm.models.base import utcnow
from crm.services.core.errors import NotAllowed, ValidationFailed
from crm.services.core.transaction import transactional
from crm.services.customers import tax_registrations
from crm.services.ledger import document_lines as dl, limits
from crm.services.ledger.arithmetic import compute_totals, refresh_invoice
from crm.services.ledger.credit_rule import check_credit
from crm.services.ledger.sales_orders import (
    INVOICEABLE,
    STATUS_LABELS as ORDER_STATUS_LABELS,
    live_invoices,
    sync_order_from_invoices,
    write_document,
)

EDITABLE = ("draft",)
VOIDABLE = ("draft", "issued")
HEADER_FIELDS = (
    "number",
    "customer",
    "issue_date",
    "due_date",
    "currency",
    "payment_term",
    "billing_address",
    "tax_number",
    "reference",
    "notes",
)
STATUS_LABELS = INVOICE_STATUSES
# Header fields a new invoice takes from its customer unless given (due_date follows).
PREFILLED = ("currency", "payment_term", "billing_address", "tax_number")


def prefill(session: Session, customer: Any, issue_date: dt.date | None = None) -> dict[str, Any]:
    """What a new invoice for ``customer`` starts with, wherever it is made (the form, the
    customer's Invoices tab, the API, an order): its currency, payment term, default
    billing address and the number of its tax registration used on invoices; issued
    today (or ``issue_date``), due after the term."""
    issued = issue_date or dt.date.today()
    registration = tax_registrations.invoice_registration(session, customer)
    return {
        "customer": customer,
        "issue_date": issued,
        "currency": customer.currency,
        "payment_term": customer.payment_term,
        "due_date": dl.due_date_for(issued, customer.payment_term),
        "billing_address": dl.default_address(session, customer, "billing"),
        "tax_number": registration.number if registration is not None else customer.tax_number,
    }


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def current_values(invoice: Any) -> dict[str, Any]:
    return {field: getattr(invoice, field) for field in HEADER_FIELDS}


@transactional
def save_invoice(
    session: Session,
    invoice: Any,
    values: Mapping[str, Any],
    lines: object = None,
    skip_blank_lines: bool = False,
    max_lines: int | None = limits.DOCUMENT_LINES,
) -> Any:
    """Create (``invoice`` new) or change a draft; like ``sales_orders.save_order``.
    A due date left empty is the issue date plus the payment term's days."""
    limits.check_lines(lines, max_lines)
    is_new = invoice.id is None
    if not is_new and invoice.status not in EDITABLE:
        raise NotAllowed(
            gettext(
                "Invoice %(number)s is %(status)s; only drafts can be changed.",
                number=invoice.number,
                status=STATUS_LABELS[invoice.status],
            )
        )
    errors: dl.Errors = {}
    with session.no_autoflush:
        previous = None if is_new else invoice.customer
        customer = dl.resolve_customer(errors, values.get("customer", previous), previous)
        base = (
            prefill(session, customer)
            if is_new and customer is not None
            else ({} if is_new else current_values(invoice))
        )
        if is_new:
            base.pop("due_date", None)  # from the issue date actually given
        typed = values
        if is_new:
            # A form sends every field, the empty ones too: those keep the pre-fill.
            typed = {k: v for k, v in values.items() if k not in PREFILLED or not _blank(v)}
        merged = {**base, **typed}
        if previous is not None and customer is not previous and "currency" not in values:
            merged["currency"] = None
        if (
            not is_new
            and "due_date" not in values
            and ("issue_date" in values or "payment_term" in values)
        ):
            merged["due_date"] = None  # follows the new date or term
        header = {
            "number": dl.check_number(session, errors, Invoice, invoice, merged.get("number")),
            "issue_date": dl.check(errors, "issue_date", dl.clean_date, merged.get("issue_date")),
            "due_date": dl.check(errors, "due_date", dl.clean_date, merged.get("due_date"), False),
            "currency": dl.check_currency(errors, merged.get("currency"), customer),
            "payment_term": dl.resolve_payment_term(errors, merged.get("payment_term")),
            "tax_number": dl.check(
                errors, "tax_number", dl.clean_text, merged.get("tax_number"), 50
            ),
            "reference": dl.check(
                errors,
                "reference",
                dl.clean_text,
                merged.get("reference"),
                dl.TEXT_LIMITS["reference"],
            ),
        }
        for field in ("billing_address", "notes"):
            header[field] = dl.check(errors, field, dl.clean_text, merged.get(field))
        if (
            header["issue_date"]
            and header["due_date"]
            and header["due_date"] < header["issue_date"]
        ):
            errors["due_date"] = [_l("The due date cannot be before the issue date.")]
        if header["issue_date"] and header["due_date"] is None and "due_date" not in errors:
            header["due_date"] = dl.due_date_for(header["issue_date"], header["payment_term"])
        new_lines = None
        if lines is not None:
            discount = customer.discount_rate if customer is not None else 0
            new_lines = dl.clean_lines(lines, discount or 0, errors, skip_blank_lines)
        if errors:
            raise ValidationFailed(errors)
        invoice.customer = customer
        for field, value in header.items():
            if field != "number" or value is not None:
                setattr(invoice, field, value)
        if new_lines is not None:
            dl.replace_lines(invoice, InvoiceLine, new_lines)
        compute_totals(invoice)
        dl.assign_number(session, invoice)
    session.add(invoice)
    write_document(session, invoice, customers=(customer, previous))
    return invoice


def _require(invoice: Any, statuses: Collection[str], message: Any) -> None:
    if invoice.status not in statuses:
        raise NotAllowed(
            message
            % {
                "number": invoice.number,
                "status": STATUS_LABELS.get(invoice.status, invoice.status),
            }
        )


@transactional
def issue_invoice(
    session: Session, invoice: Any, override_reason: str | None = None, may_override: bool = False
) -> Any:
    """Draft -> issued, once the customer's credit allows it (with ``may_override``, a
    reason overrides a refusal, recorded in the audit trail). It then counts in the balance."""
    _require(
        invoice, ("draft",), _l("Invoice %(number)s is %(status)s; only a draft can be issued.")
    )
    if not invoice.lines:
        raise NotAllowed(
            gettext("Add at least one line before issuing %(number)s.", number=invoice.number)
        )
    if not invoice.customer.is_active:
        raise NotAllowed(
            gettext(
                "%(name)s is archived; restore the customer to issue invoices.",
                name=invoice.customer.name,
            )
        )
    compute_totals(invoice)
    check_credit(
        session,
        invoice.customer,
        invoice.total,
        "invoice",
        override_reason,
        document=invoice,
        may_override=may_override,
    )
    invoice.status = "issued"
    invoice.issued_at = utcnow()
    if invoice.due_date is None:
        invoice.due_date = dl.due_date_for(invoice.issue_date, invoice.payment_term)
    refresh_invoice(session, invoice)
    if invoice.sales_order is not None:
        sync_order_from_invoices(session, invoice.sales_order)
    write_document(session, invoice, customers=(invoice.customer,))
    return invoice


def _settled_amounts(session: Session, invoice: Any) -> tuple[int | None, int | None]:
    allocated = session.scalar(
        select(func.count())
        .select_from(PaymentAllocation)
        .where(PaymentAllocation.invoice_id == invoice.id)
    )
    credited = session.scalar(
        select(func.count())
        .select_from(CreditNote)
        .where(CreditNote.invoice_id == invoice.id, CreditNote.status != "void")
    )
    return allocated, credited


@transactional
def void_invoice(session: Session, invoice: Any) -> Any:
    """Draft or issued -> void, only while no payment is allocated to it and no credit
    note is against it; it then counts for nothing."""
    _require(invoice, VOIDABLE, _l("Invoice %(number)s is %(status)s and cannot be voided."))
    allocated, credited = _settled_amounts(session, invoice)
    if allocated or credited:
        raise NotAllowed(
            gettext(
                "Invoice %(number)s cannot be voided: %(payments)d payment allocation(s) and "
                "%(credits)d credit note(s) are against it. Remove them first.",
                number=invoice.number,
                payments=allocated,
                credits=credited,
            )
        )
    invoice.status = "void"
    invoice.voided_at = utcnow()
    if invoice.sales_order is not None:
        sync_order_from_invoices(session, invoice.sales_order)
    write_document(session, invoice, customers=(invoice.customer,))
    return invoice


@transactional
def invoice_from_order(session: Session, order: Any) -> Any:
    """A draft invoice with the order's lines, terms and billing address; the order
    becomes invoiced. An order is invoiced once: a second invoice needs the first voided."""
    if order.status not in INVOICEABLE:
        raise NotAllowed(
            gettext(
                "Order %(number)s is %(status)s; confirm it before invoicing.",
                number=order.number,
                status=ORDER_STATUS_LABELS[order.status],
            )
        )
    existing = live_invoices(session, order)
    if existing:
        raise NotAllowed(
            gettext(
                "Order %(number)s is already invoiced (%(invoices)s).",
                number=order.number,
                invoices=", ".join(i.number for i in existing),
            )
        )
    customer = order.customer
    # The customer's pre-fill, with what the order agreed instead where it says.
    values = prefill(session, customer)
    values.update(
        currency=order.currency or values["currency"],
        payment_term=order.payment_term or values["payment_term"],
        billing_address=order.billing_address or values["billing_address"],
    )
    values["due_date"] = dl.due_date_for(values["issue_date"], values["payment_term"])
    invoice = Invoice(
        **values,
        sales_order=order,
        reference=order.reference or order.number,
        status="draft",
    )
    for line in order.lines:
        invoice.lines.append(InvoiceLine(**{f: getattr(line, f) for f in dl.LINE_FIELDS}))
    compute_totals(invoice)
    dl.assign_number(session, invoice)
    session.add(invoice)
    order.status = "invoiced"
    write_document(session, invoice, customers=(customer,))
    return invoice


def check_delete(session: Session, invoice: Any) -> None:
    """Only drafts may be deleted; an issued invoice is voided instead."""
    if invoice.status != "draft":
        raise NotAllowed(
            gettext(
                "Invoice %(number)s is %(status)s; void it instead of deleting it.",
                number=invoice.number,
                status=STATUS_LABELS[invoice.status],
            )
        )
