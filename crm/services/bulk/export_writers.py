"""Streaming spreadsheet writers: rows in, an xlsx or csv file out, a chunk in memory at a time.

Cells are typed from their Python values: numbers (``Decimal``, ``int``) stay numbers,
dates and times become date cells, text stays text. Text that a spreadsheet would run as
a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is
written as a string cell in xlsx (never a formula) and prefixed with a single quote in
csv, so opening an export never runs anything on the reader's machine.

A caller that knows its columns' types passes ``kinds`` (one of ``KINDS`` per column, or
None for "look at each value"): each column's handling is then chosen once, not per cell,
and only text columns are checked for formulas. xlsx rows become sheet XML a column at a
time (crm/services/bulk/xlsx_rows.py, the same cells xlsxwriter writes at a fraction of its
per-cell cost); xlsxwriter writes the rest of the workbook.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import IO, Any

from crm.services.bulk.xlsx_rows import ColumnXml, RowStreamWorksheet, rows_xml
from crm.services.core.workbooks import new_workbook

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_STARTS = frozenset(FORMULA_PREFIXES)
CSV_BOM = "\ufeff"
FORMATS = ("xlsx", "csv")
# A column's kind: "text" (str), "money" (Decimal, 2 places), "number" (int, float, Decimal),
# "date", "datetime", "bool"; None for any of these (the value's type decides).
KINDS = ("text", "money", "number", "date", "datetime", "bool")
MAX_COLUMN_WIDTH = 60
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MONEY_FORMAT = "#,##0.00"
# Column widths come from the header and the first rows (measuring every cell costs time).
WIDTH_SAMPLE = 200


def escape_csv(text: str) -> str:
    """``text`` as a csv cell that cannot start a formula."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def unescape_csv(text: str) -> str:
    """A csv cell's text as it was before ``escape_csv`` (for imports: round trips)."""
    return text[1:] if text[:1] == "'" and text[1:2] and text[1] in _FORMULA_STARTS else text


