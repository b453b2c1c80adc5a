"""The export's sheet rows written as XML a column at a time are the cells xlsxwriter itself
writes for the same values, byte for byte (and the file opens with the same values)."""

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import xlsxwriter
from python_calamine import CalamineWorkbook

from crm.services.bulk.export_writers import open_writer

HEADERS = ["Text", "Money", "Number", "Date", "When", "Flag", "Any"]
KINDS = ["text", "money", "number", "date", "datetime", "bool", None]
TEXTS = [
    "Acme & Sons <Ltd>",
    " leading",
    "trailing ",
    "tab\tinside",
    "new\nline",
    "bell\x07char",
    "_x0041_ literal",
    "=SUM(A1:A2)",
    'quote "mark"',
    "Ünïcödé 日本 हिन्दी",
    "",
    None,
    "x" * 40000,
    "plain",
]
ANYS = [
    Decimal("12.50"),
    Decimal("1.5"),
    3,
    2.25,
    True,
    False,
    dt.date(1900, 2, 28),
    dt.datetime(2031, 7, 8, 9, 10, 11),
    "text & more",
    None,
    "",
    Decimal("-0.01"),
    dt.date(2024, 2, 29),
    "  ",
]


def rows():
    out = []
    for i, text in enumerate(TEXTS):
        out.append(
            [
                text,
                Decimal(f"{i * 1234}.{i:02d}") if i % 3 else None,
                (i * 7 - 20) if i % 4 else None,
                dt.date(2020 + i, 1 + i % 12, 1 + i) if i % 2 else None,
                dt.datetime(2025, 3, 4, i, i * 2, i * 3) if i % 5 else None,
                bool(i % 2) if i % 3 else None,
                ANYS[i],
            ]
        )
    out.append([None] * len(HEADERS))  # a row with no cells at all
    out.append(
        [
            "last",
            Decimal("0.00"),
            0,
            dt.date(1999, 12, 31),
            dt.datetime(1900, 1, 1),
            False,
            Decimal("1E+3"),
        ]
    )
    return out


def stock(data):
    """The same rows through xlsxwriter's own cell writers."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "remove_timezone": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    bold = book.add_format({"bold": True})
    formats = {
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        "money": book.add_format({"num_format": "#,##0.00"}),
    }
    sheet = book.add_worksheet("Sheet")
    for c, header in enumerate(HEADERS):
        sheet.write_string(0, c, header, bold)
    for r, row in enumerate(data, start=1):
        for c, (kind, value) in enumerate(zip(KINDS, row)):
            if value is None or value == "":
                continue
            if kind is None:
                kind = {
                    str: "text",
                    bool: "bool",
                    int: "number",
                    float: "number",
                    dt.datetime: "datetime",
                    dt.date: "date",
                }.get(type(value))
                if isinstance(value, Decimal):
                    kind = "money" if value.as_tuple().exponent == -2 else "number"
            if kind == "text":
                sheet.write_string(r, c, value)
            elif kind in ("money", "number"):
                sheet.write_number(r, c, value, formats.get(kind))
            elif kind in ("date", "datetime"):
                sheet.write_datetime(r, c, value, formats[kind])
            else:
                sheet.write_boolean(r, c, value)
    book.close()
    return out.getvalue()


def exported(data):
    out = io.BytesIO()
    writer = open_writer("xlsx", out, HEADERS, "Sheet", KINDS)
    writer.write_rows(data[:5])
    writer.write_rows([])
    writer.write_rows(data[5:])
    writer.close()
    return out.getvalue()


def sheet_data(content):
    """The sheet's rows, each cell's style index replaced by what the style is (which
    index a style gets depends only on the order styles were first used)."""
    book = zipfile.ZipFile(io.BytesIO(content))
    styles = book.read("xl/styles.xml").decode()
    codes = dict(re.findall(r'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"', styles))
    xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S).group(1)
    described = [
        f"{codes.get(fmt, fmt)}/font{font}"
        for fmt, font in re.findall(r'<xf numFmtId="(\d+)" fontId="(\d+)"', xfs)
    ]
    xml = book.read("xl/worksheets/sheet1.xml").decode()
    rows = re.search(r"<sheetData>.*</sheetData>", xml, re.S).group(0)
    return re.sub(r' s="(\d+)"', lambda m: f' s="{described[int(m.group(1))]}"', rows)


def test_rows_are_the_cells_xlsxwriter_writes():
    data = rows()
    assert sheet_data(exported(data)) == sheet_data(stock(data))


def test_the_file_reads_back_with_every_value():
    data = rows()
    content = exported(data)
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))  # the import's reader
    read = book.get_sheet_by_index(0).to_python(skip_empty_area=False)[1:]
    read = [[None if v == "" else v for v in row] for row in read]
    assert read[0][0] == "Acme & Sons <Ltd>" and read[1][0] == " leading"
    assert read[5][0] == "bell\x07char" and read[6][0] == "_x0041_ literal"
    assert read[7][0] == "=SUM(A1:A2)"  # text, never a formula
    assert len(read[12][0]) == 32767  # Excel's longest cell
    assert read[1][1] == 1234.01 and read[2][6] == 3
    assert (
        read[0][6] == 12.5
        and read[4][6] is True
        and read[7][6] == dt.datetime(2031, 7, 8, 9, 10, 11)
    )
    assert read[14] == [None] * len(HEADERS)
    assert read[-1][:4] == ["last", 0, 0, dt.date(1999, 12, 31)]
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:G{len(data) + 1}"
