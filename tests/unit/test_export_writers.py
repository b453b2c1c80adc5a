"""The export writers with column kinds given (cell writers chosen once per column) write the
same cells as when each value's type decides."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl

from crm.services.bulk.export_writers import open_writer

HEADERS = ["Name", "Limit", "Hold", "Since", "At", "Count", "Anything"]
KINDS = ["text", "money", "bool", "date", "datetime", "number", None]
ROWS = [
    (
        "=1+2",
        Decimal("2500.00"),
        True,
        dt.date(2030, 1, 2),
        dt.datetime(2030, 1, 2, 3, 4),
        7,
        "+44",
    ),
    ("", None, False, None, None, None, Decimal("1.50")),
    (None, Decimal("-0.50"), None, None, None, 0, dt.datetime(2029, 5, 6, 7, 8)),
]


def written(fmt, kinds):
    out = io.BytesIO()
    writer = open_writer(fmt, out, HEADERS, "Sheet", kinds)
    writer.write_rows(ROWS[:2])
    writer.write_rows([])
    writer.write_rows(ROWS[2:])
    writer.close()
    return out.getvalue()


def test_csv_with_kinds_matches_csv_without_and_escapes_every_text_column():
    typed = written("csv", KINDS)
    assert typed == written("csv", None)
    rows = list(csv.reader(io.StringIO(typed.decode("utf-8-sig"), newline="")))
    assert rows[1] == ["'=1+2", "2500.00", "True", "2030-01-02", "2030-01-02 03:04:00", "7", "'+44"]
    assert rows[2] == ["", "", "False", "", "", "", "1.50"]
    assert rows[3] == ["", "-0.50", "", "", "", "0", "2029-05-06 07:08:00"]


def test_xlsx_with_kinds_writes_the_same_typed_cells():
    def cells(data):
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        return [[(c.value, c.data_type, c.number_format) for c in row] for row in sheet.iter_rows()]

    typed = cells(written("xlsx", KINDS))
    assert typed == cells(written("xlsx", None))
    assert typed[1][0] == ("=1+2", "s", "General")  # a string, never a formula
    assert typed[1][1] == (2500, "n", "#,##0.00")
    assert typed[1][2][:2] == (True, "b")
    assert typed[1][3] == (dt.datetime(2030, 1, 2), "d", "yyyy-mm-dd")
    assert typed[1][4] == (dt.datetime(2030, 1, 2, 3, 4), "d", "yyyy-mm-dd hh:mm")
    assert typed[2][0][0] is None and typed[2][2][0] is False
    assert typed[3][5][0] == 0 and typed[3][1][:2] == (-0.5, "n")
