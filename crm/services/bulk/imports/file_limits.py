"""Refuse hostile or oversized import files before they are read.

A spreadsheet is a zip (xlsx, ods) whose directory states each part's size, and whose
sheet XML names every cell's position: both are checked by streaming, never by building
the table. .xls is bounded by its format (65,536 x 256) and the file size.
"""

import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from flask_babel import lazy_gettext as _l

from crm.services.core.errors import ValidationFailed

ZIP_TYPES = (".xlsx", ".xlsm", ".ods")
CHUNK = 1 << 20
# <row r="12"> / <c r="AB12">: where each xlsx row and cell sits (a literal first: fast).
_XLSX_ROW_NUMBER = re.compile(rb' r="[A-Z]{0,3}([0-9]{1,9})"')
_XLSX_COLUMN = re.compile(rb' r="([A-Z]{1,3})[0-9]')
_ODS_ROW = re.compile(rb"<table:table-row\b([^>]*)>")
_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell\b([^>]*?)(/?)>")
_ODS_ROW_END = re.compile(rb"</table:table-row>")
_REPEAT_ROWS = re.compile(rb'table:number-rows-repeated="([0-9]+)"')
_REPEAT_COLUMNS = re.compile(rb'table:number-columns-repeated="([0-9]+)"')
_ODS_VALUE = re.compile(rb"office:value-type=")


@dataclass(frozen=True)
class ImportLimits:
    """What one import may hold; config.py's CRM_IMPORT_MAX_* settings."""

    file_bytes: int = 50 * 1024 * 1024
    uncompressed_bytes: int = 300 * 1024 * 1024
    rows: int = 1_000_000
    columns: int = 500
    cells: int = 10_000_000

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "ImportLimits":
        return cls(
            file_bytes=config["CRM_IMPORT_MAX_FILE_BYTES"],
            uncompressed_bytes=config["CRM_IMPORT_MAX_UNCOMPRESSED_BYTES"],
            rows=config["CRM_IMPORT_MAX_ROWS"],
            columns=config["CRM_IMPORT_MAX_COLUMNS"],
            cells=config["CRM_IMPORT_MAX_CELLS"],
        )


def refuse(message: object) -> NoReturn:
    raise ValidationFailed({"file": [message]})


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def check_size(content: bytes, limits: ImportLimits) -> None:
    if len(content) > limits.file_bytes:
        refuse(_l("The file is larger than %(mb)d MB.", mb=limits.file_bytes // 1024 // 1024))


def check_shape(rows: int, columns: int, limits: ImportLimits) -> None:
    """Refuse a table of ``rows`` x ``columns`` above the limits."""
    if columns > limits.columns:
        refuse(
            _l(
                "The file has %(n)s columns; at most %(max)s can be imported.",
                n=f"{columns:,}",
                max=f"{limits.columns:,}",
            )
        )
    if rows > limits.rows:
        refuse(
            _l(
                "The file has %(n)s rows; at most %(max)s can be imported at once.",
                n=f"{rows:,}",
                max=f"{limits.rows:,}",
            )
        )
    cells = rows * columns
    if cells > limits.cells:
        refuse(
            _l(
                "The file has %(n)s cells; at most %(max)s can be imported at once.",
                n=f"{cells:,}",
                max=f"{limits.cells:,}",
            )
        )


def check_spreadsheet(content: bytes, extension: str, limits: ImportLimits) -> None:
    """Refuse a zipped spreadsheet whose parts or cells exceed ``limits``, cheaply."""
    check_size(content, limits)
    if extension not in ZIP_TYPES:
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # calamine's own message for a damaged file follows
    if sum(m.file_size for m in members) > limits.uncompressed_bytes:
        _refuse_unpacked(limits)
    if extension == ".ods":
        sheets = [m for m in members if m.filename == "content.xml"]
        scan = _ods_extent
    else:
        sheets = [
            m
            for m in members
            if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")
        ]
        scan = _xlsx_extent
    for member in sheets:
        # calamine builds the grid from A1 to the far corner, filled or not.
        rows, columns = scan(_stream(archive, member, limits))
        check_shape(rows, columns, limits)


def _refuse_unpacked(limits: ImportLimits) -> NoReturn:
    refuse(
        _l(
            "Unpacked, this file would take more than %(mb)d MB; it cannot be imported.",
            mb=limits.uncompressed_bytes // 1024 // 1024,
        )
    )


def _stream(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: ImportLimits
) -> Iterator[bytes]:
    """The member's bytes in chunks that end before a tag, stopping at the uncompressed
    limit whatever the zip directory claims."""
    total, pending = 0, b""
    try:
        with archive.open(member) as handle:
            while True:
                block = handle.read(CHUNK)
                if not block:
                    break
                total += len(block)
                if total > limits.uncompressed_bytes:
                    _refuse_unpacked(limits)
                data = pending + block
                # A tag cut in two at the block's end is scanned whole with the next block.
                cut = data.rfind(b"<")
                if cut <= 0:
                    pending = data
                    continue
                yield data[:cut]
                pending = data[cut:]
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError):
        return
    if pending:
        yield pending


def _xlsx_extent(chunks: Iterable[bytes]) -> tuple[int, int]:
    """(rows, columns): the far corner of every ``r="B12"`` cell and ``r="12"`` row
    position. Regex scans in C; per chunk only the row numbers become ints."""
    rows = columns = 0
    for data in chunks:
        numbers = _XLSX_ROW_NUMBER.findall(data)
        if numbers:
            rows = max(rows, max(map(int, numbers)))
        letters = set(_XLSX_COLUMN.findall(data))
        if letters:
            columns = max(columns, max(map(_column_number, letters)))
    return rows, columns


def _ods_extent(chunks: Iterable[bytes]) -> tuple[int, int]:
    """Rows and columns up to the last cell holding something; repeated empty cells
    (LibreOffice writes them to the sheet's edge) count only when something follows."""
    rows = columns = 0
    row_at, row_repeat, column_at, row_has_value = 0, 1, 0, False
    for data in chunks:
        position = 0
        while True:
            found = [
                m
                for m in (
                    _ODS_ROW.search(data, position),
                    _ODS_CELL.search(data, position),
                    _ODS_ROW_END.search(data, position),
                )
                if m
            ]
            if not found:
                break
            match = min(found, key=lambda m: m.start())
            position = match.end()
            if match.re is _ODS_ROW:
                repeat = _REPEAT_ROWS.search(match.group(1))
                row_repeat = int(repeat.group(1)) if repeat else 1
                column_at, row_has_value = 0, False
            elif match.re is _ODS_CELL:
                repeat = _REPEAT_COLUMNS.search(match.group(1))
                count = int(repeat.group(1)) if repeat else 1
                holds = bool(_ODS_VALUE.search(match.group(1))) or (
                    match.group(2) != b"/" and not data.startswith(b"</table:", position)
                )
                column_at += count
                if holds:
                    columns = max(columns, column_at)
                    row_has_value = True
            else:
                row_at += row_repeat
                if row_has_value:
                    rows = max(rows, row_at)
                row_repeat = 1
    return rows, columns
