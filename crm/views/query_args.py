"""Values read from a page's query string (filter bars, links between screens) with the
same readers as forms (crm.i18n.inputs): dates in ISO or the user's short form, ids."""

from flask import flash, request
from flask_babel import get_locale, gettext

from crm.i18n import inputs
from crm.i18n.inputs import InputInvalid


def day(args, name):
    """The date in ``args[name]``, ISO or the user's locale's short date; None when it is
    absent or unreadable."""
    try:
        return inputs.date(args.get(name), get_locale())
    except InputInvalid:
        return None


def record_id(args, name):
    """The record id in ``args[name]`` (crm.i18n.inputs.record_id); None when it is absent
    or no id (``-5``, ``abc``, ``١٢``)."""
    try:
        return inputs.record_id(args.get(name))
    except InputInvalid:
        return None


def date_arg(name, label=None, warn=True):
    """The date in ``?name=``; None when absent, or unreadable, which a warning says
    (naming the filter's ``label`` when given) unless ``warn`` is false."""
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    value = day(request.args, name)
    if value is None and warn:
        if label is None:
            flash(
                gettext("“%(value)s” is not a date (YYYY-MM-DD); it was ignored.", value=raw),
                "warning",
            )
        else:
            flash(
                gettext(
                    "%(label)s: “%(value)s” is not a date (YYYY-MM-DD); it was ignored.",
                    label=label,
                    value=raw,
                ),
                "warning",
            )
    return value
