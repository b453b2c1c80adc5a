"""The customer master record: validation, codes, archive, restore, clone, delete."""

from typing import Any, cast

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.fields.customers import CLONED_FIELDS
from crm.models import Company, Customer
from crm.security.tenancy import current_tenant_id
from crm.services.core import audit, numbering
from crm.services.core.archiving import archive as archive, restore as restore
from crm.services.core.delete_rules import delete_blockers
from crm.services.core.errors import NotAllowed, ValidationFailed
from crm.services.core.transaction import transactional
from crm.services.customers import customer_fields, customer_text, tax_registrations

CLONED_CHILDREN = {
    "contacts": ("name", "role", "email", "phone", "is_primary"),
    "addresses": (
        "kind",
        "line1",
        "line2",
        "city",
        "state",
        "postal_code",
        "country",
        "is_default",
    ),
    "plants": (
        "name",
        "code",
        "line1",
        "city",
        "postal_code",
        "country",
        "contact_name",
        "phone",
        "notes",
        "is_active",
    ),
}

# What customer_fields' rules read and may normalise.
CHECKED_FIELDS = (*customer_fields.RULES, "tax_regime", "country")
CODE_PREFIX = "C"
CODE_SERIES = "customer_code"


def _tenant_of(obj: Any) -> int:
    return cast(int, obj.tenant_id or current_tenant_id())


def email_taken(
    session: Session, tenant_id: int, email: str, exclude_id: int | None = None
) -> bool:
    query = select(Customer.id).where(
        Customer.tenant_id == tenant_id, func.lower(Customer.email) == email.lower()
    )
    if exclude_id:
        query = query.where(Customer.id != exclude_id)
    return session.scalar(query.limit(1)) is not None


def first_code_number(session: Session, tenant_id: int) -> int:
    """Where a tenant's code counter starts: after the codes it already has."""
    return (
        numbering.highest_in_series(
            session, Customer.code, Customer.tenant_id, tenant_id, CODE_PREFIX
        )
        + 1
    )


def take_code_numbers(session: Session, tenant_id: int, count: int) -> int:
    """Reserve ``count`` consecutive code numbers from the tenant's counter; the first."""
    return numbering.take_numbers(
        session, tenant_id, CODE_SERIES, count, seed=lambda: first_code_number(session, tenant_id)
    )


def code_for(number: int) -> str:
    return f"{CODE_PREFIX}{number:06d}"


def next_code(session: Session, tenant_id: int) -> str:
    """C000042-style codes from the tenant's own counter, skipping codes typed by hand."""
    return numbering.next_free(
        session,
        tenant_id,
        CODE_SERIES,
        code_for,
        lambda code: numbering.in_use(session, Customer, Customer.code, tenant_id, code),
        seed=lambda: first_code_number(session, tenant_id),
    )


def search_text(session: Session, customer: Customer, contacts: list[str] | None = None) -> str:
    """What ``customer`` is found by, from its fields and its stored contacts (contacts
    being saved in the same flush are added by ``customer_text``'s hooks); ``contacts``:
    their names when the caller read them already."""
    company = customer.company
    if company is None and customer.company_id is not None:
        company = session.get(Company, customer.company_id)
    if contacts is None:
        contacts = []
        if customer.id is not None:
            with session.no_autoflush:
                contacts = customer_text.contact_names(session, [customer.id])[customer.id]
    values = {
        field: getattr(customer, field)
        for field in ("name", "tax_number", "email", "phone", "code", "city")
    }
    return customer_text.compose(values, company.name if company is not None else None, contacts)


