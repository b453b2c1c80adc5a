"""A user's own settings: the language of the screens (None: as the browser asks), when a
task's reminder defaults to (days before its due date, at a local time) and whether the
morning digest of overdue tasks is e-mailed.

Stored on the user (``ab_user``); read by crm.i18n, crm.services.pipeline.reminders and
crm.services.pipeline.overdue_digest. Screen: /my-settings/; API: /api/v1/my_settings/.
"""

import datetime as dt
import re
from collections.abc import Collection
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from crm.i18n import inputs
from crm.i18n.inputs import InputInvalid
from crm.services.accounts.user_language import check_language
from crm.services.core.errors import CrmError, ValidationFailed
from crm.services.core.transaction import transactional

FIELDS = ("locale", "reminder_days_before", "reminder_time", "overdue_digest")
MAX_DAYS_BEFORE = 60
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def reminder_clock(text: str | None) -> dt.time:
    """The stored "HH:MM" as a time; a value edited outside the app reads as 09:00."""
    match = _TIME.match(text or "")
    return dt.time(int(match.group(1)), int(match.group(2))) if match else dt.time(9, 0)


def preferences_of(user: Any) -> dict[str, Any]:
    return {
        "locale": user.locale,
        "reminder_days_before": user.reminder_days_before,
        "reminder_time": reminder_clock(user.reminder_time).strftime("%H:%M"),
        "overdue_digest": bool(user.overdue_digest),
    }


def _days(value: object) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError
    days = int(str(value).strip()) if not isinstance(value, int) else value
    if not 0 <= days <= MAX_DAYS_BEFORE:
        raise ValueError
    return days


def clean(values: object, shipped: Collection[str]) -> dict[str, Any]:
    """The settings sent (any of ``FIELDS``), checked; ValidationFailed names each bad
    or unknown one. ``shipped``: the languages the CRM ships."""
    if not isinstance(values, dict):
        raise ValidationFailed(
            {"settings": [_l("Send the settings as an object of key and value.")]}
        )
    errors: dict[str, list[Any]] = {}
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        if key not in FIELDS:
            errors[key] = [_l("“%(key)s” is not one of your settings.", key=key)]
        elif key == "locale":
            try:
                cleaned[key] = None if inputs.blank(value) else check_language(value, shipped)
            except CrmError as exc:
                errors.update(exc.errors)
        elif key == "reminder_days_before":
            try:
                cleaned[key] = _days(value)
            except (TypeError, ValueError):
                errors[key] = [
                    _l(
                        "Enter a number of days from 0 to %(most)d, or leave it empty for "
                        "no reminder.",
                        most=MAX_DAYS_BEFORE,
                    )
                ]
        elif key == "reminder_time":
            match = _TIME.match(str(value or "").strip())
            if match is None:
                errors[key] = [_l("Enter a time of day such as 09:00.")]
            else:
                cleaned[key] = f"{int(match.group(1)):02d}:{match.group(2)}"
        else:
            try:
                if inputs.blank(value):
                    raise InputInvalid(_l("Use true or false."))
                cleaned[key] = bool(inputs.flag(value))
            except InputInvalid:
                errors[key] = [_l("Use true or false.")]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


@transactional
def save_settings(
    session: Session, user: Any, values: object, shipped: Collection[str]
) -> dict[str, Any]:
    """Set some or all of the user's settings (the others keep theirs) in one transaction."""
    for key, value in clean(values, shipped).items():
        setattr(user, key, value)
    return preferences_of(user)
