"""The forecast report as an xlsx workbook: a sheet per currency figure, a sheet per owner.

Money cells are numeric with two decimals, from the exact Decimal strings of
``forecast.as_data``; every text cell stays text (crm.services.core.workbooks)."""

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask_babel import gettext

from crm.services.core.workbooks import new_workbook

MONEY_FORMAT = "#,##0.00"


def workbook(data: dict[str, Any], period_label: Callable[[dict[str, Any]], str]) -> bytes:
    """xlsx bytes of ``forecast.as_data(...)``; ``period_label`` names a period."""
    out = io.BytesIO()
    book = new_workbook(out)
    bold = book.add_format({"bold": True})
    money_cell = book.add_format({"num_format": MONEY_FORMAT})
    figures = [gettext("Deals"), gettext("Value"), gettext("Weighted value")]
    sheets = (
        (gettext("Forecast"), "currencies", [gettext("Period"), gettext("Currency")]),
        (gettext("By owner"), "owners", [gettext("Period"), gettext("Owner"), gettext("Currency")]),
    )
    for title, part, headers in sheets:
        sheet = book.add_worksheet(title[:31])
        for col, header in enumerate(headers + figures):
            sheet.write_string(0, col, header, bold)
        row = 1
        for period in data["periods"]:
            for line in period[part]:
                texts = [period_label(period)]
                if part == "owners":
                    texts.append(line["owner"] or gettext("Unassigned"))
                texts.append(line["currency"])
                for col, text in enumerate(texts):
                    sheet.write_string(row, col, text)
                col = len(texts)
                sheet.write_number(row, col, line["count"])
                sheet.write_number(row, col + 1, float(Decimal(line["value"])), money_cell)
                sheet.write_number(row, col + 2, float(Decimal(line["weighted"])), money_cell)
                row += 1
        sheet.set_column(0, len(headers) - 1, 22)
        sheet.set_column(len(headers), len(headers) + 2, 16)
    book.close()
    return out.getvalue()