def prepare(session: Session, customer: Customer) -> None:
    """Normalise and validate a customer about to be saved; raises ValidationFailed."""
    tenant_id = _tenant_of(customer)
    with session.no_autoflush:
        values = {field: getattr(customer, field) for field in CHECKED_FIELDS}
        # A tenant's own regime is checked by the validator it names.
        regime = tax_registrations.regime_named(session, tenant_id, customer.tax_regime)
        if regime is not None:
            values["tax_regime"] = regime.validator
        clean, errors = customer_fields.check_values(values)
        if regime is not None:
            clean["tax_regime"], values["tax_regime"] = regime.code, customer.tax_regime
            if not regime.is_active and customer.tax_number:
                before = customer.id and session.scalar(
                    select(Customer.tax_regime).where(Customer.id == customer.id)
                )
                if before != regime.code:
                    errors.setdefault("tax_regime", []).append(
                        _l("The tax regime “%(value)s” is no longer in use.", value=regime.code)
                    )
        for field in CHECKED_FIELDS:
            if field not in errors and clean[field] != values[field]:
                setattr(customer, field, clean[field])
        if "email" not in errors:
            if email_taken(session, tenant_id, customer.email, customer.id):
                errors["email"] = [
                    _l("Another customer already uses %(email)s.", email=customer.email)
                ]
        if (
            customer.sub_segment is not None
            and customer.segment is not None
            and customer.sub_segment.segment_id != customer.segment.id
        ):
            errors["sub_segment"] = [_l("This sub-segment belongs to another segment.")]
        customer.code = (customer.code or "").strip() or None
        if customer.code:
            clash = session.scalar(
                select(Customer.id).where(
                    Customer.tenant_id == tenant_id,
                    Customer.code == customer.code,
                    Customer.id != (customer.id or 0),
                )
            )
            if clash:
                errors["code"] = [
                    _l("Customer code %(code)s is already in use.", code=customer.code)
                ]
        if errors:
            raise ValidationFailed(errors)
        if not customer.code:
            customer.code = next_code(session, tenant_id)
        if customer.credit_hold is None:
            customer.credit_hold = False
        customer.search_text = search_text(session, customer)


def check_delete(session: Session, customer: Customer) -> None:
    """Refuse to delete a customer that other records still point at."""
    found = delete_blockers(session, customer)
    if found:
        what = ", ".join(f"{count} {label}" for label, count in found)
        raise NotAllowed(
            gettext(
                "%(name)s cannot be deleted: it has %(what)s. Archive it instead; "
                "archived customers keep their history.",
                name=customer.name,
                what=what,
            )
        )


def check_parent_delete(session: Session, parent: Any) -> None:
    """Companies and groups with customers cannot be deleted."""
    found = delete_blockers(session, parent)
    if found:
        what = ", ".join(f"{count} {label}" for label, count in found)
        raise NotAllowed(
            gettext(
                "%(name)s cannot be deleted: it still has %(what)s. Reassign them first.",
                name=str(parent),
                what=what,
            )
        )


@transactional
def clone(session: Session, source: Customer, name: str | None, email: str | None) -> Customer:
    """A new customer with the source's profile, contacts, addresses, plants and tags."""
    copy = Customer(**{f: getattr(source, f) for f in CLONED_FIELDS})
    copy.tenant_id = source.tenant_id
    copy.name = name or source.name
    copy.email = email
    copy.tags = list(source.tags)
    for relation, fields in CLONED_CHILDREN.items():
        model = type(source).__mapper__.relationships[relation].mapper.class_
        getattr(copy, relation).extend(
            model(tenant_id=source.tenant_id, **{f: getattr(child, f) for f in fields})
            for child in getattr(source, relation)
        )
    for value in source.custom_values:
        copy.custom_values.append(
            type(value)(
                tenant_id=source.tenant_id, definition_id=value.definition_id, value=value.value
            )
        )
    prepare(session, copy)
    audit.mark(session, copy, "clone", summary=gettext("Cloned from %(code)s", code=source.code))
    session.add(copy)
    return copy


def refresh_company_search(session: Session, company: Company) -> None:
    """A renamed company changes what its customers are found by (``prepare_company``
    calls this for a saved company whose name changes)."""
    found = list(session.scalars(select(Customer).where(Customer.company_id == company.id)))
    with session.no_autoflush:
        names = customer_text.contact_names(session, [c.id for c in found])
    for customer in found:
        customer.search_text = search_text(session, customer, names[customer.id])
