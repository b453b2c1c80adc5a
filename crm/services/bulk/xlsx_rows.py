"""Rows of an xlsx export turned into sheet XML a chunk and a column at a time.

xlsxwriter spends about 7 µs on each cell it writes (a call, a cell record, then XML
escaping and formatting one cell at a time when the row is flushed), which caps a
17-column customer export near 8,000 rows/s. Here each column of a chunk is turned into
its cells' XML by one list comprehension, with escaping only for the strings that need
it, and the chunk goes into xlsxwriter's constant-memory row stream as one piece of text.
xlsxwriter still writes everything else: the workbook, styles, header row, column widths,
frozen panes and autofilter. The cells are byte for byte those xlsxwriter writes
(tests/unit/test_xlsx_rows.py compares both), so the file is the same either way.
"""

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

# Excel's longest cell text, in UTF-16 code units.
MAX_TEXT = 32767
# A string needs more than the plain cell: XML escapes, control characters (written as
# _xHHHH_, and a literal _xHHHH_ escaped in turn), or spaces kept at either end.
_NEEDS_CARE = re.compile(r"[&<>\x00-\x08\x0b-\x1f]|_x[0-9a-fA-F]{4}_|^\s|\s$")
_LITERAL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_EDGE_SPACE = re.compile(r"^\s|\s$")


class RowStreamWorksheet(Worksheet):
    """A constant-memory worksheet that also takes rows already written as sheet XML."""

    def append_rows_xml(self, first_row: int, last_row: int, last_col: int, xml: str) -> None:
        """Add rows ``first_row``..``last_row`` (0-based), cells up to ``last_col``, given
        as ``<row>`` elements, after every row written so far."""
        self._write_single_row(first_row)  # flush the row xlsxwriter still holds
        self._check_dimensions(first_row, 0)
        self._check_dimensions(last_row, last_col)
        self.fh.write(xml)
        self.previous_row = last_row + 1


def _truncated(text: str) -> str:
    if len(text) > MAX_TEXT // 2 and len(text.encode("utf-16-le")) > 2 * MAX_TEXT:
        return text.encode("utf-16-le")[: 2 * MAX_TEXT].decode("utf-16-le", errors="ignore")
    return text


def text_xml(text: str, head: str) -> str:
    """One string cell, escaped as xlsxwriter escapes an inline string; ``head`` is the
    cell's opening up to its attributes (``<c r="B7"`` plus a style, if any)."""
    text = _truncated(text)
    preserve = ' xml:space="preserve"' if _EDGE_SPACE.search(text) else ""
    text = _LITERAL_ESCAPE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'{head} t="inlineStr"><is><t{preserve}>{text}</t></is></c>'


def _style(cell_format: Any) -> str:
    index = cell_format._get_xf_index() if cell_format is not None else 0
    return f' s="{index}"' if index else ""


class ColumnXml:
    """How one column's values become cells: built once per column, used per chunk."""

    def __init__(
        self,
        col: int,
        kind: str | None,
        to_serial: Callable[[Any], float],
        cell_format: Any = None,
        any_formats: Mapping[type, Callable[[Any], Any]] | None = None,
    ) -> None:
        """``kind``: one of export_writers.KINDS, or None (each value's type decides);
        ``to_serial``: the sheet's date to Excel serial number (its 1900/1904 epoch);
        ``cell_format``: the column's number format; ``any_formats``: for a column of no
        kind, Python type -> (value -> format or None)."""
        self.to_serial = to_serial
        self.letter = xl_col_to_name(col)
        self.kind = kind
        self.style = _style(cell_format)
        self.any_formats = any_formats or {}
        self._serials: dict[Any, float] = {}

    def cells(self, values: Sequence[Any], rows: Sequence[str]) -> list[str]:
        """Cell XML for ``values`` in sheet rows ``rows`` (1-based numbers as text); an
        empty string where a value is empty."""
        letter, style, kind = self.letter, self.style, self.kind
        if kind == "text":
            care, long = _NEEDS_CARE.search, MAX_TEXT // 2
            return [
                (
                    ""
                    if not v
                    else text_xml(v, f'<c r="{letter}{r}"{style}')
                    if care(v) or len(v) > long
                    else f'<c r="{letter}{r}"{style} t="inlineStr"><is><t>{v}</t></is></c>'
                )
                for v, r in zip(values, rows)
            ]
        if kind in ("money", "number"):
            return [
                "" if v is None else f'<c r="{letter}{r}"{style}><v>{v:.16G}</v></c>'
                for v, r in zip(values, rows)
            ]
        if kind in ("date", "datetime"):
            serial = self._serial
            return [
                "" if v is None else f'<c r="{letter}{r}"{style}><v>{serial(v):.16G}</v></c>'
                for v, r in zip(values, rows)
            ]
        if kind == "bool":
            return [
                "" if v is None else f'<c r="{letter}{r}"{style} t="b"><v>{int(bool(v))}</v></c>'
                for v, r in zip(values, rows)
            ]
        return [self._any(v, r) for v, r in zip(values, rows)]

    def _serial(self, value: Any) -> float:
        serial = self._serials.get(value)
        if serial is None:
            serial = self.to_serial(value)
            if len(self._serials) < 10_000:
                self._serials[value] = serial
        return serial

    def _any(self, value: Any, row: str) -> str:
        """A value whose column has no fixed kind: its type decides (as _write_any)."""
        head = f'<c r="{self.letter}{row}"'
        kind = type(value)
        if value is None or (kind is str and not value):
            return ""
        if kind is str:
            return text_xml(value, head)
        pick_format = self.any_formats.get(kind)
        style = _style(pick_format(value)) if pick_format is not None else ""
        if kind is bool:
            return f'{head}{style} t="b"><v>{int(value)}</v></c>'
        if kind in (int, float, Decimal):
            return f"{head}{style}><v>{value:.16G}</v></c>"
        if kind in (dt.datetime, dt.date):
            return f"{head}{style}><v>{self._serial(value):.16G}</v></c>"
        return text_xml(str(value), head)


def rows_xml(columns: Sequence[ColumnXml], rows: Sequence[Sequence[Any]], first_row: int) -> str:
    """``rows`` (sequences of values) as ``<row>`` elements from 0-based ``first_row``."""
    numbers = [str(n) for n in range(first_row + 1, first_row + 1 + len(rows))]
    by_column = [column.cells(values, numbers) for column, values in zip(columns, zip(*rows))]
    out = []
    for number, cells in zip(numbers, zip(*by_column)):
        body = "".join(cells)
        if body:  # xlsxwriter writes no element for a row without cells
            out.append(f'<row r="{number}">{body}</row>')
    return "".join(out)
