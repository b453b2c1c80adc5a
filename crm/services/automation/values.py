"""Values in rules: a typed value checked against its field's kind when a rule is saved,
and read back as the record's column holds it when the rule runs."""

import datetime as dt
from decimal import Decimal
from typing import Any

from flask_babel import gettext
from sqlalchemy.orm import Session

from crm.i18n import inputs
from crm.i18n.inputs import InputInvalid
from crm.models import CrmUser, LeadSource, LeadStatus, Stage
from crm.security.tenancy import get_owned
from crm.services.automation.catalogue import Field

RELATIONS: dict[str, type] = {
    "user": CrmUser,
    "stage": Stage,
    "lead_status": LeadStatus,
    "lead_source": LeadSource,
}
TEXT_LENGTH = 200


def owned(session: Session, kind: str, value: object) -> Any:
    """The current tenant's row of a relation kind with id ``value``, else ValueError."""
    row = get_owned(session, RELATIONS[kind], value)
    if row is None:
        if kind == "user":
            raise ValueError(gettext("No such user in this organisation."))
        raise ValueError(gettext("No such record."))
    if kind == "user" and not row.active:
        raise ValueError(gettext("%(name)s can no longer sign in.", name=str(row)))
    return row


def clean(session: Session, field: Field, value: object) -> Any:
    """The JSON value a rule stores for ``field``; ValueError says what is wrong."""
    try:
        if field.kind in RELATIONS:
            return owned(session, field.kind, inputs.record_id(value)).id
        if inputs.blank(value):
            return None
        if field.kind == "integer":
            if isinstance(value, bool) or not str(value).strip().lstrip("-").isdigit():
                raise ValueError(gettext("Enter a whole number."))
            return int(str(value).strip())
        if field.kind == "money":
            return str(inputs.amount(value))
        if field.kind == "date":
            return inputs.date(value).isoformat()
        if field.kind == "flag":
            return inputs.flag(value)
        if field.kind == "choice":
            if value not in field.choices:
                raise ValueError(
                    gettext("Choose one of: %(choices)s.", choices=", ".join(field.choices))
                )
            return value
    except InputInvalid as exc:
        raise ValueError(str(exc)) from None
    text = str(value).strip()
    if len(text) > TEXT_LENGTH:
        raise ValueError(gettext("Keep it under %(count)s characters.", count=TEXT_LENGTH))
    return text


def typed(field: Field, value: Any) -> Any:
    """A stored rule value as the record's column holds it."""
    if value is None:
        return None
    if field.kind == "money":
        return Decimal(str(value))
    if field.kind == "date":
        return dt.date.fromisoformat(str(value))
    return value


def empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
