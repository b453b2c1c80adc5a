"""Credit notes: field labels and the columns forms and API bodies take."""
from flask_babel import lazy_gettext as _l

LABELS = {
    "number": _l("Number"), "customer": _l("Customer"), "invoice": _l("Invoice"),
    "issue_date": _l("Date"), "amount": _l("Amount"), "currency": _l("Currency"),
    "reason": _l("Reason"), "status": _l("Status"), "notes": _l("Notes"),
    "issued_at": _l("Issued"), "voided_at": _l("Voided"),
}
FORM_COLUMNS = ["customer", "invoice", "issue_date", "amount", "reason", "notes"]
