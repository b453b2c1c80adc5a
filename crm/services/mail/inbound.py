"""Inbound logging: new messages of a tenant's IMAP folder become email interactions of
the contact (and its customer), customer or lead whose address they carry.

The From address is matched first, then To and Cc (a copy of our own mail, BCC'd to the
forwarding address, names the customer among its recipients). A message is fetched once
(the last UID is kept, and fetching marks it seen) and logged once (its Message-ID).
Unmatched messages keep their raw bytes in the storage until a user assigns or discards
them (Email → Unmatched).
"""

import datetime as dt
import email
import email.policy
import hashlib
import imaplib
import logging
import uuid
from collections.abc import Iterable, Mapping
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any, cast

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.models import Contact, Customer, InboundEmail, Lead
from crm.security.tenancy import get_owned, tenant_scope
from crm.services.core.errors import CrmError, NotFound, ValidationFailed
from crm.services.core.transaction import transaction
from crm.services.mail import attachments, imap
from crm.services.mail.settings import imap_settings_for, tenant_settings
from crm.services.pipeline.interactions import log_interaction

log = logging.getLogger(__name__)
SUMMARY_LENGTH = 20_000
MESSAGE_ID_LENGTH = InboundEmail.message_id.type.length


def parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def message_id(message: EmailMessage, raw: bytes) -> str:
    found = str(message.get("Message-ID") or "").strip()
    return (found or "sha256:" + hashlib.sha256(raw).hexdigest())[:MESSAGE_ID_LENGTH]


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        text = str(cast(EmailMessage, part).get_content())
    except (LookupError, ValueError):
        text = part.get_payload(decode=True).decode("utf-8", "replace")  # type: ignore[union-attr]
    return text.strip()


def files_of(message: EmailMessage) -> list[tuple[str, bytes, str]]:
    found = []
    for part in message.iter_attachments():
        data = part.get_payload(decode=True)
        if isinstance(data, bytes) and data:
            name = attachments.clean_name(part.get_filename()) or "attachment"
            found.append((name, data, part.get_content_type()))
    return found


def addresses(message: EmailMessage, *headers: str) -> list[str]:
    values = [str(v) for h in headers for v in message.get_all(h, [])]
    return [a.lower() for _, a in getaddresses(values) if "@" in a]


def match(session: Session, candidates: Iterable[str]) -> dict[str, Any] | None:
    """The record an address belongs to: a contact (with its customer), a customer, or a
    lead; None when no address names one."""
    for address in candidates:
        contact = session.scalar(
            select(Contact).where(func.lower(Contact.email) == address).order_by(Contact.id)
        )
        if contact is not None:
            return {"customer": contact.customer, "contact": contact}
        customer = session.scalar(select(Customer).where(func.lower(Customer.email) == address))
        if customer is not None:
            return {"customer": customer}
        lead = session.scalar(select(Lead).where(func.lower(Lead.contact_email) == address))
        if lead is not None:
            return {"customer": None, "lead": lead}
    return None


def _occurred_at(message: EmailMessage) -> dt.datetime | None:
    try:
        when = parsedate_to_datetime(str(message["Date"]))
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.timezone.utc)


def _summary(message: EmailMessage) -> str:
    subject = " ".join(str(message.get("Subject") or "").split())
    text = "\n\n".join(p for p in (subject, text_of(message)) if p)
    return text[:SUMMARY_LENGTH] or gettext("(empty message)")


def log_message(
    session: Session,
    config: Mapping[str, Any],
    message: EmailMessage,
    record: Mapping[str, Any],
) -> Any:
    """The message as an email interaction of ``record`` with its files (the caller's
    transaction)."""
    interaction = log_interaction(
        session,
        record.get("customer"),
        _summary(message),
        kind="email",
        occurred_at=_occurred_at(message),
        contact=record.get("contact"),
        lead=record.get("lead"),
    )
    for name, data, mimetype in files_of(message):
        if len(data) <= config["CRM_DOCUMENT_MAX_BYTES"]:
            attachments.attach(session, config, interaction, name, data, mimetype)
    return interaction