def _csv_datetime(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")


def _csv_text_column(values: Sequence[Any], danger: frozenset[str] = _FORMULA_STARTS) -> list[Any]:
    return [("'" + v) if v and v[0] in danger else v for v in values]


def _csv_datetime_column(values: Sequence[Any], text: type[str] = str) -> list[Any]:
    # A date-time read as stored comes as ISO text on SQLite (cut to the second).
    return [
        None if v is None else v[:19] if v.__class__ is text else v.strftime("%Y-%m-%d %H:%M:%S")
        for v in values
    ]


def _csv_money_column(values: Sequence[Any], decimal: type[Decimal] = Decimal) -> list[str | None]:
    # As stored: a Decimal (PostgreSQL, or SQLAlchemy's reading), else int/float (SQLite).
    return [None if v is None else str(v) if v.__class__ is decimal else "%.2f" % v for v in values]


def _csv_bool_column(values: Sequence[Any]) -> list[str | None]:
    return [None if v is None else "True" if v else "False" for v in values]


def _csv_any_column(
    values: Sequence[Any],
    danger: frozenset[str] = _FORMULA_STARTS,
    datetime_: type[dt.datetime] = dt.datetime,
) -> list[Any]:
    return [
        (("'" + v) if v and v[0] in danger else v)
        if v.__class__ is str
        else _csv_datetime(v)
        if v.__class__ is datetime_
        else v
        for v in values
    ]


# How a csv column's values are changed before writing (kinds not listed are written as
# they are: the csv module writes None as an empty cell, numbers and dates as text). Each
# takes the Python value or the value as the database stores it (crm/services/
# export_csv_rows.py) and writes the same text for both.
_CSV_COLUMN: dict[str | None, Callable[[Sequence[Any]], list[Any]]] = {
    "text": _csv_text_column,
    "datetime": _csv_datetime_column,
    "money": _csv_money_column,
    "bool": _csv_bool_column,
    None: _csv_any_column,
}


class CsvExport:
    """UTF-8 with a byte order mark, so Excel reads accents and non-Latin names right. Lines
    end in CR LF; a header for rows that PostgreSQL's COPY writes (crm/services/
    export_copy.py) ends in LF as they do (``line_end``; the csv module quotes a cell
    holding a lone CR only when CR is part of the line end, so rows keep CR LF)."""

    def __init__(
        self,
        out: IO[bytes],
        headers: Sequence[object],
        kinds: Sequence[str | None] | None = None,
        line_end: str = "\r\n",
    ) -> None:
        self._text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
        self._text.write(CSV_BOM)
        self._csv = csv.writer(self._text, lineterminator=line_end)
        self._csv.writerow([escape_csv(str(h)) for h in headers])
        kinds = kinds or [None] * len(headers)
        self._changes = [(i, _CSV_COLUMN[k]) for i, k in enumerate(kinds) if k in _CSV_COLUMN]

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        """Write rows (sequences of values, left unchanged): the columns that need it are
        changed a column at a time."""
        if not rows:
            return
        if self._changes:
            columns: list[Sequence[Any]] = list(zip(*rows))
            for i, change in self._changes:
                columns[i] = change(columns[i])
            rows = zip(*columns)
        self._csv.writerows(rows)

    def close(self) -> None:
        self._text.flush()
        self._text.detach()  # leave the caller's file open


def sheet_title(name: object) -> str:
    """``name`` as Excel accepts a sheet's name: 31 characters, none of []:*?/\\."""
    title = re.sub(r"[\[\]:*?/\\]", " ", str(name)).strip(" '")[:31].strip()
    return title or "Export"


class XlsxExport:
    """xlsxwriter in constant-memory mode: a bold, frozen header row with an autofilter,
    column widths from the header and the first rows, number and date formats. Past a
    sheet's last row (1,048,576 in Excel) the rows go on in another sheet of the file."""

    ROWS_PER_SHEET = 1_048_575  # below the header

    def __init__(
        self,
        out: IO[bytes],
        headers: Sequence[object],
        sheet_name: str = "Export",
        kinds: Sequence[str | None] | None = None,
    ) -> None:
        self._book = new_workbook(out, streaming=True, remove_timezone=True)
        self._title = sheet_title(sheet_name)
        self._headers = [str(h) for h in headers]
        self._formats = {
            "bold": self._book.add_format({"bold": True}),
            "date": self._book.add_format({"num_format": DATE_FORMAT}),
            "datetime": self._book.add_format({"num_format": DATETIME_FORMAT}),
            "money": self._book.add_format({"num_format": MONEY_FORMAT}),
        }
        self._kinds = list(kinds or [None] * len(self._headers))
        self._sheets = 0
        self._start_sheet()

    def _start_sheet(self) -> None:
        self._sheets += 1
        name = self._title if self._sheets == 1 else f"{self._title[:26]} ({self._sheets})"
        self._sheet = self._book.add_worksheet(name, worksheet_class=RowStreamWorksheet)
        self._widths = [len(h) + 2 for h in self._headers]
        for col, header in enumerate(self._headers):
            self._sheet.write_string(0, col, header, self._formats["bold"])
        self._sheet.freeze_panes(1, 0)
        self._row = 1
        self._columns = self._plan()

    def _finish_sheet(self) -> None:
        for col, width in enumerate(self._widths):
            self._sheet.set_column(col, col, width)
        if self._headers:
            self._sheet.autofilter(0, 0, max(self._row - 1, 1), len(self._headers) - 1)

    def _measure(self, row: Sequence[Any]) -> None:
        widths = self._widths
        for col, value in enumerate(row):
            if value is not None and col < len(widths):
                size = 12 if isinstance(value, (dt.date, Decimal)) else len(str(value)) + 2
                if size > widths[col]:
                    widths[col] = min(size, MAX_COLUMN_WIDTH)

    def _plan(self) -> list[ColumnXml]:
        """Per column, decided once: how its values become cells (crm.services.bulk.xlsx_rows)."""
        formats = self._formats
        styles: dict[str | None, Any] = {
            "money": formats["money"],
            "date": formats["date"],
            "datetime": formats["datetime"],
        }
        any_formats = {
            Decimal: lambda v: formats["money"] if v.as_tuple().exponent == -2 else None,
            dt.datetime: lambda v: formats["datetime"],
            dt.date: lambda v: formats["date"],
        }
        return [
            ColumnXml(
                c,
                k if k in KINDS else None,
                self._sheet._convert_date_time,
                styles.get(k),
                any_formats,
            )
            for c, k in enumerate(self._kinds)
        ]

    def write_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        room = self.ROWS_PER_SHEET - self._row + 1
        if len(rows) > room:
            self.write_rows(rows[:room])
            self._finish_sheet()
            self._start_sheet()
            self.write_rows(rows[room:])
            return
        if self._row <= WIDTH_SAMPLE:
            for row in rows[: WIDTH_SAMPLE - self._row + 1]:
                self._measure(row)
        first, last = self._row, self._row + len(rows) - 1
        self._sheet.append_rows_xml(
            first, last, len(self._headers) - 1, rows_xml(self._columns, rows, first)
        )
        self._row = last + 1

    def close(self) -> None:
        self._finish_sheet()
        self._book.close()


def open_writer(
    fmt: str,
    out: IO[bytes],
    headers: Sequence[object],
    sheet_name: str = "Export",
    kinds: Sequence[str | None] | None = None,
) -> "CsvExport | XlsxExport":
    """A writer for ``fmt``; ``kinds`` (one of ``KINDS`` or None per column) as above."""
    if fmt == "csv":
        return CsvExport(out, headers, kinds)
    if fmt == "xlsx":
        return XlsxExport(out, headers, sheet_name, kinds)
    raise ValueError(fmt)
