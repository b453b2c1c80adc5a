"""Module-wide CRM preferences of a tenant: one ``crm_setting`` row per key, JSON values.

``SETTINGS`` is the whole list: each key's default, how its value is checked and
how it is labelled. A key without a row has its default, so other areas read a
preference with ``get_setting(session, key)`` and never care whether it was set.

* ``kanban_page_size``: cards a Kanban column loads per page (leads and deals boards);
* ``show_activity_timeline``: whether record pages show the activity timeline;
* ``default_deal_currency``: the currency a new deal starts with;
* ``credit_check_on``: where a customer's credit limit is checked: on order
  confirmation, on invoice issue, or both (crm.services.ledger.credit_rule);
* ``default_locale``: the language of users who have not picked one and whose
  browser asks for none we ship, and of statements mailed with no user (crm.i18n);
* ``timezone``: the timezone dates and times are shown in (crm.i18n);
* ``default_country``: the country of phone numbers written without one (imports);
  never set, the country of the default language (``DERIVED``);
* ``health_refresh_hour``: the hour (tenant's timezone) of the nightly health refresh;
* ``digest_hour``: the hour (tenant's timezone) users get their overdue tasks by e-mail
  (crm.services.pipeline.overdue_digest).
"""

from collections.abc import Mapping
from typing import Any, cast

import pytz
from babel.core import get_global
from flask_babel import get_locale, lazy_gettext as _l
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from crm.i18n import inputs
from crm.i18n.inputs import InputInvalid
from crm.models import CrmSetting
from crm.security.tenancy import current_tenant_id
from crm.services.core.errors import ValidationFailed
from crm.services.core.transaction import transactional
from crm.services.core.validation import (
    FieldInvalid,
    clean_country,
    clean_currency,
    country_choices,
)
from crm.services.core.versions import check_version, version_of_rows

KANBAN_PAGE_SIZES = (5, 100)
# The tenant's values, read once per session (a request's unit of work) by whichever of
# the page, its layout and its services asks first; dropped when settings are written.
_KEPT = "crm_settings"


