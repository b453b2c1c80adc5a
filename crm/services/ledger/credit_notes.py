"""Credit notes: amounts given back to a customer, reducing what they owe.

* draft -> issued -> void (a draft may also be voided; only drafts are deleted);
* a customer, an amount > 0 and a reason are required; the currency is the customer's;
* optionally against one of the customer's posted invoices: when issued, the note may
  not exceed what that invoice still has due, and it then counts as paid on it. A note
  without an invoice is loose credit on the customer's account;
* an issued note reduces the balance; a void one counts for nothing.
"""

import datetime as dt
from typing import Any, cast

from flask_babel import gettext
from sqlalchemy.orm import Session

from crm.models import POSTED_INVOICE_STATUSES, CreditNote, Customer, Invoice
from crm.models.base import utcnow
from crm.services.core import audit
from crm.services.core.errors import NotAllowed, ValidationFailed
from crm.services.core.numbering import flush_numbered, next_number
from crm.services.core.related import linked, stored
from crm.services.core.transaction import transactional
from crm.services.ledger import arithmetic as ledger
from crm.services.ledger.payments import AmountInvalid, parse_amount, settle, shown


def prepare(session: Session, note: Any) -> None:
    """Validate and normalise a credit note before it is saved (drafts only: an issued
    or void note is changed through ``issue``/``void_credit_note``)."""
    errors = {}
    with session.no_autoflush:
        status = stored(session, note, "status")
        if status not in (None, "draft"):
            raise NotAllowed(
                gettext(
                    "%(number)s is %(status)s and cannot be changed. Void it and issue a new one.",
                    number=note.number,
                    status=status,
                )
            )
        customer = linked(session, note, "customer", Customer)
        invoice = linked(session, note, "invoice", Invoice)
        was = stored(session, note, "customer_id")
        if customer is None:
            errors["customer"] = [gettext("Choose the customer this credit note is for.")]
        elif not customer.is_active and was != customer.id:
            errors["customer"] = [
                gettext("%(name)s is archived. Choose an active customer.", name=customer.name)
            ]
        try:
            note.amount = parse_amount(note.amount)
            if note.amount <= 0:
                errors["amount"] = [gettext("A credit note is for more than zero.")]
        except AmountInvalid as exc:
            errors["amount"] = [str(exc)]
        note.reason = (note.reason or "").strip()
        if not note.reason:
            errors["reason"] = [gettext("Say why the customer is credited.")]
        elif len(note.reason) > 255:
            errors["reason"] = [gettext("At most 255 characters.")]
        note.notes = (note.notes or "").strip() or None
        if note.issue_date is None:
            note.issue_date = dt.date.today()
        if invoice is not None and customer is not None:
            problem = _invoice_problem(invoice, customer)
            if problem:
                errors["invoice"] = [problem]
        if errors:
            raise ValidationFailed(errors)
        note.customer, note.invoice = customer, invoice
        note.currency = customer.currency
        note.status = note.status or "draft"
        if not note.number:
            note.number = next_number(session, CreditNote, customer.tenant_id)


def _invoice_problem(invoice: Any, customer: Any) -> str | None:
    if invoice.customer_id != customer.id:
        return cast(
            str,
            gettext(
                "%(number)s is not an invoice of %(name)s.",
                number=invoice.number,
                name=customer.name,
            ),
        )
    if invoice.status not in POSTED_INVOICE_STATUSES:
        return cast(
            str,
            gettext(
                "%(number)s is %(status)s: only an issued invoice can be credited.",
                number=invoice.number,
                status=invoice.status,
            ),
        )
    return None


def check_delete(session: Session, note: Any) -> None:
    if stored(session, note, "status") != "draft":
        raise NotAllowed(
            gettext(
                "%(number)s cannot be deleted: it is part of the customer's ledger. Void it instead.",
                number=note.number,
            )
        )


def after_write(session: Session, note: Any) -> None:
    settle(session, note.customer, [note.invoice])


@transactional
def issue(session: Session, note: Any) -> Any:
    """Issue a draft credit note: from now on it reduces the customer's balance (and,
    against an invoice, counts as paid on it)."""
    if note.status != "draft":
        raise NotAllowed(
            gettext(
                "%(number)s is %(status)s: only a draft can be issued.",
                number=note.number,
                status=note.status,
            )
        )
    invoice = note.invoice
    if invoice is not None:
        problem = _invoice_problem(invoice, note.customer)
        if problem is None and ledger.money(note.amount) > ledger.money(invoice.amount_due):
            problem = gettext(
                "%(number)s has %(due)s due: a credit note of %(amount)s cannot be issued "
                "against it. Lower the amount or leave the invoice out.",
                number=invoice.number,
                due=shown(invoice.amount_due, note.currency),
                amount=shown(note.amount, note.currency),
            )
        if problem:
            raise ValidationFailed({"invoice": [problem]})
    note.status = "issued"
    note.issued_at = utcnow()
    audit.mark(session, note, "issue")
    settle(session, note.customer, [invoice])
    flush_numbered(session)
    return note


@transactional
def void_credit_note(session: Session, note: Any) -> Any:
    """Void a draft or issued credit note; an issued one stops counting."""
    if note.status == "void":
        raise NotAllowed(gettext("%(number)s is already void.", number=note.number))
    note.status = "void"
    note.voided_at = utcnow()
    audit.mark(session, note, "void")
    settle(session, note.customer, [note.invoice])
    flush_numbered(session)
    return note
