"""Turn an uploaded file into a heading row and rows of plain text.

.xlsx, .xls and .ods are read by calamine (cells' stored values; a formula is never
evaluated, a text cell that looks like one stays text) once file_limits has checked their
size. CSV files may come in any common encoding (encodings.py) and delimiter (csv.Sniffer).
"""

import csv
import datetime as dt
import io
import os
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NoReturn

import orjson
from flask_babel import lazy_gettext as _l

from crm.services.bulk.export_writers import unescape_csv
from crm.services.bulk.imports import encodings, file_limits
from crm.services.core.errors import ValidationFailed

SPREADSHEET_TYPES = (".xlsx", ".xlsm", ".xls", ".ods")
TEXT_TYPES = (".csv", ".txt", ".tsv")
ACCEPTED_TYPES = SPREADSHEET_TYPES + TEXT_TYPES
DELIMITERS = ",;\t|"
# Cells that mean "nothing here" (database dumps write NULL).
NULLS = frozenset({"NULL"})
# The heading row is looked for among this many first non-empty rows.
HEADING_SEARCH_ROWS = 10
_NUMBER = re.compile(r"^[\d\s.,+\-/:%]+$")


def is_number(cell: str) -> bool:
    """A cell of digits and the signs numbers, dates and times are written with."""
    return bool(_NUMBER.match(cell))


def _refuse(message: object) -> NoReturn:
    raise ValidationFailed({"file": [message]})


def cell_text(value: object) -> str:
    """One cell as the text a user typed: 12.0 -> "12", dates as ISO, booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value).strip()


def _sniff(text: str) -> str:
    sample = "\n".join(text[:50_000].splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        return max(DELIMITERS, key=first.count) if first else ","


def _read_csv(
    content: bytes, limits: file_limits.ImportLimits, encoding: str | None, locale: str | None
) -> tuple[list[list[str]], str]:
    text, encoding = encodings.decode(content, encoding, locale)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff(text))
    rows: list[list[str]] = []
    for row in reader:
        if len(row) > limits.columns:
            file_limits.check_shape(len(rows) + 1, len(row), limits)
        if len(rows) >= limits.rows:
            file_limits.check_shape(len(rows) + 1, 1, limits)
        # An export's "'=..." (its guard against formulas) reads back as "=...".
        rows.append([unescape_csv(cell).strip() for cell in row])
    return rows, encoding


def _read_spreadsheet(content: bytes, limits: file_limits.ImportLimits) -> list[list[str]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0)
    except Exception:  # calamine raises its own types for every kind of damaged file
        _refuse(
            _l(
                "This file could not be read as a spreadsheet. Save it as .xlsx, .ods or "
                ".csv and upload it again."
            )
        )
    # to_python pads from A1: the grid's far corner is the size it builds.
    end = sheet.end or (0, 0)
    file_limits.check_shape(end[0] + 1, end[1] + 1, limits)
    rows = sheet.to_python(skip_empty_area=False)
    # Most cells are text: strip those directly, the rest through cell_text.
    return [[v.strip() if type(v) is str else cell_text(v) for v in row] for row in rows]


@dataclass
class Table:
    """A file's heading row and the rows under it, each row as long as the headings."""

    headings: list[str]
    rows: list[list[str]]
    numbers: list[int]  # each row's number as the spreadsheet shows it
    # row number -> its cell count, for rows with more or fewer cells than the headings
    misshapen: dict[int, int] = field(default_factory=dict)
    encoding: str | None = None  # text files: the encoding read

    def pack(self) -> bytes:
        return zlib.compress(
            orjson.dumps(
                {
                    "headings": self.headings,
                    "rows": self.rows,
                    "numbers": self.numbers,
                    "misshapen": [[n, c] for n, c in self.misshapen.items()],
                    "encoding": self.encoding,
                }
            ),
            1,
        )

    @classmethod
    def unpack(cls, data: bytes) -> "Table":
        value = orjson.loads(zlib.decompress(data))
        return cls(
            value["headings"],
            value["rows"],
            value["numbers"],
            dict(value["misshapen"]),
            value["encoding"],
        )


def _heading_row(
    rows: Sequence[Sequence[str]], recognise: Callable[[Sequence[str]], int] | None
) -> int | None:
    """Index of the heading row among the first rows that hold anything: a row mostly of
    text, as wide as the table, whose cells ``recognise`` (cells -> count) knows best."""
    candidates = [i for i, row in enumerate(rows) if any(row)][:HEADING_SEARCH_ROWS]
    if not candidates:
        return None
    filled = {i: [c for c in rows[i] if c] for i in candidates}
    widest = max(len(cells) for cells in filled.values())
    eligible = [
        i
        for i in candidates
        if len(filled[i]) >= max(2, widest / 2)
        and sum(1 for c in filled[i] if not is_number(c)) >= 0.8 * len(filled[i])
    ]
    if not eligible:
        return candidates[0]
    if recognise is None:
        return eligible[0]
    return max(eligible, key=lambda i: (recognise(rows[i]), -i))


def read_table(
    content: bytes,
    file_name: str | None,
    limits: file_limits.ImportLimits | None = None,
    encoding: str | None = None,
    locale: str | None = None,
    recognise: Callable[[Sequence[str]], int] | None = None,
) -> Table:
    """The file's Table, refused (ValidationFailed) above ``limits``. A title or blank rows
    above the headings are skipped; empty rows are dropped; ``NULL`` cells are empty.
    ``encoding``: a text file's, else detected for the importing user's ``locale``."""
    limits = limits or file_limits.ImportLimits()
    extension = os.path.splitext(file_name or "")[1].lower()
    if extension not in ACCEPTED_TYPES:
        _refuse(_l("Upload an .xlsx, .xls, .ods or .csv file."))
    if not content:
        _refuse(_l("The file is empty."))
    if extension in SPREADSHEET_TYPES:
        file_limits.check_spreadsheet(content, extension, limits)
        rows, encoding = _read_spreadsheet(content, limits), None
        grid = True
    else:
        file_limits.check_size(content, limits)
        rows, encoding = _read_csv(content, limits, encoding, locale)
        grid = False
    top = _heading_row(rows, recognise)
    if top is None:
        _refuse(_l("The file has no rows."))
    headings = ["" if cell in NULLS else cell for cell in rows[top]]
    while headings and not headings[-1]:
        headings.pop()
    width = len(headings)
    file_limits.check_shape(len(rows) - top, width, limits)
    table = Table(headings, [], [], encoding=encoding)
    for index in range(top + 1, len(rows)):
        row = rows[index]
        if "NULL" in row:
            row = ["" if cell in NULLS else cell for cell in row]
        if not any(row):
            continue
        number = index + 1
        if not grid:
            cells = len(row)
            while cells > width and not row[cells - 1]:
                cells -= 1
            if cells != width:
                table.misshapen[number] = cells
        table.rows.append(row[:width] + [""] * (width - len(row)))
        table.numbers.append(number)
    return table
