"""E-mailing statements of account to customers' primary contacts, one or many.

A send is recorded as an "email" interaction on the customer, written in the same
transaction and committed only once the mail server has accepted the message: a
statement that was not sent leaves no trace, one that was sent is always logged.
A batch uses one SMTP connection (reopened if the server drops it) and reports, per
customer, sent or failed with the reason; one failure never stops the others. A batch
from the screens runs as a job (crm.services.statements.batch).
"""

import logging
import smtplib
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from crm.models import Customer
from crm.services.core import mailer
from crm.services.core.errors import CrmError, ValidationFailed
from crm.services.core.transaction import depth, transaction
from crm.services.ledger import arithmetic as ledger
from crm.services.pipeline.interactions import log_interaction
from crm.services.statements import text as statement_text
from crm.services.statements.files import FORMATS
from crm.services.statements.statement import Statement, build_statement, file_name, parse_period

log = logging.getLogger(__name__)
# What a refused or failed SMTP conversation raises.
MAIL_ERRORS = (smtplib.SMTPException, OSError)


class NoRecipient(CrmError):
    status = 422


@dataclass
class SendResult:
    customer_id: int
    name: str
    code: str
    email: str | None
    sent: bool
    reason: str = ""


def recipient_of(customer: Any, contact_id: int | None = None) -> tuple[Any, str]:
    """(contact, their email): the customer's contact ``contact_id``, or the primary
    contact when none is chosen; NoRecipient when there is no address to send to."""
    if contact_id is not None:
        contact = next((c for c in customer.contacts if c.id == contact_id), None)
        if contact is None:
            raise NoRecipient(
                gettext("Choose one of %(customer)s's contacts.", customer=customer.name)
            )
        if not (contact.email or "").strip():
            raise NoRecipient(gettext("%(contact)s has no email address.", contact=contact.name))
        return contact, contact.email.strip()
    contact = customer.primary_contact
    if contact is None or not (contact.email or "").strip():
        raise NoRecipient(
            gettext(
                "%(customer)s has no primary contact with an email address; add one on the "
                "customer's Contacts tab.",
                customer=customer.name,
            )
        )
    return contact, contact.email.strip()


def recipients(customer: Any) -> list[Any]:
    """The customer's contacts a statement can go to (those with an email address),
    the primary contact first."""
    found = [c for c in customer.contacts if (c.email or "").strip()]
    return sorted(found, key=lambda c: (not c.is_primary, (c.name or "").lower(), c.id))


@dataclass
class Draft:
    """The message a statement goes out with, as the sender may read and change it."""

    contact: Any
    email: str
    subject: str
    body: str


def draft(
    session: Session,
    customer: Any,
    date_from: object,
    date_to: object,
    contact_id: int | None = None,
) -> Draft:
    """The statement's message to ``contact_id`` (or the primary contact) before it goes."""
    contact, email = recipient_of(customer, contact_id)
    statement = build_statement(session, customer, date_from, date_to)
    return Draft(contact, email, statement_text.subject(statement), _body(statement, contact))


# Limits of the text a sender writes over the draft.
SUBJECT_LENGTH = 200
BODY_LENGTH = 20_000


def _own_text(text: str | None, limit: int, field: str) -> str | None:
    """The sender's ``text`` stripped (None when blank); ValidationFailed when too long
    or, for a subject, on more than one line (a header cannot carry a line break)."""
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > limit:
        raise ValidationFailed(
            {field: [gettext("Keep it under %(count)s characters.", count=limit)]}
        )
    if field == "subject" and ("\n" in text or "\r" in text):
        raise ValidationFailed({field: [gettext("The subject must be one line.")]})
    return text


def _body(statement: Statement, contact: Any) -> str:
    return cast(
        str,
        gettext(
            "Dear %(name)s,\n\nplease find attached the statement of account of %(customer)s "
            "for %(period)s.\n\nOpening balance: %(opening)s\nClosing balance: %(closing)s\n\n"
            "Kind regards,\n%(tenant)s\n",
            name=contact.name,
            customer=statement.customer_name,
            period=statement_text.period(statement),
            opening=statement_text.money(statement.opening_balance, statement.currency),
            closing=statement_text.money(statement.closing_balance, statement.currency),
            tenant=statement.tenant_name,
        ),
    )


