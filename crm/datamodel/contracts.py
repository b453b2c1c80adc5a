"""Contracts: field labels and the columns forms and API bodies take."""
from flask_babel import lazy_gettext as _l

LABELS = {
    "number": _l("Number"), "customer": _l("Customer"), "title": _l("Title"),
    "value": _l("Value"), "currency": _l("Currency"), "start_date": _l("Start"),
    "end_date": _l("End"), "status": _l("Status"), "owner": _l("Owner"), "notes": _l("Notes"),
    "created_at": _l("Created"), "updated_at": _l("Updated"),
}
FORM_COLUMNS = ["customer", "title", "value", "start_date", "end_date", "status", "notes"]
