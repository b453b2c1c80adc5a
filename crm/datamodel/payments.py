"""Payments: field labels and the columns an edit (screen or API) may change."""
from flask_babel import lazy_gettext as _l

LABELS = {
    "number": _l("Number"), "customer": _l("Customer"), "payment_date": _l("Date"),
    "amount": _l("Amount"), "currency": _l("Currency"), "method": _l("Method"),
    "reference": _l("Reference"), "notes": _l("Notes"), "status": _l("Status"),
    "voided_at": _l("Voided"), "created_at": _l("Recorded"),
}
EDIT_COLUMNS = ["payment_date", "amount", "method", "reference", "notes"]
