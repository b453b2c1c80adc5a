"""Leads: field labels, the columns forms and API bodies take, and the list's data
access (a page's statuses, sources and assignees read with it)."""
from collections.abc import Iterable, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from crm.datamodel.interface import CrmInterface
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


class LeadInterface(CrmInterface):
    """Leads may be saved without a status: the service gives them the default one.
    A page's statuses, sources and assignees are read in one query each, not one per row."""

    def is_nullable(self, col_name: str) -> bool:
        return col_name == "status" or super().is_nullable(col_name)

    def query(self, *args: Any, **kwargs: Any) -> tuple[int, list[Any]]:
        count, rows = super().query(*args, **kwargs)
        if self.obj is Lead:
            attach_related(self.session, rows, LIST_RELATIONS)
        return count, rows


def attach_related(session: Session, rows: Sequence[Any], relations: Iterable[str]) -> None:
    """Load the rows' many-to-one relations with one IN query each and set them on the rows
    (merely loading them is not enough: the session forgets rows nobody holds)."""
    if not rows:
        return
    mapper = type(rows[0]).__mapper__
    for name in relations:
        relation = mapper.relationships[name]
        (column,) = relation.local_columns
        key = mapper.get_property_by_column(column).key
        ids = sorted({getattr(row, key) for row in rows} - {None})
        target = relation.mapper.class_
        found = {}
        if ids:
            found = {r.id: r for r in session.scalars(select(target).where(target.id.in_(ids)))}
        for row in rows:
            set_committed_value(row, name, found.get(getattr(row, key)))
