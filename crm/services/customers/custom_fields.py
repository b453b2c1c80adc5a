"""Tenant-defined customer fields: definitions and typed values."""

from collections.abc import Mapping
from typing import cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.i18n import inputs
from crm.i18n.inputs import InputInvalid
from crm.models import FIELD_TYPES, Customer, CustomFieldDefinition, CustomFieldValue
from crm.services.core.errors import ValidationFailed
from crm.services.core.transaction import transactional
from crm.services.core.versions import check_version, version_of_rows


def prepare_definition(session: Session, definition: CustomFieldDefinition) -> None:
    errors = {}
    definition.name = (definition.name or "").strip().lower().replace(" ", "_")
    definition.label = (definition.label or "").strip() or definition.name
    if not definition.name or not definition.name.replace("_", "").isalnum():
        errors["name"] = [_l("Use letters, digits and underscores for the field key.")]
    if definition.field_type not in FIELD_TYPES:
        errors["field_type"] = [_l("Choose text, number, date or choice.")]
    if definition.field_type == "choice" and not definition.choice_list:
        errors["choices"] = [_l("A choice field needs at least one option (one per line).")]
    if errors:
        raise ValidationFailed(errors)


def active_definitions(session: Session) -> list[CustomFieldDefinition]:
    return list(
        session.scalars(
            select(CustomFieldDefinition)
            .where(CustomFieldDefinition.is_active.is_(True))
            .order_by(CustomFieldDefinition.position, CustomFieldDefinition.label)
        )
    )


def parse_value(definition: CustomFieldDefinition, raw: object) -> str | None:
    """The stored text of a value, or raise ValueError with a message. Numbers and dates
    are read by crm.i18n.inputs: plain numbers (``1234.5``) and ISO dates, which the
    screen turns what the user's locale writes into."""
    if definition.field_type == "number" and not inputs.blank(raw):
        try:
            return str(inputs.amount(raw))
        except InputInvalid:
            raise ValueError(_l("Enter a number.")) from None
    if definition.field_type == "date" and not inputs.blank(raw):
        try:
            return cast(str, inputs.date(raw).isoformat())
        except InputInvalid:
            raise ValueError(_l("Enter a date, e.g. 2026-03-31.")) from None
    raw = "" if raw is None else str(raw).strip()
    if not raw:
        if definition.required:
            raise ValueError(_l("This field is required."))
        return None
    if definition.field_type == "choice" and raw not in definition.choice_list:
        raise ValueError(
            _l("Choose one of: %(options)s.", options=", ".join(definition.choice_list))
        )
    return raw


def values_of(session: Session, customer: Customer) -> dict[int, str | None]:
    return {v.definition_id: v.value for v in customer.custom_values}


def values_version(customer: Customer) -> str:
    """The version a customer's custom fields form is loaded with (all its value rows')."""
    return version_of_rows(customer.custom_values)


@transactional
def save_values(
    session: Session,
    customer: Customer,
    raw_by_name: Mapping[str, object],
    loaded_version: str | None = None,
) -> None:
    """Set a customer's custom fields from {field key: raw text}; all or nothing. Refused
    (EditConflict) when the form was loaded before someone else saved them."""
    check_version(loaded_version, values_version(customer))
    definitions = active_definitions(session)
    errors, parsed = {}, {}
    for definition in definitions:
        if definition.name not in raw_by_name and not definition.required:
            continue
        try:
            parsed[definition.id] = parse_value(definition, raw_by_name.get(definition.name))
        except ValueError as exc:
            errors[definition.name] = [exc.args[0]]
    unknown = set(raw_by_name) - {d.name for d in definitions}
    for name in unknown:
        errors[name] = [_l("There is no custom field “%(name)s”.", name=name)]
    if errors:
        raise ValidationFailed(errors)
    existing = {v.definition_id: v for v in customer.custom_values}
    for definition_id, value in parsed.items():
        if definition_id in existing:
            existing[definition_id].value = value
        else:
            customer.custom_values.append(
                CustomFieldValue(
                    tenant_id=customer.tenant_id, definition_id=definition_id, value=value
                )
            )
