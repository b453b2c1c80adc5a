"""What one cell of an import means: amounts, dates, yes/no, a choice from a list, a tax
number's regime, the email rows are matched by. Each reader raises FieldInvalid with the
message the row's report shows."""

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import cast

from flask_babel import lazy_gettext as _l

from crm.i18n import inputs
from crm.i18n.inputs import InputInvalid
from crm.i18n.parsing import IMPORT_DATE_FORMATS
from crm.services.bulk.data_fields import DataField
from crm.services.core.validation import FieldInvalid

MAX_AMOUNT = Decimal("1e12")  # Numeric(14, 2)
CENTS = Decimal("0.01")
DATE_FORMATS = IMPORT_DATE_FORMATS  # without a locale (crm.i18n.parsing.import_date_formats)
EU_VAT_PREFIXES = {
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "EL",
    "ES",
    "FI",
    "FR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
    "XI",
}
_MONEY_NOISE = re.compile(r"[\s\u00a0\u202f'€$£¥₹%]|[A-Z]{3}", re.IGNORECASE)


def match_value(value: str | None) -> str | None:
    """How rows and records are matched: email without spaces, lower case."""
    return re.sub(r"\s+", "", value or "").lower() or None


def parse_decimal(text: str, locale: str | None = None) -> Decimal:
    """1234.5, 1,234.50, 1.234,50, 1 234,50, € 12, 12% -> Decimal; raises FieldInvalid.

    Without currency signs, codes, percent signs and spaces, a cell is read as a form
    reads it in the importing user's locale (crm.i18n.inputs.amount): 1.234 is 1234 in
    German and 1.234 in English or French, 1,234 is 1.234 in German and 1234 in
    English. What the locale cannot read is read as the file most likely meant: with
    both marks the last is the decimal mark (1,234.50 in German), one mark repeated
    makes groups (1.234.567 in English), and a single comma followed by other than
    three digits is a decimal comma (5,5 in English)."""
    raw = _MONEY_NOISE.sub("", text)
    try:
        return cast(Decimal, inputs.amount(raw, locale))
    except InputInvalid:
        pass
    commas, points = raw.count(","), raw.count(".")
    if commas and points:
        last = "," if raw.rfind(",") > raw.rfind(".") else "."
        raw = raw.replace("." if last == "," else ",", "").replace(",", ".")
    elif commas == 1 and len(raw.split(",")[1]) != 3:
        raw = raw.replace(",", ".")
    elif commas:
        raw = raw.replace(",", "")
    elif points > 1:
        raw = raw.replace(".", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise FieldInvalid(_l("“%(value)s” is not a number.", value=text))
    if not value.is_finite():
        raise FieldInvalid(_l("“%(value)s” is not a number.", value=text))
    return value


def parse_date(text: str, formats: Sequence[str] = DATE_FORMATS) -> dt.date:
    """ISO, numeric and written-month dates -> date; raises FieldInvalid.

    ``formats``: the strptime patterns of the importing user's locale,
    crm.i18n.parsing.import_date_formats (precomputed once per import, so a cell costs a
    few strptime calls). They decide ambiguous numeric dates: 03/04/2025 is 3 April
    without a locale, in generic English and in German, French, Spanish and Hindi, and
    March 4 only for a month-first locale such as en_US."""
    try:
        return cast(dt.date, inputs.date(text, formats=formats))
    except InputInvalid:
        pass
    raise FieldInvalid(
        _l("“%(value)s” is not a date; write it as 2025-03-31 or 31.03.2025.", value=text)
    )


def guess_regime(number: str | None) -> str | None:
    """A file without a regime column: numbers with a country prefix name their regime."""
    compact = re.sub(r"[\s.\-]", "", number or "").upper()
    if compact.startswith("CHE"):
        return "CH_UID"
    if compact.startswith("GB"):
        return "GB_VAT"
    if compact[:2] in EU_VAT_PREFIXES:
        return "VAT"
    return None


def parse_bool(text: str) -> bool:
    """The usual yes/no words of the shipped languages (crm.i18n.inputs.flag)."""
    try:
        return cast(bool, inputs.flag(text))
    except InputInvalid as exc:
        raise FieldInvalid(exc.message) from None


def choice(data_field: DataField, text: str) -> str:
    wanted = re.sub(r"[\s\-]+", "_", text.strip().lower())
    for code in data_field.choices:
        if wanted == code.lower():
            return code
    raise FieldInvalid(
        _l(
            "“%(value)s” is not one of: %(choices)s.",
            value=text,
            choices=", ".join(data_field.choices),
        )
    )
