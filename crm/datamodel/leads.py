"""Leads: field labels, the columns forms and API bodies take, and the list's data
access (a page's statuses, sources and assignees read with it)."""
from flask_babel import lazy_gettext as _l

from crm.datamodel.prefetch import PrefetchInterface
from crm.models import Lead

LEAD_LABELS = {
    "title": _l("Title"), "description": _l("Description"), "contact_name": _l("Contact name"),
    "contact_email": _l("Contact email"), "contact_phone": _l("Contact phone"),
    "company_name": _l("Company name"), "value": _l("Value"), "source": _l("Lead source"),
    "status": _l("Lead status"), "assigned_to": _l("Assigned to"),
    "converted_at": _l("Converted on"), "customer": _l("Customer"), "company": _l("Company"),
    "deal": _l("Deal"), "created_at": _l("Created"), "updated_at": _l("Updated"),
}
FORM_COLUMNS = ["title", "description", "contact_name", "contact_email", "contact_phone",
                "company_name", "value", "source", "status", "assigned_to"]
LIST_RELATIONS = ("status", "source", "assigned_to")


class LeadInterface(PrefetchInterface):
    """Leads may be saved without a status: the service gives them the default one.
    A page's statuses, sources and assignees are read in one query each, not one per row."""

    prefetch_of = {Lead: LIST_RELATIONS}

    def is_nullable(self, col_name):
        return col_name == "status" or super().is_nullable(col_name)
