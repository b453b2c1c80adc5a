"""Customers: field labels and the columns forms and API bodies take (the list's
filters and data access are in ``crm.datamodel.customer_filters``)."""
from flask_babel import lazy_gettext as _l

CUSTOMER_LABELS = {
    "kind": _l("Type"), "name": _l("Name"), "code": _l("Code"), "email": _l("Email"),
    "phone": _l("Phone"), "website": _l("Website"), "industry": _l("Industry"),
    "segment": _l("Segment"), "sub_segment": _l("Sub-segment"), "region": _l("Region"),
    "currency": _l("Currency"), "payment_term": _l("Payment terms"),
    "discount_rate": _l("Discount rate (%)"), "payment_method": _l("Default payment method"),
    "tax_regime": _l("Tax regime"), "tax_number": _l("Tax number"),
    "credit_limit": _l("Credit limit"), "credit_hold": _l("Credit hold"),
    "balance": _l("Balance"), "order_total": _l("Total order value"),
    "last_order_date": _l("Last order"), "customer_group": _l("Customer group"), "company": _l("Company"),
    "owner": _l("Owner"), "tags": _l("Tags"), "notes": _l("General notes"),
    "is_active": _l("Active"), "archived_at": _l("Archived on"), "city": _l("City"),
    "country": _l("Country"), "search_text": _l("Search"), "created_at": _l("Created"),
    "updated_at": _l("Updated"), "health_score": _l("Health"), "health_band": _l("Health"),
}
FORM_COLUMNS = [
    "kind", "name", "code", "email", "phone", "website", "industry", "company",
    "customer_group", "segment", "sub_segment", "region", "currency", "payment_term",
    "discount_rate", "payment_method", "tax_regime", "tax_number", "credit_limit",
    "credit_hold", "owner", "tags", "notes",
]
