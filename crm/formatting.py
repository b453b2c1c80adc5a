"""Figures as the reader's locale writes them (pages, PDF, e-mail, exports' labels).

Uses flask-babel: in a request the user's locale, elsewhere (commands, jobs) the
app's default locale. One place, so every screen writes €1,234.56 the same way.
"""
from flask_babel import format_currency, format_date, format_decimal


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
