"""Deals: the list's data access (each page's stages, pipelines, customers, companies and
owners loaded with it). Fields and columns: crm.fields.pipeline."""
from sqlalchemy.orm import joinedload

from crm.datamodel.interface import CrmInterface
from crm.datamodel.values import Money
from crm.models import Deal, Stage


class DealInterface(CrmInterface):
    """Lists load each page's stages, pipelines, customers, companies and owners with the page."""

    def apply_all(self, query, *args, **kwargs):
        query = super().apply_all(query, *args, **kwargs)
        if self.obj is not Deal:  # FAB reuses the class for related models' filters
            return query
        return query.options(
            joinedload(Deal.stage).joinedload(Stage.pipeline), joinedload(Deal.customer),
            joinedload(Deal.company), joinedload(Deal.assigned_to))

    def get_values(self, lst, list_columns):
        # The value column shows the amount in the deal's own currency.
        for item, values in zip(lst, super().get_values(lst, list_columns)):
            if "value" in values and isinstance(item, Deal):
                values["value"] = Money(item.value, item.currency)
            yield values
