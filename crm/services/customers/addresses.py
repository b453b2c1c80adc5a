"""Addresses of a customer: one default per kind; the list shows the main one's city."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.models import ADDRESS_KINDS, Address, Customer
from crm.services.core.errors import ValidationFailed
from crm.services.core.transaction import transactional
from crm.services.core.validation import check, clean_country
from crm.services.customers.customers import search_text

# The list's city and country come from the first kind here that has a default.
LIST_ADDRESS_KINDS = ("contact", "billing", "shipping")


def prepare(session: Session, address: Address) -> None:
    errors = {}
    with session.no_autoflush:
        if address.kind not in ADDRESS_KINDS:
            errors["kind"] = [_l("Choose contact, billing or shipping.")]
        # A street is optional: a city and a country make an address (imports bring many).
        address.line1 = (address.line1 or "").strip() or None
        address.city = (address.city or "").strip()
        if not address.city:
            errors["city"] = [_l("This field is required.")]
        address.country = check(errors, "country", clean_country, address.country, required=True)
        if address.customer is None and address.customer_id is None:
            errors["customer"] = [_l("Choose the customer this address belongs to.")]
        if errors:
            raise ValidationFailed(errors)
        same_kind = _same_kind(session, address)
        if not any(a.is_default for a in same_kind):
            address.is_default = True
        if address.is_default:
            for other in same_kind:
                other.is_default = False


def _same_kind(session: Session, address: Address) -> list[Address]:
    customer_id = address.customer_id or (address.customer.id if address.customer else None)
    if customer_id is None:
        return []
    query = select(Address).where(Address.customer_id == customer_id, Address.kind == address.kind)
    if address.id:
        query = query.where(Address.id != address.id)
    return list(session.scalars(query))


@transactional
def refresh_customer_location(session: Session, customer_id: int) -> None:
    """Copy the main address's city and country onto the customer, and keep one default per kind."""
    addresses = list(
        session.scalars(
            select(Address).where(Address.customer_id == customer_id).order_by(Address.id)
        )
    )
    for kind in ADDRESS_KINDS:
        of_kind = [a for a in addresses if a.kind == kind]
        if of_kind and not any(a.is_default for a in of_kind):
            of_kind[0].is_default = True
    main = next(
        (a for kind in LIST_ADDRESS_KINDS for a in addresses if a.kind == kind and a.is_default),
        None,
    )
    customer = session.get(Customer, customer_id)
    if customer is not None:
        customer.city = main.city if main else None
        customer.country = main.country if main else None
        customer.search_text = search_text(session, customer)  # it holds the city


def refresh_location_of(session: Session, address: Address) -> None:
    """After ``address`` is saved or deleted (in the same transaction): its customer's
    location and default flags follow."""
    refresh_customer_location(session, address.customer_id)
