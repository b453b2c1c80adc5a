"""Deals: field labels and the columns forms and API bodies take, and the list's data
access (each page's stages, pipelines, customers, companies and owners loaded with it)."""
from collections.abc import Iterator, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Query, joinedload

from crm.datamodel.interface import CrmInterface
from crm.datamodel.values import Money
from crm.models import Deal, Stage

DEAL_LABELS = {
    "title": _l("Title"), "description": _l("Description"), "value": _l("Value"),
    "currency": _l("Currency"), "probability": _l("Probability (%)"),
    "expected_close_date": _l("Expected close date"), "actual_close_date": _l("Actual close date"),
    "lost_reason": _l("Lost reason"), "pipeline": _l("Pipeline"), "stage": _l("Stage"),
    "company": _l("Company"), "customer": _l("Customer"), "assigned_to": _l("Owner"),
    "created_at": _l("Created"), "updated_at": _l("Updated"),
}
FORM_COLUMNS = ["title", "description", "value", "expected_close_date", "probability",
                "pipeline", "stage", "company", "customer", "assigned_to"]
EDIT_COLUMNS = FORM_COLUMNS + ["lost_reason"]

class DealInterface(CrmInterface):
    """Lists load each page's stages, pipelines, customers, companies and owners with the page."""

    def apply_all(self, query: Query[Any], *args: Any, **kwargs: Any) -> Query[Any]:
        query = super().apply_all(query, *args, **kwargs)
        if self.obj is not Deal:  # FAB reuses the class for related models' filters
            return query
        return query.options(
            joinedload(Deal.stage).joinedload(Stage.pipeline), joinedload(Deal.customer),
            joinedload(Deal.company), joinedload(Deal.assigned_to))

    def get_values(self, lst: Sequence[Any], list_columns: Sequence[str]
                   ) -> Iterator[dict[str, Any]]:
        # The value column shows the amount in the deal's own currency.
        for item, values in zip(lst, super().get_values(lst, list_columns)):
            if "value" in values and isinstance(item, Deal):
                values["value"] = Money(item.value, item.currency)
            yield values
