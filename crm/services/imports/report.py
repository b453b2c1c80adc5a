"""The error report: the failed rows as uploaded, plus a column naming each error.

Every cell is written as text (a cell that looks like a formula stays text and is
never evaluated when the report is opened).
"""
import io

from flask_babel import gettext

from crm.services.workbooks import new_workbook


def error_report(headings, failed):
    """xlsx bytes: heading row + "Row" + "Errors", then one line per failed RowResult."""
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    sheet = workbook.add_worksheet(gettext("Errors")[:31])
    bold = workbook.add_format({"bold": True})
    head = [*headings, gettext("Row"), gettext("Errors")]
    for col, text in enumerate(head):
        sheet.write_string(0, col, str(text), bold)
    width = len(headings)
    for line, result in enumerate(sorted(failed, key=lambda r: r.number), start=1):
        for col, text in enumerate(result.cells[:width]):
            if text != "":
                sheet.write_string(line, col, text)
        sheet.write_number(line, width, result.number)
        sheet.write_string(line, width + 1, "; ".join(
            f"{heading}: {message}" for heading, message in result.errors))
    sheet.set_column(width + 1, width + 1, 80)
    workbook.close()
    return buffer.getvalue()
