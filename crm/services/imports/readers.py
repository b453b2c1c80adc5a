"""Turn an uploaded file into a heading row and rows of plain text.

.xlsx, .xls and .ods are read by calamine (cells' stored values; a formula is never
evaluated, a text cell that looks like one stays text). CSV files may come in any
common encoding (detected by charset-normalizer) and delimiter (csv.Sniffer).
"""
import csv
import datetime as dt
import io
import os

from flask_babel import lazy_gettext as _l

from crm.services.errors import ValidationFailed
from crm.services.export_writers import unescape_csv

SPREADSHEET_TYPES = (".xlsx", ".xlsm", ".xls", ".ods")
TEXT_TYPES = (".csv", ".txt", ".tsv")
ACCEPTED_TYPES = SPREADSHEET_TYPES + TEXT_TYPES
DELIMITERS = ",;\t|"


def _refuse(message):
    raise ValidationFailed({"file": [message]})


def cell_text(value):
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


def decode_text(content):
    """Bytes of a text file as str: UTF-8 (with or without BOM) else the detected encoding."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(content[:200_000]).best()
    encoding = best.encoding if best is not None else "cp1252"
    try:
        return content.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return content.decode("cp1252", errors="replace")


def _sniff(text):
    sample = "\n".join(text[:50_000].splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        return max(DELIMITERS, key=first.count) if first else ","


def _read_csv(content):
    text = decode_text(content)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff(text))
    # An export's "'=..." (its guard against formulas) reads back as "=...".
    return [[unescape_csv(cell).strip() for cell in row] for row in reader]


def _read_spreadsheet(content):
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception:  # calamine raises its own types for every kind of damaged file
        _refuse(_l("This file could not be read as a spreadsheet. Save it as .xlsx, .ods or "
                   ".csv and upload it again."))
    # Most cells are text: strip those directly, the rest through cell_text.
    return [[v.strip() if type(v) is str else cell_text(v) for v in row] for row in rows]


def read_table(content, file_name):
    """(headings, rows): the first non-empty row is the heading row; empty rows are dropped.

    Rows are lists of stripped strings, as long as the heading row."""
    extension = os.path.splitext(file_name or "")[1].lower()
    if extension not in ACCEPTED_TYPES:
        _refuse(_l("Upload an .xlsx, .xls, .ods or .csv file."))
    if not content:
        _refuse(_l("The file is empty."))
    rows = _read_spreadsheet(content) if extension in SPREADSHEET_TYPES else _read_csv(content)
    rows = [row for row in rows if any(row)]
    if not rows:
        _refuse(_l("The file has no rows."))
    headings = rows[0]
    while headings and not headings[-1]:
        headings.pop()
    width = len(headings)
    body = []
    for row in rows[1:]:
        row = row[:width] + [""] * (width - len(row))
        if any(row):
            body.append(row)
    return headings, body