def _page_size(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise FieldInvalid(_l("Enter a whole number."))
    try:
        value = int(value)
    except ValueError:
        raise FieldInvalid(_l("Enter a whole number.")) from None
    low, high = KANBAN_PAGE_SIZES
    if not low <= value <= high:
        raise FieldInvalid(_l("Enter a number from %(low)d to %(high)d.", low=low, high=high))
    return value


def _flag(value: object) -> bool:
    """A stored JSON boolean from a flag as typed (crm.i18n.inputs.flag); never blank."""
    try:
        if inputs.blank(value):
            raise InputInvalid(_l("Use true or false."))
        return bool(inputs.flag(value))
    except InputInvalid:
        raise FieldInvalid(_l("Use true or false.")) from None


def _currency(value: object) -> str:
    if not isinstance(value, str):
        raise FieldInvalid(_l("Use an ISO 4217 currency code such as EUR."))
    return clean_currency(value)


CREDIT_CHECK_POINTS = ("both", "order", "invoice")


def _credit_check_on(value: object) -> object:
    if value is None or value == "":
        return "both"
    if value not in CREDIT_CHECK_POINTS:
        raise FieldInvalid(_l("Choose both, order or invoice."))
    return value


_credit_check_on.choices = (  # type: ignore[attr-defined]
    ("both", _l("Order confirmation and invoice issue")),
    ("order", _l("Order confirmation only")),
    ("invoice", _l("Invoice issue only")),
)


def _locale(value: object) -> object:
    from crm.i18n.names import shipped_locale_codes

    if value not in shipped_locale_codes():
        raise FieldInvalid(_l("Choose one of the languages the CRM ships."))
    return value


def _timezone(value: object) -> str:
    if not isinstance(value, str) or value not in pytz.all_timezones_set:
        raise FieldInvalid(_l("Choose a timezone such as Europe/Berlin."))
    return value


def _hour(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise FieldInvalid(_l("Choose an hour from 0 to 23."))
    try:
        value = int(value)
    except ValueError:
        raise FieldInvalid(_l("Choose an hour from 0 to 23.")) from None
    if not 0 <= value <= 23:
        raise FieldInvalid(_l("Choose an hour from 0 to 23."))
    return value


def _locale_choices() -> list[tuple[str, str]]:
    from crm.i18n.names import language_choices

    return cast(list[tuple[str, str]], language_choices())


def _timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in pytz.common_timezones]


def _country(value: object) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise FieldInvalid(_l("Choose a country such as DE."))
    return clean_country(value)


def _country_choices() -> list[tuple[str, object]]:
    return [("", _l("The default language's country")), *country_choices(str(get_locale() or "en"))]


def country_of_locale(locale: object) -> str | None:
    """The country a language code most likely means (CLDR): en -> US, de -> DE, hi -> IN."""
    likely = get_global("likely_subtags").get(str(locale or "en").split("_")[0], "")
    territory = likely.split("_")[-1]
    return territory if len(territory) == 2 else None


_locale.choices = _locale_choices  # type: ignore[attr-defined]
_timezone.choices = _timezone_choices  # type: ignore[attr-defined]
_country.choices = _country_choices  # type: ignore[attr-defined]


# key -> (default, clean function, label, description)
SETTINGS = {
    "kanban_page_size": (
        20,
        _page_size,
        _l("Kanban cards per page"),
        _l("How many cards a column of the lead and deal boards loads at a time (5 to 100)."),
    ),
    "show_activity_timeline": (
        True,
        _flag,
        _l("Show the activity timeline"),
        _l("Record pages show who changed what and when."),
    ),
    "default_deal_currency": (
        "EUR",
        _currency,
        _l("Default deal currency"),
        _l("The currency a new deal starts with."),
    ),
    "credit_check_on": (
        "both",
        _credit_check_on,
        _l("Check credit limits on"),
        _l(
            "When a customer's credit limit is enforced: on order confirmation, "
            "on invoice issue, or both (both, order, invoice)."
        ),
    ),
    "default_locale": (
        "en",
        _locale,
        _l("Default language"),
        _l(
            "For users who have not picked a language and whose browser asks for "
            "none the CRM ships, and for statements mailed in a batch."
        ),
    ),
    "timezone": (
        "UTC",
        _timezone,
        _l("Timezone"),
        _l("Dates and times are shown in this timezone."),
    ),
    "default_country": (
        None,
        _country,
        _l("Default country"),
        _l(
            "Phone numbers written without a country code are read in the "
            "customer's country, else in this one (imports)."
        ),
    ),
    "health_refresh_hour": (
        2,
        _hour,
        _l("Nightly health refresh at"),
        _l(
            "The hour, 0 to 23 (in the timezone above), at which every customer's "
            "health score is recomputed each night."
        ),
    ),
    "digest_hour": (
        7,
        _hour,
        _l("Overdue task digest at"),
        _l(
            "The hour, 0 to 23 (in the timezone above), at which each user is e-mailed "
            "their overdue tasks every morning (users can opt out)."
        ),
    ),
}
DEFAULTS = {key: spec[0] for key, spec in SETTINGS.items()}
# key -> (the setting it follows while never set, how): the default country is the
# default language's.
DERIVED = {"default_country": ("default_locale", country_of_locale)}


def clean_values(values: object) -> dict[str, object]:
    """{key: clean value} for a mapping of settings, or ValidationFailed naming every
    unknown key and bad value."""
    if not isinstance(values, dict):
        raise ValidationFailed(
            {"settings": [_l("Send the settings as an object of key and value.")]}
        )
    errors, cleaned = {}, {}
    for key, value in values.items():
        if key not in SETTINGS:
            errors[key] = [_l("“%(key)s” is not a CRM setting.", key=key)]
            continue
        try:
            cleaned[key] = SETTINGS[key][1](value)
        except FieldInvalid as exc:
            errors[key] = [exc.args[0]]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _rows(session: Session) -> dict[str, CrmSetting]:
    return {
        row.key: row
        for row in session.scalars(
            select(CrmSetting).where(CrmSetting.tenant_id == current_tenant_id())
        )
    }


def _stored_or_default(key: str, row: CrmSetting | None) -> object:
    if row is None:
        return DEFAULTS[key]
    try:
        return SETTINGS[key][1](row.value)
    except FieldInvalid:
        return DEFAULTS[key]  # a value edited outside the app: fall back, never break a page


def _derived(values: dict[str, object]) -> dict[str, object]:
    for key, (source, derive) in DERIVED.items():
        if key in values and values[key] is None:
            values[key] = derive(values.get(source, DEFAULTS[source]))
    return values


def _values(session: Session) -> dict[str, object]:
    tenant_id = current_tenant_id()
    kept = session.info.get(_KEPT)
    if kept is None or kept[0] != tenant_id:
        rows = _rows(session)
        kept = (tenant_id, {key: _stored_or_default(key, rows.get(key)) for key in SETTINGS})
        session.info[_KEPT] = kept
    return cast(dict[str, object], kept[1])


def _forget(session: Session, *_: object) -> None:
    session.info.pop(_KEPT, None)


def _forget_written(session: Session, flush_context: object) -> None:
    touched = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, CrmSetting) for obj in touched):
        _forget(session)


