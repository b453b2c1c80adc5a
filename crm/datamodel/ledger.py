"""Payments, credit notes and contracts: ``LedgerInterface`` saves a document and what
follows from it (an invoice's amount paid, the customer's balance) as one transaction
(crm.services.core.transaction): FAB adds or edits the row, the entity's
``after_write(session, item)`` runs after the flush. Amounts are listed in the
document's own currency; a list loads the relations ``prefetch`` names with each page.
"""

from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from crm.datamodel.interface import refused_save
from crm.datamodel.prefetch import PrefetchInterface
from crm.datamodel.values import Money
from crm.services.core.numbering import flush_numbered
from crm.services.core.transaction import transaction

MONEY_COLUMNS = ("amount", "value")


class LedgerInterface(PrefetchInterface):
    def __init__(
        self,
        obj: type[Any],
        after_write: Callable[[Session, Any], object] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(obj, **kwargs)
        self.after_write = after_write

    def _save(self, write: Callable[[Any], Any], item: Any) -> None:
        """``write(item)`` and what follows from it, as one transaction. A number taken
        meanwhile is refused on the number field, other refused saves as the datamodel
        refuses them."""
        try:
            with transaction(self.session):
                item = write(item)
                if self.after_write is not None and isinstance(item, self.obj):
                    flush_numbered(self.session)
                    self.after_write(self.session, item)
                flush_numbered(self.session)
        except SQLAlchemyError as exc:
            raise refused_save(exc, self.obj) from exc

    # FAB passes ``commit``; a save here is always a unit of work of its own (or joins
    # the one already open), so it is not consulted.
    def add(self, item: Any, commit: bool = True) -> None:
        self._save(self._added, item)

    def edit(self, item: Any, commit: bool = True) -> None:
        self._save(self.session.merge, item)

    def _added(self, item: Any) -> Any:
        self.session.add(item)
        return item

    def get_values(
        self, lst: Sequence[Any], list_columns: Sequence[str]
    ) -> Iterator[dict[str, Any]]:
        # Amounts show in the document's own currency.
        for item, values in zip(lst, super().get_values(lst, list_columns)):
            for column in MONEY_COLUMNS:
                if column in values and isinstance(item, self.obj):
                    values[column] = _with_currency(values[column], item)
            yield values

    def get_values_item(self, item: Any, show_columns: Sequence[str]) -> list[Any]:
        values = super().get_values_item(item, show_columns)
        if not isinstance(item, self.obj):
            return values
        return [
            _with_currency(value, item) if column in MONEY_COLUMNS else value
            for column, value in zip(show_columns, values)
        ]


def _with_currency(value: Any, item: Any) -> Any:
    # A masked figure (crm.security.masking) is text, shown as it is.
    return Money(value, item.currency) if isinstance(value, (int, Decimal)) else value
