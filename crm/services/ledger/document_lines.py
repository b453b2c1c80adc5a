"""What sales orders and invoices share: their priced lines, number, customer and
pre-filled terms.

Values arrive as typed in a form or sent in JSON (text, numbers or None). Every
problem goes into one ``errors`` dict: header fields by name, lines as
``lines.<index>.<field>`` (index as sent, from 0), so a form can show each message
in its cell and the API names exactly which line is wrong.
"""

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.i18n import inputs
from crm.i18n.inputs import InputInvalid
from crm.models import Address, Customer, PaymentTerm
from crm.models.base import MAX_ID
from crm.security.tenancy import get_owned
from crm.services.core.child_pages import page_of_children
from crm.services.core.numbering import next_number

LINE_FIELDS = ("description", "quantity", "unit_price", "discount_rate", "tax_rate")
CENT = Decimal("0.01")
MILLI = Decimal("0.001")
MAX_QUANTITY = Decimal("999999999.999")  # Numeric(12, 3)
MAX_AMOUNT = Decimal("999999999999.99")  # Numeric(14, 2)
# A document's page shows its lines this many at a time.
LINES_PER_PAGE = 100
DESCRIPTION_LENGTH = 255
TEXT_LIMITS = {"reference": 100, "number": 30}

T = TypeVar("T")
# Field name -> its messages (lazy or plain text), as ValidationFailed takes them.
Errors = dict[str, list[Any]]


class Invalid(ValueError):
    pass


def decimal_of(value: object, message: object) -> Decimal:
    """The number read by crm.i18n.inputs.amount (plain, or English thousands commas:
    the screen sends prices and rates already read in the user's locale); ``message``
    when it is none."""
    try:
        return cast(Decimal, inputs.amount(value))
    except InputInvalid:
        raise Invalid(message) from None


def clean_quantity(value: object) -> Decimal:
    number = decimal_of(value, _l("Enter a quantity, e.g. 2 or 1.5."))
    if number <= 0:
        raise Invalid(_l("The quantity must be more than 0."))
    number = number.quantize(MILLI, rounding=ROUND_HALF_UP)
    if number > MAX_QUANTITY:
        raise Invalid(_l("The quantity is too large."))
    return number


def clean_price(value: object) -> Decimal:
    number = decimal_of(value, _l("Enter an amount, e.g. 120.00."))
    if number < 0:
        raise Invalid(_l("The unit price cannot be negative."))
    number = number.quantize(CENT, rounding=ROUND_HALF_UP)
    if number > MAX_AMOUNT:
        raise Invalid(_l("The amount is too large."))
    return number


def clean_rate(value: object) -> Decimal:
    number = decimal_of(value, _l("Enter a percentage between 0 and 100."))
    if not 0 <= number <= 100:
        raise Invalid(_l("Enter a percentage between 0 and 100."))
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def clean_date(value: object, required: bool = True) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid(_l("Enter a date."))
        return None
    try:
        return cast(dt.date, inputs.date(value))
    except InputInvalid:
        raise Invalid(_l("Enter a date as YYYY-MM-DD.")) from None


