"""The statement of account as an Excel workbook.

Figures are real numbers and dates (so they sum and sort in Excel), shown with a money
format in the statement's currency and a date format; the transactions' header row is
frozen with everything above it.
"""

import datetime as dt
import io

from babel import Locale
from babel.numbers import get_currency_symbol
from flask_babel import get_locale, gettext

from crm.services.core.workbooks import new_workbook
from crm.services.statements import text
from crm.services.statements.statement import Statement

DATE_FORMAT = "yyyy-mm-dd"
# The width of each of the transactions' columns (crm.fields.ledger.STATEMENT_COLUMNS).
WIDTHS = {
    "date": 12,
    "kind": 13,
    "number": 14,
    "description": 42,
    "debit": 16,
    "credit": 16,
    "balance": 16,
}


def money_format(currency: str) -> str:
    """An Excel number format with the currency's symbol where the reader's locale puts it:
    ``"€"#,##0.00`` in English, ``#,##0.00 "€"`` in German. Excel itself shows the grouping
    and decimal marks of the machine that opens the file."""
    locale = get_locale() or "en"
    symbol = get_currency_symbol(currency, locale=locale).replace('"', "")
    number = "#,##0.00"
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    if pattern.rstrip().endswith("¤"):
        return f'{number} "{symbol}";-{number} "{symbol}"'
    return f'"{symbol}"{number};-"{symbol}"{number}'


def render_xlsx(statement: Statement) -> bytes:
    """The statement as .xlsx bytes."""
    out = io.BytesIO()
    book = new_workbook(out)
    sheet = book.add_worksheet(gettext("Statement")[:31])
    title = book.add_format({"bold": True, "font_size": 14})
    bold = book.add_format({"bold": True})
    header = book.add_format(
        {
            "bold": True,
            "font_color": "#FFFFFF",
            "bg_color": "#2C3E50",
            "border": 1,
            "align": "center",
        }
    )
    day = book.add_format({"num_format": DATE_FORMAT, "align": "left"})
    amount = book.add_format({"num_format": money_format(statement.currency)})
    amount_bold = book.add_format({"num_format": money_format(statement.currency), "bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})

    sheet.write(0, 0, statement.tenant_name, title)
    sheet.write(1, 0, gettext("Statement of account"), bold)
    info: list[tuple[str, object]] = [
        (gettext("Customer"), statement.customer_name),
        (gettext("Customer code"), statement.customer_code),
        (gettext("Billing address"), statement.billing_address.replace("\n", ", ")),
        (gettext("Tax number"), statement.tax_number),
        (gettext("Currency"), statement.currency),
    ]
    row = 3
    for label, value in info:
        sheet.write(row, 0, label, bold)
        sheet.write(row, 1, value)
        row += 1
    sheet.write(row, 0, gettext("Period"), bold)
    sheet.write_datetime(row, 1, _as_datetime(statement.date_from), day)
    sheet.write_datetime(row, 2, _as_datetime(statement.date_to), day)
    row += 2

    # Aging beside the header block, so the transaction table stays one block below.
    sheet.write(3, 4, gettext("Aging as of %(day)s", day=text.day(statement.date_to)), bold)
    aging = text.aging_rows(statement)
    for offset, (label, value) in enumerate(aging, start=4):
        last = offset == 3 + len(aging)  # the total due
        sheet.write(offset, 4, label, bold if last else None)
        sheet.write_number(offset, 5, value, amount_bold if last else amount)
    aging_end = 4 + len(aging)
    if statement.unallocated_credit:
        sheet.write(aging_end, 4, gettext("Unallocated credit"))
        sheet.write_number(aging_end, 5, statement.unallocated_credit, amount)
    row = max(row, aging_end + 2)

    for column, (key, heading) in enumerate(text.transaction_columns()):
        sheet.set_column(column, column, WIDTHS[key])
        sheet.write(row, column, heading, header)
    sheet.freeze_panes(row + 1, 0)
    row += 1

    sheet.write_datetime(row, 0, _as_datetime(statement.date_from), day)
    sheet.write(row, 3, gettext("Opening balance"), bold)
    sheet.write_number(row, 6, statement.opening_balance, amount_bold)
    row += 1
    for line in statement.lines:
        sheet.write_datetime(row, 0, _as_datetime(line.date), day)
        sheet.write(row, 1, text.kind_label(line.kind))
        sheet.write(row, 2, line.number)
        sheet.write(row, 3, text.line_description(line), wrap)
        if line.debit:
            sheet.write_number(row, 4, line.debit, amount)
        if line.credit:
            sheet.write_number(row, 5, line.credit, amount)
        sheet.write_number(row, 6, line.balance, amount)
        row += 1
    sheet.write_datetime(row, 0, _as_datetime(statement.date_to), day)
    sheet.write(row, 3, gettext("Closing balance"), bold)
    sheet.write_number(row, 4, statement.total_debit, amount_bold)
    sheet.write_number(row, 5, statement.total_credit, amount_bold)
    sheet.write_number(row, 6, statement.closing_balance, amount_bold)
    book.close()
    return out.getvalue()


def _as_datetime(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)
