"""Contacts of a customer: exactly one of them is primary."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.models import Contact
from crm.services.core.errors import ValidationFailed
from crm.services.core.validation import check, clean_email, clean_phone


def _siblings(session: Session, contact: Contact) -> list[Contact]:
    if contact.customer_id is None and contact.customer is None:
        return []
    customer_id = contact.customer_id or contact.customer.id
    if customer_id is None:
        return []
    query = select(Contact).where(Contact.customer_id == customer_id)
    if contact.id:
        query = query.where(Contact.id != contact.id)
    return list(session.scalars(query))


def prepare(session: Session, contact: Contact) -> None:
    """Validate a contact and keep the one-primary rule before it is saved."""
    errors = {}
    with session.no_autoflush:
        contact.name = (contact.name or "").strip()
        if not contact.name:
            errors["name"] = [_l("A name is required.")]
        if contact.customer is None and contact.customer_id is None:
            errors["customer"] = [_l("Choose the customer this contact belongs to.")]
        contact.email = check(errors, "email", clean_email, contact.email, required=False)
        region = contact.customer.country if contact.customer is not None else None
        if contact.phone:
            contact.phone = (
                check(errors, "phone", clean_phone, contact.phone, region) or contact.phone
            )
        siblings = _siblings(session, contact)
        current_primary = [c for c in siblings if c.is_primary]
        if not siblings:
            contact.is_primary = True
        elif not contact.is_primary and not current_primary:
            errors["is_primary"] = [
                _l("A customer needs one primary contact: make another contact primary instead.")
            ]
        if errors:
            raise ValidationFailed(errors)
        if contact.is_primary:
            for other in current_primary:
                other.is_primary = False


def keep_a_primary(session: Session, contact: Contact) -> None:
    """After ``contact`` is deleted (in the same transaction): when it was the primary
    contact, the longest-standing remaining contact takes over."""
    remaining = list(
        session.scalars(
            select(Contact).where(Contact.customer_id == contact.customer_id).order_by(Contact.id)
        )
    )
    if remaining and not any(c.is_primary for c in remaining):
        remaining[0].is_primary = True
