"""Dates and numbers read back as a locale writes them (forms, imports).

Everything here takes the locale as a code (``"de"``, ``"en_US"``) or a Babel Locale
and never looks at the request: views pass ``flask_babel.get_locale()``, the importer
gets the importing user's locale from its caller. The per-locale tables are built once
from CLDR (Babel's locale data) and cached, so reading a value is a few ``strptime``
calls, never Babel's parser per value.

Dates
    ISO 8601 first (``2025-03-31``: what date pickers and ``<input type="date">``
    post), then the locale's CLDR short date with a four- or two-digit year:
    ``31.03.2025`` / ``31.03.25`` in German, ``31/03/2025`` in French, Spanish and
    Hindi, ``3/31/2025`` / ``3/31/25`` in English. Two-digit years are read as
    strptime reads them: 69-99 are 19xx, 00-68 are 20xx.

Numbers
    The locale's way first (``1.234,56`` in German, ``1 234,56`` in French, any
    spaces ignored; ``1,234.56`` in English, ``1,23,456.78`` in Hindi), checked
    strictly (groups of the right size), then a plain number with a decimal point
    (``1234.56``, as forms render amounts and programs write them). So in German
    ``1.234`` is one thousand two hundred and thirty-four, while ``1234.56`` and
    ``0.50`` are read as written (a point cannot be a German group separator there).

English
    The shipped ``en`` names no territory; CLDR's ``en`` is American English (month
    first, ``M/d/yy``), and that is how the app writes short dates in English.
    Forms follow it, so a date copied from a page reads back as the same day:
    ``03/04/2025`` is March 4 in an English form and 3 April in a German, French,
    Spanish or Hindi one. Imports read generic English day first, see
    ``import_date_formats``.
"""

import datetime as dt
import functools
import re
from decimal import Decimal, InvalidOperation

from babel import Locale, UnknownLocaleError
from babel.numbers import NumberFormatError, format_decimal, parse_decimal as _babel_decimal

ISO_DATE = "%Y-%m-%d"
EXAMPLE_DAY = dt.date(2025, 3, 31)
EXAMPLE_NUMBER = Decimal("1234.56")
FALLBACK = "en"

# The day-first numeric dates the importer has always read (a locale without an order,
# and generic English); see import_date_formats.
IMPORT_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d.%m.%Y",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%Y/%m/%d",
    "%d.%m.%y",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%Y-%m-%d %H:%M:%S",
)
_MONTH_FIRST_SWAP = {"%d/%m/%Y": "%m/%d/%Y", "%d-%m-%Y": "%m-%d-%Y"}

_TOKEN = re.compile(r"([dMyL])\1*|'[^']*'|.")
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")
_NUMBER_SHAPE = re.compile(r"[+-]?[0-9.,]*[0-9][0-9.,]*")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
ONE_POINT_GROUP = re.compile(r"[+-]?[1-9][0-9]{0,2}\.[0-9]{3}")  # 1.234 as German writes 1234


def locale_code(locale):
    """``"de"`` from a Babel Locale, a code or None (English)."""
    return str(locale) if locale else FALLBACK


@functools.lru_cache(maxsize=64)
def _babel_locale(code):
    try:
        return Locale.parse(code)
    except (ValueError, TypeError, UnknownLocaleError):
        return Locale.parse(FALLBACK)


@functools.lru_cache(maxsize=64)
def _short_pattern(code):
    """The locale's CLDR short date as (strptime pattern with a 4-digit year, its order
    as a string of "d", "m", "y") -- or (None, "") when it is not all numbers."""
    pattern = _babel_locale(code).date_formats["short"].pattern
    parts, order = [], ""
    for match in _TOKEN.finditer(pattern):
        token = match.group(0)
        letter = token[0]
        if letter == "d" and len(token) <= 2:
            parts.append("%d")
            order += "d"
        elif letter in "ML" and len(token) <= 2:
            parts.append("%m")
            order += "m"
        elif letter == "y":
            parts.append("%Y")
            order += "y"
        elif token.startswith("'"):
            parts.append(token.strip("'").replace("%", "%%") or "'")
        elif token.isalpha():
            return None, ""  # a written month or an era: not a numeric short date
        else:
            parts.append(token.replace("%", "%%"))
    if sorted(order) != ["d", "m", "y"]:
        return None, ""
    return "".join(parts), order


