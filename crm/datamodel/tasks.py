"""Tasks: the list's data access (open tasks first when sorted by due date). Fields and
columns: crm.fields.pipeline."""

from typing import Any, cast

from sqlalchemy import case
from sqlalchemy.orm import Query

from crm.datamodel.prefetch import PrefetchInterface
from crm.models import Task
from crm.services.pipeline import tasks


class OpenFirst(PrefetchInterface):
    """Sorting by due date puts open tasks first, then undated ones last."""

    def apply_order_by(
        self, query: Query[Any], order_column: str, order_direction: str, *args: Any, **kwargs: Any
    ) -> Query[Any]:
        if self.obj is not Task or order_column != "due_date":
            return cast(
                Query[Any],
                super().apply_order_by(query, order_column, order_direction, *args, **kwargs),
            )
        due = Task.due_date.desc() if order_direction == "desc" else Task.due_date.asc()
        finished = case((Task.status.in_(tasks.OPEN_STATUSES), 0), else_=1)
        return query.order_by(finished, Task.due_date.is_(None), due, Task.id)
