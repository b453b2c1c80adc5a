"""Words and figures of a statement as the reader's locale writes them (page, PDF, e-mail).

Uses flask-babel, so it needs an app context: in a request the user's locale, elsewhere
(commands, jobs) the app's default locale.
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from flask_babel import gettext

from crm.fields.ledger import AGING_LABELS, STATEMENT_COLUMNS, STATEMENT_LINE_KINDS
from crm.formatting import day as day, money as money  # re-exported for the renderers
from crm.services.ledger.arithmetic import AGING_BUCKETS

if TYPE_CHECKING:
    from crm.services.statements.statement import Statement, StatementLine


class Formats:
    """``money`` and ``day`` for one statement, remembered per value: a long statement
    repeats its amounts and days, and each formatting looks the locale up again."""

    def __init__(self, currency: str) -> None:
        self.currency = currency
        self._money: dict[Decimal, str] = {}
        self._days: dict[dt.date, str] = {}

    def money(self, amount: Decimal) -> str:
        text = self._money.get(amount)
        if text is None:
            text = self._money[amount] = money(amount, self.currency)
        return text

    def day(self, value: dt.date) -> str:
        text = self._days.get(value)
        if text is None:
            text = self._days[value] = day(value)
        return text


def period(statement: "Statement") -> str:
    return f"{day(statement.date_from)} – {day(statement.date_to)}"


def kind_label(kind: str) -> str:
    return str(STATEMENT_LINE_KINDS[kind])


def transaction_columns() -> list[tuple[str, str]]:
    """[(key, heading)] of the statement's transaction columns, in order."""
    return [(key, str(heading)) for key, heading in STATEMENT_COLUMNS.items()]


def aging_rows(statement: "Statement") -> list[tuple[str, Decimal]]:
    """[(label, amount)] for each aging bucket and the total due."""
    keys = [key for key, _, _ in AGING_BUCKETS] + ["total"]
    return [(str(AGING_LABELS[key]), statement.aging[key]) for key in keys]


def subject(statement: "Statement") -> str:
    return cast(
        str,
        gettext(
            "Statement of account %(customer)s %(period)s",
            customer=statement.customer_name,
            period=period(statement),
        ),
    )


def line_description(line: "StatementLine", day: Callable[[dt.date], str] = day) -> str:
    """The line's reference or reason; an invoice's due date after it."""
    if line.kind == "invoice" and line.due_date:
        due = gettext("due %(day)s", day=day(line.due_date))
        return f"{line.description} ({due})" if line.description else due
    return line.description