@functools.lru_cache(maxsize=64)
def form_date_formats(locale):
    """The strptime patterns a form's date is read with: ISO, then the locale's short date
    (four-digit year, then two-digit)."""
    code = locale_code(locale)
    formats = [ISO_DATE]
    pattern, _order = _short_pattern(code)
    if pattern:
        for candidate in (pattern, pattern.replace("%Y", "%y")):
            if candidate not in formats:
                formats.append(candidate)
    return tuple(formats)


def date_example(locale):
    """31 March 2025 as the locale's short date with a four-digit year (``31.03.2025``),
    ISO where the locale has no numeric short date."""
    formats = form_date_formats(locale)
    return EXAMPLE_DAY.strftime(formats[1] if len(formats) > 1 else ISO_DATE)


def day_month_order(locale):
    """``"dmy"``, ``"mdy"`` or ``"ymd"``: how the locale orders a numeric date."""
    return _short_pattern(locale_code(locale))[1] or "dmy"


@functools.lru_cache(maxsize=64)
def import_date_formats(locale=None):
    """The strptime patterns an import cell is read with, for the importing user's locale.

    Always: ISO (also ``2025/03/31`` and with a time), the dotted day-first form
    (``31.03.2025``, ``31.03.25``: no shipped locale writes dots month first) and
    written English months (``31 Mar 2025``, ``March 31, 2025``). Slashed and dashed
    numeric dates (``03/04/2025``) are ambiguous; they are read in the locale's order:
    day first in German, French, Spanish and Hindi (3 April), month first only in a
    locale whose territory writes them so (``en_US``: March 4), never both ways, so one
    file is never read half one way and half the other. The locale's own short date
    (``31/3/25`` in Spanish) is read too.

    Generic English (``en``, no territory, and no locale at all) stays day first, as the
    importer always read it: unlike a form, where the app's own (CLDR, American) short
    dates must read back, a file comes from another program, and the English files this
    CRM receives are mostly British, Irish or Indian. Write ISO dates to be safe anywhere.
    """
    code = locale_code(locale)
    formats = list(IMPORT_DATE_FORMATS)
    parsed = _babel_locale(code)
    if parsed.language == "en" and not parsed.territory:
        return tuple(formats)
    _pattern, order = _short_pattern(code)
    if order == "mdy":
        formats = [_MONTH_FIRST_SWAP.get(f, f) for f in formats]
    for extra in form_date_formats(code)[1:]:
        if extra not in formats:
            formats.append(extra)
    return tuple(formats)


def parse_date(text, locale, formats=None):
    """A date from ``text`` written in ISO or the locale's short form (``formats``:
    defaults to ``form_date_formats(locale)``); raises ValueError."""
    text = (text or "").strip()
    if text:
        for pattern in formats or form_date_formats(locale):
            try:
                return dt.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
    raise ValueError(text)


@functools.lru_cache(maxsize=64)
def decimal_mark(locale):
    """The locale's decimal mark: ``","`` in German, French and Spanish, ``"."`` in English
    and Hindi."""
    return _babel_locale(locale_code(locale)).number_symbols["latn"]["decimal"]


@functools.lru_cache(maxsize=64)
def _group_mark(code):
    return _babel_locale(code).number_symbols["latn"]["group"]


def number_example(locale):
    """1234.56 as the locale writes it (``1.234,56`` in German)."""
    return format_decimal(EXAMPLE_NUMBER, "#,##0.00", locale=_babel_locale(locale_code(locale)))


def parse_decimal(text, locale):
    """A finite Decimal from ``text`` in the locale's way (``1.234,56`` in German) or as a
    plain number (``1234.56``); spaces are ignored. Raises ValueError."""
    raw = _SPACES.sub("", text or "")
    if not _NUMBER_SHAPE.fullmatch(raw):
        raise ValueError(text)
    if raw.startswith("+"):
        raw = raw[1:]  # Babel refuses the sign: +1.234 would be read apart from -1.234
    if _PLAIN_NUMBER.fullmatch(raw) and not (
        _group_mark(locale_code(locale)) == "." and ONE_POINT_GROUP.fullmatch(raw)
    ):
        return Decimal(raw)  # what Babel would read too, without its parser per value
    try:
        value = _babel_decimal(raw, locale=_babel_locale(locale_code(locale)), strict=True)
    except (NumberFormatError, InvalidOperation, ValueError):
        if not _PLAIN_NUMBER.fullmatch(raw):
            raise ValueError(text) from None
        value = Decimal(raw)
    if not value.is_finite():
        raise ValueError(text)
    return value
