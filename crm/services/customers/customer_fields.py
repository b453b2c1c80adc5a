"""The rule of each customer field, one function each, called by the form and the API
(customers.prepare) and by the import (imports/validate.py) alike.

A rule takes the field's typed value and the customer's other values (a phone is read
in the customer's country) and returns the clean value or raises FieldInvalid.
tests/integration/test_customer_rules_everywhere.py feeds the same bad records to all three.
"""

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

from crm.models import CUSTOMER_TYPES, PAYMENT_METHODS
from crm.services.core.validation import (
    FieldInvalid,
    clean_currency,
    clean_email,
    clean_non_negative,
    clean_percent,
    clean_phone,
    clean_tax_number,
    clean_website,
)


def name(value: str | None, _values: Mapping[str, Any]) -> str:
    value = (value or "").strip()
    if not value:
        raise FieldInvalid(_l("A name is required."))
    return value


def kind(value: str | None, _values: Mapping[str, Any]) -> str | None:
    if value not in CUSTOMER_TYPES:
        raise FieldInvalid(_l("Choose company or individual."))
    return value


def email(value: str | None, _values: Mapping[str, Any]) -> str | None:
    return clean_email(value)


def phone(value: str | None, values: Mapping[str, Any]) -> str | None:
    return clean_phone(value, values.get("country")) if value else value


def website(value: str | None, _values: Mapping[str, Any]) -> str | None:
    return clean_website(value) if value else value


def currency(value: str | None, _values: Mapping[str, Any]) -> str:
    return clean_currency(value)


def discount_rate(value: Decimal | float | None, _values: Mapping[str, Any]) -> Decimal | float:
    clean_percent(value)
    return 0 if value is None else value


def credit_limit(
    value: Decimal | float | None, _values: Mapping[str, Any]
) -> Decimal | float | None:
    return clean_non_negative(value)


def payment_method(value: str | None, _values: Mapping[str, Any]) -> str | None:
    if value and value not in PAYMENT_METHODS:
        raise FieldInvalid(_l("Unknown payment method."))
    return value


def tax_number(value: str | None, values: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(regime, number) of ``value`` in the regime ``values["tax_regime"]`` names."""
    return clean_tax_number(values.get("tax_regime"), value)


# A rule: (the field's typed value, the customer's other values) -> the clean value.
Rule = Callable[[Any, Mapping[str, Any]], Any]
# field -> its rule; tax_number's rule answers for the regime too.
RULES: dict[str, Rule] = {
    "name": name,
    "kind": kind,
    "email": email,
    "phone": phone,
    "website": website,
    "currency": currency,
    "discount_rate": discount_rate,
    "credit_limit": credit_limit,
    "payment_method": payment_method,
    "tax_number": tax_number,
}


def check_values(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """Run every rule over ``values`` ({field: typed value}); returns (clean values,
    {field: [messages]}). A field whose rule refuses it keeps its value as given."""
    clean: dict[str, Any] = dict(values)
    errors: dict[str, list[Any]] = {}
    for field, rule in RULES.items():
        try:
            result = rule(values.get(field), values)
        except FieldInvalid as exc:
            errors.setdefault(field, []).append(exc.args[0])
            continue
        if field == "tax_number":
            clean["tax_regime"], clean["tax_number"] = result
        else:
            clean[field] = result
    return clean, errors
