"""Companies and customer groups: field labels and the columns forms and API bodies take."""
from flask_babel import lazy_gettext as _l

COMPANY_LABELS = {
    "name": _l("Name"), "website": _l("Website"), "office_phone": _l("Office phone"),
    "office_email": _l("Office email"), "street": _l("Street"), "city": _l("City"),
    "state": _l("State"), "postal_code": _l("Postal code"), "country": _l("Country"),
    "industry": _l("Industry"), "description": _l("Description"),
    "assigned_to": _l("Assigned to"), "is_active": _l("Active"),
    "created_at": _l("Created"), "updated_at": _l("Updated"),
}
# What a company is; forms add who looks after it and whether it is active.
COMPANY_DETAILS = ["name", "website", "office_phone", "office_email", "street", "city", "state",
                   "postal_code", "country", "industry", "description"]
COMPANY_FORM_COLUMNS = COMPANY_DETAILS + ["assigned_to", "is_active"]

GROUP_LABELS = {
    "name": _l("Name"), "code": _l("Code"), "description": _l("Description"),
    "discount_percent": _l("Discount (%)"), "priority": _l("Priority"),
    "is_active": _l("Active"), "customer_count": _l("Customers"),
}
GROUP_FORM_COLUMNS = ["name", "code", "description", "discount_percent", "priority", "is_active"]
