"""Payments, credit notes and contracts: ``LedgerInterface`` saves a document and what
follows from it (an invoice's amount paid, the customer's balance) in one transaction: FAB
adds or edits the row, the entity's ``after_write(session, item)`` runs after the flush,
then everything is committed. Amounts are listed in the document's own currency.
"""
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from crm.datamodel.interface import CrmInterface, refused_save
from crm.datamodel.values import Money
from crm.services.core.numbering import commit_numbered, flush_numbered

MONEY_COLUMNS = ("amount", "value")


class LedgerInterface(CrmInterface):
    def __init__(self, obj: type[Any], after_write: Callable[[Session, Any], object] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(obj, **kwargs)
        self.after_write = after_write

    def _follow(self, item: Any, commit: bool) -> None:
        if self.after_write is not None and isinstance(item, self.obj):
            flush_numbered(self.session)
            self.after_write(self.session, item)
        if commit:
            commit_numbered(self.session)

    def add(self, item: Any, commit: bool = True) -> None:
        try:
            self.session.add(item)
            self._follow(item, commit)
        except SQLAlchemyError as exc:
            self.session.rollback()
            raise refused_save(exc, self.obj) from exc
        except Exception:
            self.session.rollback()
            raise

    def get_values(self, lst: Sequence[Any], list_columns: Sequence[str]
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
        return [_with_currency(value, item) if column in MONEY_COLUMNS else value
                for column, value in zip(show_columns, values)]

    def edit(self, item: Any, commit: bool = True) -> None:
        try:
            item = self.session.merge(item)
            self._follow(item, commit)
        except SQLAlchemyError as exc:
            self.session.rollback()
            raise refused_save(exc, self.obj) from exc
        except Exception:
            self.session.rollback()
            raise


def _with_currency(value: Any, item: Any) -> Any:
    # A masked figure (crm.security.masking) is text, shown as it is.
    return Money(value, item.currency) if isinstance(value, (int, Decimal)) else value
