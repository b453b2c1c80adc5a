"""Field-level rules shared by forms, the API and imports.

Each ``clean_*`` function returns the normalised value or raises
``FieldInvalid`` with a translatable message.
"""

from collections.abc import Callable, MutableMapping
from decimal import Decimal
from typing import Any, Literal, TypeVar
from urllib.parse import urlparse

from babel import Locale
from babel.numbers import list_currencies
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from stdnum import bic, iban
from stdnum.au import abn
from stdnum.br import cnpj, cpf
from stdnum.ca import bn
from stdnum.ch import uid as ch_uid
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.gb import vat as gb_vat
from stdnum.in_ import gstin, pan
from stdnum.us import ein

from crm.services.core.countries import COUNTRY_CODES, country_code
from crm.services.core.fast_validation import (
    INVALID_NUMBER,
    NOT_A_NUMBER,
    fast_email,
    phone_in_e164,
)


class FieldInvalid(ValueError):
    pass


T = TypeVar("T")


# regime code -> (label, module with a checksum validator, or None for free text)
TAX_REGIMES = {
    "VAT": (_l("VAT number (EU)"), eu_vat),
    "GB_VAT": (_l("VAT number (United Kingdom)"), gb_vat),
    "CH_UID": (_l("UID (Switzerland)"), ch_uid),
    "EIN": (_l("EIN (United States)"), ein),
    "GSTIN": (_l("GSTIN (India)"), gstin),
    "PAN": (_l("PAN (India)"), pan),
    "ABN": (_l("ABN (Australia)"), abn),
    "BN": (_l("Business Number (Canada)"), bn),
    "CNPJ": (_l("CNPJ (Brazil)"), cnpj),
    "CPF": (_l("CPF (Brazil)"), cpf),
    "OTHER": (_l("Other tax identifier"), None),
}

CURRENCY_CODES = frozenset(list_currencies())


def country_choices(locale: str = "en") -> list[tuple[str, str]]:
    names = Locale.parse(locale).territories
    return sorted(((c, names.get(c, c)) for c in COUNTRY_CODES), key=lambda p: p[1].casefold())


def currency_choices(locale: str = "en") -> list[tuple[str, str]]:
    names = Locale.parse(locale).currencies
    return sorted(((c, f"{c} – {names.get(c, c)}") for c in CURRENCY_CODES))


def clean_email(value: str | None, required: bool = True) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise FieldInvalid(_l("An email address is required."))
        return None
    fast = fast_email(value)  # plain ASCII addresses; the same result, without the cost
    if fast is not None:
        return fast
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise FieldInvalid(_l("“%(value)s” is not a valid email address.", value=value))


PHONE_MAX_LENGTH = 32  # the phone columns


def clean_phone(value: str | None, region: str | None = None) -> str | None:
    """A phone number in E.164 (+4930123456), its extension kept (+13606934419 ext. 19272).
    Without a leading + the region is needed."""
    value = (value or "").strip()
    if not value:
        return None
    e164 = phone_in_e164(value, (region or "").upper() or None)
    if e164 is NOT_A_NUMBER:
        raise FieldInvalid(
            _l(
                "“%(value)s” is not a phone number; write it with its country code, e.g. +44 20 7946 0958.",
                value=value,
            )
        )
    if e164 is INVALID_NUMBER:
        raise FieldInvalid(_l("“%(value)s” is not a valid phone number.", value=value))
    if len(e164) > PHONE_MAX_LENGTH:
        raise FieldInvalid(_l("“%(value)s” is too long for a phone number.", value=value))
    return e164


def clean_website(value: str | None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if "://" not in value:
        value = "https://" + value
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or "." not in (parsed.hostname or ""):
        raise FieldInvalid(_l("“%(value)s” is not a web address.", value=value))
    return value


def clean_tax_number(regime: str | None, number: str | None) -> tuple[str | None, str | None]:
    """Returns (regime, compact number); checks the regime's checksum where it has one."""
    number = (number or "").strip()
    regime = (regime or "").strip().upper() or None
    if not number:
        return regime, None
    if regime is None:
        raise FieldInvalid(_l("Choose the tax regime this number belongs to."))
    if regime not in TAX_REGIMES:
        raise FieldInvalid(_l("Unknown tax regime “%(value)s”.", value=regime))
    label, module = TAX_REGIMES[regime]
    if module is None:
        if len(number) > 50:
            raise FieldInvalid(_l("A tax number has at most 50 characters."))
        return regime, number
    try:
        return regime, module.validate(number)
    except StdnumError:
        raise FieldInvalid(_l("“%(value)s” is not a valid %(regime)s.", value=number, regime=label))


def clean_country(value: str | None, required: bool = False) -> str | None:
    """An ISO alpha-2 code from a code or a name in any shipped language (countries.py)."""
    value = (value or "").strip()
    if not value:
        if required:
            raise FieldInvalid(_l("A country is required."))
        return None
    code = country_code(value)
    if code is None:
        raise FieldInvalid(_l("“%(value)s” is not a known country code.", value=value))
    return code


def clean_currency(value: str | None) -> str:
    value = (value or "").strip().upper()
    if value not in CURRENCY_CODES:
        raise FieldInvalid(_l("“%(value)s” is not an ISO 4217 currency code.", value=value))
    return value


def clean_percent(value: Decimal | float | Literal[""] | None) -> Decimal | float:
    if value is None or value == "":
        return 0
    if value < 0 or value > 100:
        raise FieldInvalid(_l("Enter a percentage between 0 and 100."))
    return value


def clean_non_negative(value: Decimal | float | None) -> Decimal | float | None:
    if value is not None and value < 0:
        raise FieldInvalid(_l("Enter zero or a positive amount."))
    return value


def clean_iban_or_account(value: str | None) -> str:
    value = (value or "").strip()
    if not value:
        raise FieldInvalid(_l("An account number is required."))
    compact = iban.compact(value)
    if len(compact) >= 15 and compact[:2].isalpha() and compact[2:4].isdigit():
        try:
            return iban.validate(compact)
        except StdnumError:
            raise FieldInvalid(_l("“%(value)s” is not a valid IBAN.", value=value))
    return value


def clean_bic(value: str | None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return bic.validate(value)
    except StdnumError:
        raise FieldInvalid(_l("“%(value)s” is not a valid SWIFT/BIC code.", value=value))


def check(
    errors: MutableMapping[str, list[Any]],
    field: str,
    func: Callable[..., T],
    *args: Any,
    **kwargs: Any,
) -> T | None:
    """Run one clean_* function, collecting its message under ``field``."""
    try:
        return func(*args, **kwargs)
    except FieldInvalid as exc:
        errors.setdefault(field, []).append(exc.args[0])
        return None