def take(session: Session, config: Mapping[str, Any], raw: bytes, tenant_id: int) -> Any:
    """One fetched message: logged against its record, kept as unmatched, or (seen
    before) left alone. Returns its InboundEmail row, or None for a repeat."""
    message = parse(raw)
    key = message_id(message, raw)
    with transaction(session):
        if session.scalar(select(InboundEmail.id).where(InboundEmail.message_id == key)):
            return None
        row = InboundEmail(
            tenant_id=tenant_id,
            message_id=key,
            from_address=next(iter(addresses(message, "From")), None),
            to_addresses=", ".join(addresses(message, "To", "Cc")) or None,
            subject=" ".join(str(message.get("Subject") or "").split())[:255] or None,
            body=text_of(message)[:SUMMARY_LENGTH],
            received_at=_occurred_at(message) or dt.datetime.now(dt.timezone.utc),
        )
        record = match(session, [*addresses(message, "From"), *addresses(message, "To", "Cc")])
        interaction = None
        if record is not None:
            try:
                with session.begin_nested():
                    interaction = log_message(session, config, message, record)
            except ValidationFailed:  # an archived customer: a person decides
                interaction = None
        if interaction is not None:
            row.status, row.interaction = "matched", interaction
        else:
            row.status = "unmatched"
            row.raw_key = f"{tenant_id}/inbound/{uuid.uuid4().hex}.eml"
            attachments.storage(config).save(row.raw_key, raw)
        session.add(row)
    return row


def fetch_tenant(session: Session, config: Mapping[str, Any], tenant_id: int) -> dict[str, int]:
    """Fetch the tenant's new messages; counts of matched, unmatched and repeated ones."""
    settings = imap_settings_for(session, tenant_id, config)
    counts = {"matched": 0, "unmatched": 0, "repeated": 0}
    if settings is None:
        return counts
    with tenant_scope(tenant_id), imap.mailbox(settings) as client:
        state = tenant_settings(session)
        validity = imap.uidvalidity(client)
        with transaction(session):
            if validity != state.imap_uidvalidity:  # a new folder: read it all again
                state.imap_uidvalidity, state.imap_last_uid = validity, 0
        for uid in imap.new_uids(client, state.imap_last_uid):
            raw = imap.fetch(client, uid)
            row = take(session, config, raw, tenant_id) if raw else None
            counts["repeated" if row is None else row.status] += 1
            with transaction(session):
                state.imap_last_uid = uid
    return counts


def fetch_all(session: Session, config: Mapping[str, Any], tenant_ids: Iterable[int]) -> None:
    """Every tenant with a mailbox; one tenant's broken mailbox never stops the others."""
    for tenant_id in tenant_ids:
        try:
            fetch_tenant(session, config, tenant_id)
        except (imaplib.IMAP4.error, OSError, CrmError):
            session.rollback()
            log.warning("inbound mail of tenant %s not fetched", tenant_id, exc_info=True)


def unmatched(session: Session) -> list[Any]:
    return list(
        session.scalars(
            select(InboundEmail)
            .where(InboundEmail.status == "unmatched")
            .order_by(InboundEmail.received_at.desc(), InboundEmail.id.desc())
        )
    )


def waiting(session: Session, inbound_id: object) -> Any:
    """The tenant's unmatched message ``inbound_id``; NotFound otherwise."""
    row = get_owned(session, InboundEmail, inbound_id)
    if row is None or row.status != "unmatched":
        raise NotFound(_l("This message is not waiting to be assigned."))
    return row


def assign(
    session: Session,
    config: Mapping[str, Any],
    inbound_id: object,
    *,
    customer: Any = None,
    lead: Any = None,
) -> Any:
    """Log an unmatched message against ``customer`` or ``lead`` (rows or ids of the
    tenant; the interaction rules check them)."""
    row = waiting(session, inbound_id)
    if customer in (None, "") and lead in (None, ""):
        raise ValidationFailed({"customer": [_l("Choose a customer or a lead.")]})
    with attachments.storage(config).open(row.raw_key) as file:
        message = parse(file.read())
    record = {"customer": customer or None, "lead": lead or None}
    with transaction(session):
        row.interaction = log_message(session, config, message, record)
        row.status = "assigned"
    attachments.storage(config).delete(row.raw_key)
    return row


def discard(session: Session, config: Mapping[str, Any], inbound_id: object) -> None:
    row = waiting(session, inbound_id)
    with transaction(session):
        row.status = "discarded"
    attachments.storage(config).delete(row.raw_key)