def send_statement(
    session: Session,
    customer: Any,
    date_from: object,
    date_to: object,
    *,
    settings: mailer.SmtpSettings,
    smtp: smtplib.SMTP | None = None,
    user_id: int | None = None,
    fmt: str = "pdf",
    contact_id: int | None = None,
    subject: str | None = None,
    body: str | None = None,
) -> str:
    """Build the statement, mail it with the file attached (``fmt``: pdf or xlsx, see
    crm.services.statements.files.FORMATS) to the contact ``contact_id`` (the primary
    contact when None) and log the send; returns the recipient's address. ``subject``
    and ``body`` are the sender's own text (the draft's when None or blank). ``smtp``
    reuses an open connection."""
    contact, email = recipient_of(customer, contact_id)
    statement = build_statement(session, customer, date_from, date_to)
    subject = _own_text(subject, SUBJECT_LENGTH, "subject") or statement_text.subject(statement)
    body = _own_text(body, BODY_LENGTH, "body") or _body(statement, contact)
    render, mimetype = FORMATS[fmt]
    maintype, subtype = mimetype.split("/", 1)
    mail = mailer.message(
        settings,
        email,
        subject,
        body,
        [(file_name(statement, fmt), render(statement), maintype, subtype)],
    )
    with transaction(session):
        log_interaction(
            session,
            customer,
            gettext(
                "Statement of account %(period)s sent to %(email)s",
                period=statement_text.period(statement),
                email=email,
            ),
            kind="email",
            contact=contact,
            user_id=user_id,
        )
        if smtp is None:
            with mailer.connection(settings) as opened:
                opened.send_message(mail)
        else:
            smtp.send_message(mail)
    return email


def send_statements(
    session: Session,
    customer_ids: Iterable[int | str],
    date_from: object,
    date_to: object,
    *,
    settings: mailer.SmtpSettings,
    user_id: int | None = None,
    fmt: str = "pdf",
) -> list[SendResult]:
    """Send each customer's statement; a SendResult per id, in the order given (ids
    that name no customer of the tenant are reported as failed)."""
    sends = each_statement_sent(
        session, customer_ids, date_from, date_to, settings=settings, user_id=user_id, fmt=fmt
    )
    return list(sends)


def each_statement_sent(
    session: Session,
    customer_ids: Iterable[int | str],
    date_from: object,
    date_to: object,
    *,
    settings: mailer.SmtpSettings,
    user_id: int | None = None,
    fmt: str = "pdf",
) -> Generator[SendResult, None, None]:
    """``send_statements`` one customer at a time: yields each SendResult once that
    customer's statement is sent (and logged) or has failed. A caller that stops early
    closes the generator, which closes the SMTP connection."""
    date_from, date_to = parse_period(date_from, date_to)
    ids = list(dict.fromkeys(int(i) for i in customer_ids))
    customers = {
        c.id: c
        for c in session.scalars(
            select(Customer).where(Customer.id.in_(ids)).options(selectinload(Customer.contacts))
        )
    }
    smtp: smtplib.SMTP | None = None
    unreachable: BaseException | None = None
    try:
        for customer_id in ids:
            customer = customers.get(customer_id)
            if customer is None:
                yield SendResult(customer_id, "", "", None, False, gettext("No such customer."))
                continue
            name, code = customer.name, customer.code
            email = None
            try:
                email = recipient_of(customer)[1]
                if unreachable is not None:
                    raise unreachable
                for attempt in (1, 2):
                    if smtp is None:
                        try:
                            smtp = mailer.connect(settings)
                        except (smtplib.SMTPException, OSError) as exc:
                            unreachable = exc
                            raise
                    try:
                        send_statement(
                            session,
                            customer,
                            date_from,
                            date_to,
                            settings=settings,
                            smtp=smtp,
                            user_id=user_id,
                            fmt=fmt,
                        )
                        break
                    except smtplib.SMTPServerDisconnected:
                        smtp = None  # the server hung up: reconnect once for this one
                        if attempt == 2:
                            raise
                result = SendResult(customer_id, name, code, email, True)
            except CrmError as exc:
                result = SendResult(customer_id, name, code, email, False, str(exc.message))
            except MAIL_ERRORS as exc:
                reason = mailer.describe_failure(exc)
                if exc is unreachable:
                    reason = gettext(
                        "The mail server could not be reached: %(reason)s", reason=reason
                    )
                result = SendResult(customer_id, name, code, email, False, reason)
            except Exception as exc:  # one customer's fault (a document the PDF cannot take)
                log.exception("statement of customer %s not sent", customer_id)
                if depth(session) == 0:
                    session.rollback()  # a failed read leaves PostgreSQL's transaction unusable
                reason = gettext("Unexpected error: %(error)s", error=type(exc).__name__)
                result = SendResult(customer_id, name, code, email, False, reason)
            yield result
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass


def overdue_customer_ids(session: Session, limit: int) -> list[int]:
    """Ids of the active customers with an open invoice past its due date, by name."""
    return list(
        session.scalars(
            select(Customer.id)
            .where(Customer.is_active.is_(True), ledger.is_overdue_clause())
            .order_by(Customer.name, Customer.id)
            .limit(limit)
        )
    )


def customers_by_id(session: Session, ids: Sequence[int]) -> list[Any]:
    """The tenant's customers among ``ids``, in that order (others left out)."""
    found = {
        c.id: c
        for c in session.scalars(
            select(Customer).where(Customer.id.in_(ids)).options(selectinload(Customer.contacts))
        )
    }
    return [found[i] for i in ids if i in found]
