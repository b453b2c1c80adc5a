"""Streaming spreadsheet writers: rows in, an xlsx or csv file out, a chunk in memory at a time.

Cells are typed from their Python values: numbers (``Decimal``, ``int``) stay numbers,
dates and times become date cells, text stays text. Text that a spreadsheet would run as
a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is
written as a string cell in xlsx (never a formula) and prefixed with a single quote in
csv, so opening an export never runs anything on the reader's machine.
"""
import csv
import datetime as dt
import io
import re
from decimal import Decimal

import xlsxwriter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_STARTS = frozenset(FORMULA_PREFIXES)
CSV_BOM = "\ufeff"
FORMATS = ("xlsx", "csv")
MAX_COLUMN_WIDTH = 60
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MONEY_FORMAT = "#,##0.00"
# Column widths come from the header and the first rows (measuring every cell costs time).
WIDTH_SAMPLE = 200


def escape_csv(text):
    """``text`` as a csv cell that cannot start a formula."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def unescape_csv(text):
    """A csv cell's text as it was before ``escape_csv`` (for imports: round trips)."""
    return text[1:] if text[:1] == "'" and text[1:2] and text[1] in _FORMULA_STARTS else text


def _csv_datetime(value):
    return value.strftime("%Y-%m-%d %H:%M:%S")


class CsvExport:
    """UTF-8 with a byte order mark, so Excel reads accents and non-Latin names right."""

    def __init__(self, out, headers):
        self._text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
        self._text.write(CSV_BOM)
        self._csv = csv.writer(self._text)
        self._csv.writerow([escape_csv(str(h)) for h in headers])

    def write_rows(self, rows):
        """Write (and change in place) lists of values; the csv module writes None as an
        empty cell and numbers, dates and booleans as text itself."""
        danger, datetime_ = _FORMULA_STARTS, dt.datetime
        for row in rows:
            for i, value in enumerate(row):
                kind = value.__class__
                if kind is str:
                    if value and value[0] in danger:
                        row[i] = "'" + value
                elif kind is datetime_:
                    row[i] = _csv_datetime(value)
        self._csv.writerows(rows)

    def close(self):
        self._text.flush()
        self._text.detach()  # leave the caller's file open


def sheet_title(name):
    """``name`` as Excel accepts a sheet's name: 31 characters, none of []:*?/\\."""
    title = re.sub(r"[\[\]:*?/\\]", " ", str(name)).strip(" '")[:31].strip()
    return title or "Export"


class XlsxExport:
    """xlsxwriter in constant-memory mode: a bold, frozen header row with an autofilter,
    column widths from the header and the first rows, number and date formats. Past a
    sheet's last row (1,048,576 in Excel) the rows go on in another sheet of the file."""

    ROWS_PER_SHEET = 1_048_575  # below the header

    def __init__(self, out, headers, sheet_name="Export"):
        self._book = xlsxwriter.Workbook(out, {
            "constant_memory": True, "remove_timezone": True, "strings_to_numbers": False,
            "strings_to_formulas": False, "strings_to_urls": False})
        self._title = sheet_title(sheet_name)
        self._headers = [str(h) for h in headers]
        self._formats = {
            "bold": self._book.add_format({"bold": True}),
            "date": self._book.add_format({"num_format": DATE_FORMAT}),
            "datetime": self._book.add_format({"num_format": DATETIME_FORMAT}),
            "money": self._book.add_format({"num_format": MONEY_FORMAT}),
        }
        self._sheets = 0
        self._start_sheet()

    def _start_sheet(self):
        self._sheets += 1
        name = self._title if self._sheets == 1 else f"{self._title[:26]} ({self._sheets})"
        self._sheet = self._book.add_worksheet(name)
        self._widths = [len(h) + 2 for h in self._headers]
        for col, header in enumerate(self._headers):
            self._sheet.write_string(0, col, header, self._formats["bold"])
        self._sheet.freeze_panes(1, 0)
        self._row = 1

    def _finish_sheet(self):
        for col, width in enumerate(self._widths):
            self._sheet.set_column(col, col, width)
        if self._headers:
            self._sheet.autofilter(0, 0, max(self._row - 1, 1), len(self._headers) - 1)

    def _measure(self, row):
        widths = self._widths
        for col, value in enumerate(row):
            if value is not None and col < len(widths):
                size = 12 if isinstance(value, (dt.date, Decimal)) else len(str(value)) + 2
                if size > widths[col]:
                    widths[col] = min(size, MAX_COLUMN_WIDTH)

    def write_rows(self, rows):
        room = self.ROWS_PER_SHEET - self._row + 1
        if len(rows) > room:
            self.write_rows(rows[:room])
            self._finish_sheet()
            self._start_sheet()
            self.write_rows(rows[room:])
            return
        sheet, formats = self._sheet, self._formats
        string, number, datetime_, boolean = (sheet.write_string, sheet.write_number,
                                              sheet.write_datetime, sheet.write_boolean)
        money, date_format, datetime_format = formats["money"], formats["date"], formats["datetime"]
        r = self._row
        for row in rows:
            if r <= WIDTH_SAMPLE:
                self._measure(row)
            for c, value in enumerate(row):
                if value is None:
                    continue
                kind = type(value)
                if kind is str:
                    if value:
                        string(r, c, value)
                elif kind is Decimal:
                    number(r, c, value, money if value.as_tuple().exponent == -2 else None)
                elif kind is bool:
                    boolean(r, c, value)
                elif kind is int or kind is float:
                    number(r, c, value)
                elif kind is dt.datetime:
                    datetime_(r, c, value, datetime_format)
                elif kind is dt.date:
                    datetime_(r, c, value, date_format)
                else:
                    string(r, c, str(value))
            r += 1
        self._row = r

    def close(self):
        self._finish_sheet()
        self._book.close()


def open_writer(fmt, out, headers, sheet_name="Export"):
    if fmt == "csv":
        return CsvExport(out, headers)
    if fmt == "xlsx":
        return XlsxExport(out, headers, sheet_name)
    raise ValueError(fmt)