def get_setting(session: Session, key: str) -> Any:
    """The tenant's value of ``key`` (its default when never set)."""
    if key not in SETTINGS:
        raise KeyError(key)
    value = _values(session)[key]
    if value is None and key in DERIVED:
        source, derive = DERIVED[key]
        return derive(get_setting(session, source))
    return value


def all_settings(session: Session, derived: bool = True) -> dict[str, Any]:
    """{key: value} of every setting, in the order of ``SETTINGS``, in one query;
    ``derived=False`` leaves a never-set ``DERIVED`` key None (the configuration file)."""
    values = dict(_values(session))
    return _derived(values) if derived else values


def apply_values(session: Session, cleaned: Mapping[str, object]) -> None:
    """Write checked values (no commit): one row per key, updated in place."""
    _forget(session)
    rows = _rows(session)
    for key, value in cleaned.items():
        row = rows.get(key)
        if row is None:
            session.add(CrmSetting(tenant_id=current_tenant_id(), key=key, value=value))
        elif row.value != value:
            row.value = value


def settings_version(session: Session) -> str:
    """The version the settings form is loaded with (every stored row's)."""
    return version_of_rows(_rows(session).values())


@transactional
def save_settings(
    session: Session, values: object, loaded_version: str | None = None
) -> dict[str, Any]:
    """Set some or all settings (the others keep their values) in one transaction;
    refused (EditConflict) when the form was loaded before someone else's change."""
    check_version(loaded_version, settings_version(session))
    apply_values(session, clean_values(values))
    return all_settings(session)


def replace_values(session: Session, cleaned: Mapping[str, object]) -> int:
    """Make the stored settings exactly ``cleaned`` (no commit): keys left out go back to
    their defaults. Rows change in place, through the ORM, so each change is audited.
    Returns how many keys changed."""
    _forget(session)
    changed = 0
    rows = _rows(session)
    for key, row in rows.items():
        if key not in cleaned:
            session.delete(row)
            changed += 1
    for key, value in cleaned.items():
        row = rows.get(key)
        if row is None:
            session.add(CrmSetting(tenant_id=current_tenant_id(), key=key, value=value))
            changed += 1
        elif row.value != value:
            row.value = value
            changed += 1
    return changed


for _moment in ("after_commit", "after_rollback", "after_soft_rollback"):
    if not event.contains(Session, _moment, _forget):
        event.listen(Session, _moment, _forget)
if not event.contains(Session, "after_flush", _forget_written):
    event.listen(Session, "after_flush", _forget_written)
