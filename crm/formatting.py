"""Figures as the reader's locale writes them (pages, PDF, e-mail, exports' labels).

Uses flask-babel: in a request the user's locale, elsewhere (commands, jobs) the
app's default locale. One place, so every screen writes €1,234.56 the same way.
"""

import datetime as dt

from flask_babel import format_currency, format_date, format_decimal, format_time, get_locale


def money(value, currency=None):
    """An amount in its currency (``€12,500.00`` in English); without a currency,
    a plain two-decimal number. None is blank."""
    if value is None:
        return ""
    return format_currency(value, currency) if currency else format_decimal(value, "#,##0.00")


def quantity(value):
    """A quantity without trailing zeros: ``10``, ``1.5``, ``2.125``."""
    return "" if value is None else format_decimal(value, "#,##0.###")


def day(value):
    """A date as the reader's locale writes a medium date (``Dec 7, 2026``, ``07.12.2026``).
    Every screen's dates go through here, and datetimes through ``moment``."""
    return format_date(value, "medium") if value else ""


def moment(value):
    """A point in time, stored as UTC, in the tenant's timezone and the reader's locale:
    its medium date and short time (``Dec 7, 2026, 5:45 PM`` in English, ``07.12.2026,
    18:45`` in German at Europe/Berlin), so its day reads as ``day`` writes it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        locale = get_locale()  # None outside a request and an app: Babel's own order
        joined = locale.datetime_formats["medium"] if locale else "{1}, {0}"
        return joined.replace("{1}", format_date(value, "medium")).replace(
            "{0}", format_time(value, "short")
        )
    return day(value)


def install(app):
    """Templates write figures the same way: ``{{ x|money(cur) }}``, ``|day``, ``|moment``."""
    app.add_template_filter(money, "money")
    app.add_template_filter(day, "day")
    app.add_template_filter(moment, "moment")
