"""Interactions: field labels, the columns forms and API bodies take, and the list's
data access (newest first)."""
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Query

from crm.datamodel.prefetch import PrefetchInterface
from crm.models import Interaction

LABELS = {
    "kind": _l("Type"), "summary": _l("Summary"), "follow_up": _l("Follow-up"),
    "occurred_at": _l("When (UTC)"), "customer": _l("Customer"), "deal": _l("Deal"),
    "contact": _l("Contact"), "user": _l("Logged by"),
}
FORM_COLUMNS = ["customer", "kind", "occurred_at", "summary", "follow_up", "deal", "contact"]


class NewestFirst(PrefetchInterface):
    """Newest first; interactions logged at the same minute by the later entry."""

    def apply_order_by(self, query: Query[Any], order_column: str, order_direction: str,
                       *args: Any, **kwargs: Any) -> Query[Any]:
        query = super().apply_order_by(query, order_column, order_direction, *args, **kwargs)
        if self.obj is not Interaction or not order_column:
            return query  # FAB builds one of these for each related model too
        return query.order_by(Interaction.id.desc() if order_direction != "asc" else Interaction.id)