def clean_text(value: object, limit: int | None = None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(_l("Enter text."))
    value = value.strip()
    if limit and len(value) > limit:
        raise Invalid(_l("Keep it under %(count)s characters.", count=limit))
    return value or None


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check(
    errors: Errors, field: str, func: Callable[..., T], value: object, *args: Any
) -> T | None:
    """``func(value)``, or None with the message recorded under ``field``."""
    try:
        return func(value, *args)
    except Invalid as exc:
        errors.setdefault(field, []).append(exc.args[0])
        return None


def clean_lines(
    raw_lines: object, default_discount: object, errors: Errors, skip_blank: bool = False
) -> list[dict[str, Any]]:
    """Checked lines as dicts of LINE_FIELDS. A line's discount left blank is
    ``default_discount`` (the document's); tax left blank is 0. ``skip_blank`` drops
    rows with nothing typed in (the empty rows of a form's table)."""
    if raw_lines is None:
        return []
    if not isinstance(raw_lines, (list, tuple)):
        errors["lines"] = [_l("Send the lines as a list.")]
        return []
    lines: list[dict[str, Any]] = []
    for index, raw in enumerate(raw_lines):
        prefix = f"lines.{index}."
        if not isinstance(raw, dict):
            errors[prefix + "description"] = [_l("Send each line as an object.")]
            continue
        if skip_blank and all(blank(raw.get(f)) for f in LINE_FIELDS):
            continue
        line: dict[str, Any] = {}
        description = check(
            errors, prefix + "description", clean_text, raw.get("description"), DESCRIPTION_LENGTH
        )
        if description is None and prefix + "description" not in errors:
            errors[prefix + "description"] = [_l("Describe the line.")]
        line["description"] = description
        quantity = raw.get("quantity")
        line["quantity"] = check(
            errors,
            prefix + "quantity",
            clean_quantity,
            1 if blank(quantity) and not skip_blank else quantity,
        )
        line["unit_price"] = check(
            errors, prefix + "unit_price", clean_price, raw.get("unit_price")
        )
        discount = raw.get("discount_rate")
        line["discount_rate"] = check(
            errors,
            prefix + "discount_rate",
            clean_rate,
            default_discount if blank(discount) else discount,
        )
        tax = raw.get("tax_rate")
        line["tax_rate"] = check(errors, prefix + "tax_rate", clean_rate, 0 if blank(tax) else tax)
        lines.append(line)
    return lines


def replace_lines(document: Any, line_class: type[Any], lines: Sequence[Mapping[str, Any]]) -> None:
    """Make the document's lines exactly ``lines`` (rows reused in order)."""
    existing = list(document.lines)
    for position, values in enumerate(lines, start=1):
        row = existing[position - 1] if position <= len(existing) else line_class()
        for key, value in values.items():
            setattr(row, key, value)
        row.position = position
        if position > len(existing):
            document.lines.append(row)
    for row in existing[len(lines) :]:
        document.lines.remove(row)


def page_of_lines(
    session: Session, document: Any, page: int, per_page: int = LINES_PER_PAGE
) -> tuple[Sequence[Any], int, int]:
    """(the document's lines on ``page``, counted from 0, in position order; how many pages)."""
    lines = type(document).lines
    return page_of_children(
        session, document, lines, page, per_page, order_by=[lines.property.mapper.class_.position]
    )


def line_values(document: Any) -> list[dict[str, Any]]:
    return [{field: getattr(line, field) for field in LINE_FIELDS} for line in document.lines]


# --- header ------------------------------------------------------------------------------


def owned_row(errors: Errors, field: str, model: type[Any], value: object, message: object) -> Any:
    """The tenant's row of ``model`` named by ``value`` (a row or an id), or None."""
    if isinstance(value, model):
        return value
    if blank(value):
        return None
    try:
        pk = inputs.record_id(value)
    except InputInvalid:
        pk = None
    row = get_owned_safe(model, pk)
    if row is None:
        errors[field] = [message]
    return row


def get_owned_safe(model: type[Any], pk: int | None) -> Any:
    from crm.extensions import db

    if pk is None or isinstance(pk, bool) or not 0 < pk <= MAX_ID:
        return None
    return get_owned(db.session, model, pk)


def resolve_customer(errors: Errors, value: object, current: Any) -> Any:
    """The document's customer; a newly chosen one must be active."""
    customer = owned_row(
        errors, "customer", Customer, value, _l("No such customer. Choose one from the list.")
    )
    if customer is None and "customer" not in errors:
        errors["customer"] = [_l("Choose a customer.")]
    elif (
        customer is not None
        and not customer.is_active
        and (current is None or customer.id != current.id)
    ):
        errors["customer"] = [
            _l("%(name)s is archived; choose an active customer.", name=customer.name)
        ]
    return customer


def resolve_payment_term(errors: Errors, value: object) -> Any:
    return owned_row(
        errors,
        "payment_term",
        PaymentTerm,
        value,
        _l("No such payment term. Choose one from the list."),
    )


def check_currency(errors: Errors, value: object, customer: Any) -> str | None:
    """Every document is in its customer's currency."""
    if customer is None:
        return None
    if blank(value):
        return cast(str, customer.currency)
    if not isinstance(value, str) or value.strip().upper() != customer.currency:
        errors["currency"] = [
            _l(
                "Documents of %(name)s are in %(currency)s.",
                name=customer.name,
                currency=customer.currency,
            )
        ]
        return None
    return cast(str, customer.currency)


def check_number(
    session: Session, errors: Errors, model: type[Any], document: Any, value: object
) -> str | None:
    """The typed number (unique in the tenant), or None to number it on save."""
    number = check(errors, "number", clean_text, value, TEXT_LIMITS["number"])
    if number is None:
        return None
    clash = session.scalar(
        select(model.id).where(model.number == number, model.id != (document.id or 0))
    )
    if clash is not None:
        errors["number"] = [
            _l(
                "%(number)s is already used; leave the number empty to get the next free one.",
                number=number,
            )
        ]
    return number


def assign_number(session: Session, document: Any) -> None:
    if not document.number:
        document.number = next_number(session, type(document))


def default_address(session: Session, customer: Any, kind: str) -> str | None:
    """The customer's default address of ``kind`` as text (one line per part), else None."""
    address = session.scalar(
        select(Address)
        .where(Address.customer_id == customer.id, Address.kind == kind)
        .order_by(Address.is_default.desc(), Address.id)
        .limit(1)
    )
    if address is None:
        return None
    parts = [
        address.line1,
        address.line2,
        " ".join(p for p in (address.postal_code, address.city) if p),
        address.state,
        address.country,
    ]
    return "\n".join(p for p in parts if p)


def due_date_for(issue_date: dt.date, payment_term: Any) -> dt.date:
    return issue_date + dt.timedelta(days=payment_term.days if payment_term else 0)
