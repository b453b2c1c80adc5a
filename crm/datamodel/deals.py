"""Deals: the list's data access (each page's stages, pipelines, customers, companies and
owners loaded with it). Fields and columns: crm.fields.pipeline."""

from collections.abc import Iterator, Sequence
from typing import Any

from crm.datamodel.prefetch import PrefetchInterface
from crm.datamodel.values import Money
from crm.models import Deal


class DealInterface(PrefetchInterface):
    """Lists load each page's stages, pipelines, customers, companies and owners with the page."""

    prefetch_of = {Deal: ("stage.pipeline", "customer", "company", "assigned_to")}

    def get_values(
        self, lst: Sequence[Any], list_columns: Sequence[str]
    ) -> Iterator[dict[str, Any]]:
        # The value column shows the amount in the deal's own currency.
        for item, values in zip(lst, super().get_values(lst, list_columns)):
            if "value" in values and isinstance(item, Deal):
                values["value"] = Money(item.value, item.currency)
            yield values
