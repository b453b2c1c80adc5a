"""Leads: the list's data access (a page's statuses, sources and assignees read with it).
Fields and columns: crm.fields.pipeline."""

from crm.datamodel.prefetch import PrefetchInterface
from crm.models import Lead

LIST_RELATIONS = ("status", "source", "assigned_to")


class LeadInterface(PrefetchInterface):
    """Leads may be saved without a status: the service gives them the default one.
    A page's statuses, sources and assignees are read in one query each, not one per row."""

    prefetch_of = {Lead: LIST_RELATIONS}

    def is_nullable(self, col_name: str) -> bool:
        return col_name == "status" or super().is_nullable(col_name)
