"""Charts' numbers as an xlsx workbook: one sheet per chart, a row per label, a column per
series. Counts are integer cells, money numeric cells with two decimals (from the exact
Decimal strings of the payload); labels are always written as text, never as formulas."""

import io
import re
from decimal import Decimal

from crm.services.core.workbooks import new_workbook

MONEY_FORMAT = "#,##0.00"
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title, taken):
    name = _SHEET_UNSAFE.sub(" ", title)[:31] or "Sheet"
    base, n = name, 2
    while name.lower() in taken:
        suffix = f" {n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def workbook(charts, first_header):
    """xlsx bytes for these chart payloads; ``first_header`` titles the label column."""
    out = io.BytesIO()
    book = new_workbook(out)
    bold = book.add_format({"bold": True})
    money_cell = book.add_format({"num_format": MONEY_FORMAT})
    taken = set()
    for chart in charts:
        sheet = book.add_worksheet(sheet_name(chart["title"], taken))
        sheet.write_string(0, 0, first_header, bold)
        for col, dataset in enumerate(chart["datasets"], start=1):
            sheet.write_string(0, col, dataset["label"], bold)
        for row, label in enumerate(chart["labels"], start=1):
            sheet.write_string(row, 0, label)
            for col, dataset in enumerate(chart["datasets"], start=1):
                value = dataset["data"][row - 1]
                if dataset["kind"] == "money":
                    sheet.write_number(row, col, float(Decimal(value)), money_cell)
                else:
                    sheet.write_number(row, col, value)
        sheet.set_column(0, 0, max([len(first_header)] + [len(x) for x in chart["labels"]]) + 2)
        sheet.set_column(1, max(len(chart["datasets"]), 1), 16)
    book.close()
    return out.getvalue()
