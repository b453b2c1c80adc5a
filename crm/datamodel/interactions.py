"""Interactions: the list's data access (newest first). Fields and columns:
crm.fields.pipeline."""

from typing import Any

from sqlalchemy.orm import Query

from crm.datamodel.prefetch import PrefetchInterface
from crm.models import Interaction


class NewestFirst(PrefetchInterface):
    """Newest first; interactions logged at the same minute by the later entry."""

    def apply_order_by(
        self, query: Query[Any], order_column: str, order_direction: str, *args: Any, **kwargs: Any
    ) -> Query[Any]:
        query = super().apply_order_by(query, order_column, order_direction, *args, **kwargs)
        if self.obj is not Interaction or not order_column:
            return query  # FAB builds one of these for each related model too
        return query.order_by(Interaction.id.desc() if order_direction != "asc" else Interaction.id)
