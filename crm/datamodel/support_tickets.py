"""Support tickets: field labels and the columns forms and API bodies take."""
from flask_babel import lazy_gettext as _l

LABELS = {
    "customer": _l("Customer"), "subject": _l("Subject"), "description": _l("Description"),
    "status": _l("Status"), "priority": _l("Priority"), "opened_at": _l("Opened"),
    "closed_at": _l("Closed"), "owner": _l("Owner"), "created_at": _l("Created"),
    "updated_at": _l("Updated"),
}
FORM_COLUMNS = ["customer", "subject", "description", "status", "priority", "owner"]
