"""Words and figures of a statement as the reader's locale writes them (page, PDF, e-mail).

Uses flask-babel, so it needs an app context: in a request the user's locale, elsewhere
(commands, jobs) the app's default locale.
"""
from flask_babel import gettext

from crm.fields.ledger import AGING_LABELS, STATEMENT_COLUMNS, STATEMENT_LINE_KINDS
from crm.formatting import day, money
from crm.services.ledger.arithmetic import AGING_BUCKETS


class Formats:
    """``money`` and ``day`` for one statement, remembered per value: a long statement
    repeats its amounts and days, and each formatting looks the locale up again."""

    def __init__(self, currency):
        self.currency = currency
        self._money = {}
        self._days = {}

    def money(self, amount):
        text = self._money.get(amount)
        if text is None:
            text = self._money[amount] = money(amount, self.currency)
        return text

    def day(self, value):
        text = self._days.get(value)
        if text is None:
            text = self._days[value] = day(value)
        return text


def period(statement):
    return f"{day(statement.date_from)} – {day(statement.date_to)}"


def kind_label(kind):
    return str(STATEMENT_LINE_KINDS[kind])


def transaction_columns():
    """[(key, heading)] of the statement's transaction columns, in order."""
    return [(key, str(heading)) for key, heading in STATEMENT_COLUMNS.items()]


def aging_rows(statement):
    """[(label, amount)] for each aging bucket and the total due."""
    keys = [key for key, _, _ in AGING_BUCKETS] + ["total"]
    return [(str(AGING_LABELS[key]), statement.aging[key]) for key in keys]


def subject(statement):
    return gettext("Statement of account %(customer)s %(period)s",
                   customer=statement.customer_name, period=period(statement))


def line_description(line, day=day):
    """The line's reference or reason; an invoice's due date after it."""
    if line.kind == "invoice" and line.due_date:
        due = gettext("due %(day)s", day=day(line.due_date))
        return f"{line.description} ({due})" if line.description else due
    return line.description
