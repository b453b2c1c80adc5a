"""Tasks: field labels, the columns forms and API bodies take, and the list's data
access (open tasks first when sorted by due date)."""
from typing import Any, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import case
from sqlalchemy.orm import Query

from crm.datamodel.prefetch import PrefetchInterface
from crm.models import Task
from crm.services.pipeline import tasks

LABELS = {
    "title": _l("Title"), "description": _l("Description"), "due_date": _l("Due date"),
    "priority": _l("Priority"), "status": _l("Status"), "completed_at": _l("Completed"),
    "assignee": _l("Assigned to"), "lead": _l("Lead"), "deal": _l("Deal"),
    "company": _l("Company"), "customer": _l("Customer"), "created_at": _l("Created"),
    "updated_at": _l("Updated"),
}
FORM_COLUMNS = ["title", "description", "due_date", "priority", "status", "assignee",
                "customer", "company", "deal", "lead"]


class OpenFirst(PrefetchInterface):
    """Sorting by due date puts open tasks first, then undated ones last."""

    def apply_order_by(self, query: Query[Any], order_column: str, order_direction: str,
                       *args: Any, **kwargs: Any) -> Query[Any]:
        if self.obj is not Task or order_column != "due_date":
            return cast(Query[Any], super().apply_order_by(query, order_column, order_direction,
                                                           *args, **kwargs))
        due = Task.due_date.desc() if order_direction == "desc" else Task.due_date.asc()
        finished = case((Task.status.in_(tasks.OPEN_STATUSES), 0), else_=1)
        return query.order_by(finished, Task.due_date.is_(None), due, Task.id)
