"""A new customer with its primary contact and billing (optionally shipping) address in one
save: each part is checked by its own service's rules and attached to the customer, whose
add (one transaction, crm.datamodel.interface.CrmInterface) saves them all or nothing.
The screen and the API name the parts alike (``PARTS``)."""

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from crm.models import Address, Contact, Customer
from crm.services.core.errors import ValidationFailed
from crm.services.customers import addresses, contacts, customers as customer_rules

CONTACT_PART = "primary_contact"
# Address parts and the address kind each one saves as.
ADDRESS_PARTS = {"billing_address": "billing", "shipping_address": "shipping"}
CONTACT_KEYS = ("first_name", "last_name", "email", "phone")
ADDRESS_KEYS = ("line1", "line2", "postal_code", "city", "state", "country")
PARTS = {CONTACT_PART: CONTACT_KEYS, **dict.fromkeys(ADDRESS_PARTS, ADDRESS_KEYS)}
# A contact's rule reports its name as "name"; the entry asks for it as two fields.
CONTACT_FIELD_OF = {"name": "first_name"}

Parts = Mapping[str, Mapping[str, str]]


def read_parts(body: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """The parts ``body`` carries (objects of text values, keys of ``PARTS``), blanks left
    out and parts without any value dropped; ValidationFailed for anything else."""
    errors: dict[str, list[Any]] = {}
    parts: dict[str, dict[str, str]] = {}
    for part, keys in PARTS.items():
        raw = body.get(part)
        if raw is None:
            continue
        if not isinstance(raw, Mapping):
            errors[part] = [_l("Send an object with the fields %(keys)s.", keys=", ".join(keys))]
            continue
        values = {}
        for key, value in raw.items():
            if key not in keys:
                errors[f"{part}.{key}"] = [_l("Unknown field.")]
            elif value is not None and not isinstance(value, str):
                errors[f"{part}.{key}"] = [_l("Send this as text.")]
            elif value and value.strip():
                values[key] = value.strip()
        if values:
            parts[part] = values
    if errors:
        raise ValidationFailed(errors)
    return parts


def _contact(values: Mapping[str, str]) -> Contact:
    name = " ".join(values[k] for k in ("first_name", "last_name") if values.get(k))
    return Contact(name=name, email=values.get("email"), phone=values.get("phone"), is_primary=True)


def _address(kind: str, values: Mapping[str, str]) -> Address:
    return Address(kind=kind, is_default=True, **{k: values.get(k) for k in ADDRESS_KEYS})


def _check(
    errors: dict[str, list[Any]], part: str | None, rule: Any, session: Session, item: Any
) -> None:
    try:
        rule(session, item)
    except ValidationFailed as exc:
        for field, messages in exc.errors.items():
            if part is None:
                errors.setdefault(field, []).extend(messages)
            else:
                field = CONTACT_FIELD_OF.get(field, field) if part == CONTACT_PART else field
                errors.setdefault(f"{part}.{field}", []).extend(messages)


def attach(session: Session, customer: Customer, parts: Parts) -> list[Any]:
    """Check a new customer and its parts, each with its own service's rules, and attach
    the parts to it (saved with it); raises one ValidationFailed naming every problem,
    a part's fields as ``primary_contact.email``. The attached parts are returned."""
    errors: dict[str, list[Any]] = {}
    attached: list[Any] = []
    with session.no_autoflush:
        for part, kind in ADDRESS_PARTS.items():
            if parts.get(part):
                address = _address(kind, parts[part])
                address.customer = customer
                attached.append(address)
                _check(errors, part, addresses.prepare, session, address)
        if attached and not errors:
            # The customer's location follows its main address (addresses.LIST_ADDRESS_KINDS).
            customer.city, customer.country = attached[0].city, attached[0].country
        _check(errors, None, customer_rules.prepare, session, customer)
        if parts.get(CONTACT_PART):
            contact = _contact(parts[CONTACT_PART])
            contact.customer = customer
            attached.append(contact)
            _check(errors, CONTACT_PART, contacts.prepare, session, contact)
    if errors:
        detach(session, customer, attached)
        raise ValidationFailed(errors)
    return attached


def detach(session: Session, customer: Customer, attached: list[Any]) -> None:
    """Take checked parts off a customer that is not saved after all."""
    for item in attached:
        collection = customer.contacts if isinstance(item, Contact) else customer.addresses
        if item in collection:
            collection.remove(item)
        if item in session:
            session.expunge(item)
