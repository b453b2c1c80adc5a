"""Values as lists and detail pages receive them from the data layer: financial figures
masked for users who may not see them (crm.security.masking), amounts in the record's
currency, and ``Money``, a list cell that carries an amount with its currency."""

from collections import namedtuple
from functools import reduce
from typing import Any

from flask_babel import format_currency

from crm.security.masking import MASKED_FIELDS, mask_changes, mask_summary, mask_value, masked_field

Money = namedtuple("Money", "amount currency")


def _owner_and_column(item: Any, column: str) -> tuple[Any, str]:
    """``(record, column)`` a possibly dotted column (``customer.balance``) is read from."""
    if "." not in column:
        return item, column
    *path, last = column.split(".")
    try:
        return reduce(getattr, path, item), last
    except AttributeError:
        return None, last


def shown(item: Any, column: str, value: Any) -> Any:
    """``value`` of ``item.column`` as a screen shows it: masked for users who may not
    see financials; amounts otherwise in the record's currency (locale-aware)."""
    owner, name = _owner_and_column(item, column)
    if owner is None:
        return value
    entity = type(owner).__name__
    if entity == "AuditEntry" and name == "changes":
        return mask_changes(owner.entity, value)
    if entity == "AuditEntry" and name == "summary":
        return mask_summary(owner.entity, value)
    field = MASKED_FIELDS.get(entity, {}).get(name)
    if field is None:
        return value
    if masked_field(entity, name):
        return mask_value(entity, name, value)
    currency = getattr(owner, "currency", None)
    if field.kind == "amount" and value is not None and currency:
        return format_currency(value, currency)
    return value
