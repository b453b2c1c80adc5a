"""One reader per kind of typed input -- amount, date, record id, id list, flag -- used
by forms, query strings, API bodies and imports alike, so one text means one value.

Each raises ``InputInvalid`` (a ValueError) whose ``message`` is translatable. The
locale is a code or Babel Locale; None (API bodies, services, the data layer) reads
ISO dates only and amounts as English writes them. Text rules: crm.i18n.parsing.
"""

import datetime as dt
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from crm.i18n.parsing import (
    EXAMPLE_DAY,
    EXAMPLE_NUMBER,
    ISO_DATE,
    date_example,
    decimal_mark,
    form_date_formats,
    number_example,
    parse_date,
    parse_decimal,
)
from crm.models.base import MAX_ID

TRUE_WORDS = frozenset(
    {"1", "true", "yes", "y", "on", "x", "ja", "j", "oui", "si", "sí", "wahr", "vrai", "verdadero"}
)
FALSE_WORDS = frozenset(
    {"0", "false", "no", "n", "off", "nein", "non", "falsch", "faux", "falso", ""}
)


class InputInvalid(ValueError):
    """Typed input that is not a value of its kind; ``message`` says what is accepted."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)


def blank(value):
    """Nothing was given: None or text of spaces only."""
    return value is None or (isinstance(value, str) and not value.strip())


def date_invalid_message(locale):
    """What a date input accepts, by example: ISO and the locale's short date."""
    local = date_example(locale) if locale else EXAMPLE_DAY.isoformat()
    if local == EXAMPLE_DAY.isoformat():
        return _l("Enter a date as YYYY-MM-DD.")
    return _l("Enter the date as %(iso)s or %(local)s.", iso=EXAMPLE_DAY.isoformat(), local=local)


def number_invalid_message(locale):
    return _l(
        "Enter a number, e.g. %(plain)s or %(local)s.",
        plain=str(EXAMPLE_NUMBER),
        local=number_example(locale),
    )


def _amount_refused(text, locale):
    plain, local = str(EXAMPLE_NUMBER), number_example(locale)
    if decimal_mark(locale) == "." and "," in text and "." not in text:
        # 12,50: a decimal comma elsewhere, a misplaced thousands comma here.
        return InputInvalid(
            _l(
                "“%(value)s” is not an amount: a comma separates thousands (%(local)s); "
                "write decimals with a point (%(plain)s).",
                value=text,
                local=local,
                plain=plain,
            )
        )
    return InputInvalid(
        _l(
            "“%(value)s” is not an amount; write it as %(plain)s or %(local)s.",
            value=text,
            plain=plain,
            local=local,
        )
    )


def amount(value, locale=None):
    """A finite Decimal from a Decimal, an int, a JSON number (read as written: its
    shortest repr, never float arithmetic) or text in the locale's way (``1.234,56`` in
    German) or plain (``1234.56``). Without a locale, English: ``1,234.56`` is read,
    ``12,50`` is refused -- a comma there only separates thousands, three digits apart.

    An ``InputInvalid`` passed in (a form's reading that already failed) is raised again,
    so a service refuses it beside the field."""
    if isinstance(value, InputInvalid):
        raise value
    if isinstance(value, bool) or blank(value):
        raise InputInvalid(_l("Enter an amount."))
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            number = parse_decimal(value, locale)
        except ValueError:
            raise _amount_refused(value.strip(), locale) from None
    else:
        raise InputInvalid(_l("Enter an amount."))
    if not number.is_finite():
        raise _amount_refused(str(value), locale)
    return number


def date(value, locale=None, formats=None):
    """A date from a date, a datetime (its day) or text: ISO 8601 (``2025-03-31``), and
    with a locale also its short form (``31.03.2025`` in German, ``3/31/2025`` in
    English). ``formats`` replaces the strptime patterns (an import's file formats)."""
    if isinstance(value, InputInvalid):
        raise value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if blank(value):
        raise InputInvalid(_l("Enter a date."))
    if not isinstance(value, str):
        raise InputInvalid(date_invalid_message(locale))
    patterns = formats or (form_date_formats(locale) if locale else (ISO_DATE,))
    try:
        return parse_date(value, locale, patterns)
    except ValueError:
        raise InputInvalid(date_invalid_message(None if formats else locale)) from None


def record_id(value):
    """A record id: a whole number from 1 to the database's largest, as an int or as
    ASCII digits (never a bool, a float or Unicode digits such as ١٢)."""
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit():
            value = int(text)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID:
        return value
    raise InputInvalid(_l("Give the id of a record."))


def id_list(value):
    """Record ids from ``"3, 5,8"`` or a list of ids, in order, each checked as
    ``record_id``; blanks between commas are skipped."""
    if isinstance(value, (list, tuple)):
        items = value
    elif isinstance(value, str):
        items = [part for part in value.split(",") if part.strip()]
    elif value is None:
        items = []
    else:
        raise InputInvalid(_l("Give a list of record ids."))
    try:
        return [record_id(item) for item in items]
    except InputInvalid:
        raise InputInvalid(
            _l(
                "“%(value)s” is not a list of record ids.",
                value=value if isinstance(value, str) else ", ".join(map(str, value)),
            )
        ) from None


def flag(value):
    """True or False from a bool, 0/1, or the usual words in any case (yes/no, true/false,
    on/off, y/n, x, a checkbox's ``y`` and those of the shipped languages: ja, oui, si...).
    None and blank text are False, as an unticked checkbox is."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise InputInvalid(_l("“%(value)s” is not yes or no.", value=value))
    raise InputInvalid(_l("Answer true or false."))
