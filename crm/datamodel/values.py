"""Values as lists and detail pages receive them from the data layer: financial figures
masked for users who may not see them (crm.security.masking, shown as crm.i18n.values
writes a masked figure), amounts in the record's
currency, and ``Money``, a list cell that carries an amount with its currency.

A list decides per column what its cells need (``column_values``): nothing, a mask, or
the amount in the row's currency through one formatter per page and locale."""

from collections import namedtuple
from collections.abc import Callable
from functools import reduce
from typing import Any

from flask_babel import format_currency, get_locale
from sqlalchemy.orm import object_session

from crm.i18n import values as readable_values
from crm.security.masking import MASKED_FIELDS, mask_account, mask_value, masked_field

# A column's cells as a list shows them: ``(record, raw value) -> shown value``.
CellValue = Callable[[Any, Any], Any]

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
    session = object_session(owner)
    if entity == "AuditEntry" and name == "changes" and session is not None:
        return readable_values.changes_text(session, owner)
    if entity == "AuditEntry" and name == "summary":
        return readable_values.summary(owner)
    field = MASKED_FIELDS.get(entity, {}).get(name)
    if field is None:
        return value
    if masked_field(entity, name):
        return (
            readable_values.masked() if field.kind == "amount" else mask_value(entity, name, value)
        )
    currency = getattr(owner, "currency", None)
    if field.kind == "amount" and value is not None and currency:
        return format_currency(value, currency)
    return value


def money_formatter() -> Callable[[Any, str], str]:
    """``format(amount, currency)`` in the current locale, the locale's currency pattern
    looked up once (the same text as flask_babel's ``format_currency``)."""
    locale = get_locale()
    if locale is None:
        return lambda value, currency: str(format_currency(value, currency))
    pattern = locale.currency_formats["standard"]
    # A page's equal amounts in one currency are written alike (rounded to the currency's
    # digits, so 1.0 and 1.00 too): each is formatted once.
    written: dict[tuple[Any, str], str] = {}

    def format_money(value: Any, currency: str) -> str:
        key = (value, currency)
        text = written.get(key)
        if text is None:
            text = written[key] = str(pattern.apply(value, locale, currency=currency))
        return text

    return format_money


def column_values(entity: type, column: str, money: Callable[[], Any]) -> CellValue | None:
    """How ``shown`` treats every cell of ``entity.column``, decided once for a page:
    None when the values are shown as they are. ``money`` gives the page's money
    formatter (made on first need)."""
    name = entity.__name__
    if "." in column or (name == "AuditEntry" and column in ("changes", "summary")):
        return lambda item, value: shown(item, column, value)
    field = MASKED_FIELDS.get(name, {}).get(column)
    if field is None:
        return None
    if masked_field(name, column):
        if field.kind == "amount":
            return lambda _item, _value: readable_values.masked()
        return lambda _item, value: mask_account(value)
    if field.kind != "amount":
        return None
    format_money = money()

    def amount(item: Any, value: Any) -> Any:
        currency = getattr(item, "currency", None)
        return format_money(value, currency) if value is not None and currency else value

    return amount
