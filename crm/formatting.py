"""Figures as the reader's locale writes them (pages, PDF, e-mail, exports' labels).

Uses flask-babel: in a request the user's locale, elsewhere (commands, jobs) the
app's default locale. One place, so every screen writes €1,234.56 the same way.
"""

import datetime as dt

from flask_babel import format_currency, format_date, format_datetime, format_decimal


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
    return format_date(value, "medium") if value else ""


def moment(value):
    """A point in time, stored as UTC, in the tenant's timezone and the reader's locale
    (``3/12/26, 14:05`` in English, ``03.12.26, 15:05`` in German at Europe/Berlin)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return format_datetime(value, "short")
    return day(value)


def install(app):
    """Templates write figures the same way: ``{{ x|money(cur) }}``, ``|day``, ``|moment``."""
    app.add_template_filter(money, "money")
    app.add_template_filter(day, "day")
    app.add_template_filter(moment, "moment")
