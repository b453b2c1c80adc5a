"""The import's report: the failed rows and the rows imported with warnings, as
uploaded, plus a column naming each error and one naming each warning.

Every cell is written as text (a cell that looks like a formula stays text and is
never evaluated when the report is opened).
"""

import io
from collections.abc import Iterable, Sequence
from typing import Any

from flask_babel import gettext

from crm.services.core.workbooks import new_workbook


def error_report(
    headings: Sequence[object], failed: Iterable[Any], warned: Iterable[Any] = ()
) -> bytes:
    """xlsx bytes: heading row + "Row" + "Errors" + "Warnings", then one line per failed
    or warned RowResult, in file order."""
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    sheet = workbook.add_worksheet(gettext("Errors")[:31])
    bold = workbook.add_format({"bold": True})
    head = [*headings, gettext("Row"), gettext("Errors"), gettext("Warnings")]
    for col, text in enumerate(head):
        sheet.write_string(0, col, str(text), bold)
    width = len(headings)
    for line, result in enumerate(sorted([*failed, *warned], key=lambda r: r.number), start=1):
        for col, text in enumerate(result.cells[:width]):
            if text != "":
                sheet.write_string(line, col, text)
        sheet.write_number(line, width, result.number)
        for col, problems in ((width + 1, result.errors), (width + 2, result.warnings)):
            if problems:
                sheet.write_string(
                    line, col, "; ".join(f"{heading}: {message}" for heading, message in problems)
                )
    sheet.set_column(width + 1, width + 2, 60)
    workbook.close()
    return buffer.getvalue()
