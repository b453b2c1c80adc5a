"""The statement of account as a PDF (reportlab platypus).

The transactions are one table that breaks across pages with its header row repeated;
every page has a footer "Page N of M". Text is set in DejaVu Sans (shipped in
crm/data/fonts, embedded as a subset), so any name or address prints as typed.

DejaVu Sans has no Devanagari, and Devanagari needs shaping (conjuncts, vowel signs
placed before or above their consonant). So every word with a Devanagari letter in it
(a Hindi heading, a customer's name) is set in Noto Sans Devanagari (the same weight),
shaped by HarfBuzz (reportlab's shaping, through uharfbuzz); the other words stay in
DejaVu Sans. A paragraph, table cell or footer without Devanagari takes exactly the
path it always took (unshaped, no flowable per cell), so Latin statements are as fast
as before. Font choice is per word (a run of non-blank characters), not per character:
reportlab shapes a word with the font of its first character, so a word must not mix
two. Noto Sans Devanagari also has Latin, digits, punctuation, € and ₹, so "(देय" or
"₹1,200" in such a word print well; a letter it lacks (Cyrillic glued to Devanagari
with no blank between) would print as a box.

Text copied out of the PDF: glyphs HarfBuzz substitutes (conjuncts, the reph, vowel
signs in their contextual forms) have no character of their own, and reportlab maps
them to private-use code points, so such words do not copy or search as typed. What
prints is right; see tests/integration/test_statement_pdf_scripts.py.
"""

import datetime as dt
import functools
import io
import os
import re
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from flask_babel import gettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr, TTFont, shapeStr
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    Flowable,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from crm.services.statements import text
from crm.services.statements.statement import Statement, StatementLine

FONT_DIR = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "data", "fonts"
)
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
DEVANAGARI_FONT, DEVANAGARI_FONT_BOLD = "NotoSansDevanagari", "NotoSansDevanagari-Bold"
_DEVANAGARI_FOR = {FONT: DEVANAGARI_FONT, FONT_BOLD: DEVANAGARI_FONT_BOLD}
# Devanagari and Devanagari Extended.
_DEVANAGARI = "\u0900-\u097f\ua8e0-\ua8ff"
_HAS_DEVANAGARI = re.compile(f"[{_DEVANAGARI}]").search
# Runs of words with Devanagari in them (with the blanks between them, not line breaks).
_WORD = rf"\S*[{_DEVANAGARI}]\S*"
_DEVANAGARI_WORDS = re.compile(rf"{_WORD}(?:[ \t]+{_WORD})*")
MARGIN = 15 * mm
# Date, type, number, description, debit, credit, balance (points; 180 mm in all).
COLUMN_WIDTHS = [58, 52, 66, 147, 66, 66, 55]
FONT_SIZE = 7.5
ROW_HEIGHT = 12
HEADER_FILL = colors.HexColor("#2c3e50")
BAND_FILL = colors.HexColor("#f4f6f7")

_styles: dict[str, ParagraphStyle] = {}


def _fonts() -> dict[str, ParagraphStyle]:
    """Register the fonts once per process (parsing the TTF files is the slow part)."""
    if not _styles:
        pdfmetrics.registerFont(TTFont(FONT, os.path.join(FONT_DIR, "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, os.path.join(FONT_DIR, "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)
        for name, filename in (
            (DEVANAGARI_FONT, "NotoSansDevanagari-Regular.ttf"),
            (DEVANAGARI_FONT_BOLD, "NotoSansDevanagari-Bold.ttf"),
        ):
            pdfmetrics.registerFont(TTFont(name, os.path.join(FONT_DIR, filename), shapable=True))
        pdfmetrics.registerFontFamily(
            DEVANAGARI_FONT, normal=DEVANAGARI_FONT, bold=DEVANAGARI_FONT_BOLD
        )
        styles = dict(
            title=ParagraphStyle("title", fontName=FONT_BOLD, fontSize=16, leading=20),
            heading=ParagraphStyle(
                "heading", fontName=FONT_BOLD, fontSize=10, leading=13, spaceBefore=8, spaceAfter=4
            ),
            body=ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12),
        )
        # The same with shaping on, for paragraphs with Devanagari words (shaping is
        # per paragraph in reportlab, and costs time: Latin-only ones go without).
        for key, style in list(styles.items()):
            styles[key + "-shaped"] = ParagraphStyle(
                style.name + "-shaped", parent=style, shaping=1
            )
        _styles.update(styles)
    return _styles


def _runs(value: str) -> list[tuple[bool, str]]:
    """``value`` as [(devanagari, piece)]: runs of words with Devanagari letters in them,
    and the rest between them."""
    runs: list[tuple[bool, str]] = []
    start = 0
    for match in _DEVANAGARI_WORDS.finditer(value):
        if match.start() > start:
            runs.append((False, value[start : match.start()]))
        runs.append((True, match.group()))
        start = match.end()
    if start < len(value):
        runs.append((False, value[start:]))
    return runs


def _markup(value: str | None, font: str = FONT) -> str:
    """``value`` as paragraph markup (escaped, line breaks kept), its Devanagari words in
    the Devanagari font of the weight of ``font`` (the text's font around it: a
    ``<font name>`` tag names one face, it does not take the weight from ``<b>``)."""
    value = value or ""
    if not _HAS_DEVANAGARI(value):
        return escape(value).replace("\n", "<br/>")
    return "".join(
        f'<font name="{_DEVANAGARI_FOR[font]}">{escape(piece)}</font>'
        if devanagari
        else escape(piece).replace("\n", "<br/>")
        for devanagari, piece in _runs(value)
    )


def _shaped(piece: str, font: str, size: float) -> tuple[str, float]:
    """``piece`` shaped in ``font``, and its width in points (unshaped, should uharfbuzz
    be missing: legible glyphs in the wrong forms rather than no PDF at all)."""
    if not pdfmetrics.getFont(font).shapable:
        return piece, pdfmetrics.stringWidth(piece, font, size)
    shaped = shapeStr(piece, font, size)
    if isinstance(shaped, ShapedStr):
        # __shapeData__ is set by shapeStr and missing from reportlab's stubs.
        data = shaped.__shapeData__  # type: ignore[attr-defined]
        return shaped, sum(d.x_advance for d in data) * size / 1000
    return shaped, pdfmetrics.stringWidth(piece, font, size)


@functools.lru_cache(maxsize=4096)
def _line(value: str, font: str, size: float) -> tuple[tuple[str, str, float], ...]:
    """One line of text as ((font, text, width), ...): Devanagari words shaped in the
    Devanagari font of the same weight, the rest in ``font``.

    Remembered: a statement repeats its days, kinds and labels on every row, and shaping
    is the slow part. A shaped string holds no per-document state (the font's subsets
    for a document are made when it is drawn), so sharing them across PDFs is safe.
    """
    parts: list[tuple[str, str, float]] = []
    for devanagari, piece in _runs(value):
        if devanagari:
            parts.append((_DEVANAGARI_FOR[font], *_shaped(piece, _DEVANAGARI_FOR[font], size)))
        else:
            parts.append((font, piece, pdfmetrics.stringWidth(piece, font, size)))
    return tuple(parts)


def _text_width(value: str, font: str, size: float) -> float:
    if not _HAS_DEVANAGARI(value):
        return pdfmetrics.stringWidth(value, font, size)
    return sum(width for _, _, width in _line(value, font, size))


def _draw_line(
    canv: canvas.Canvas, x: float, y: float, parts: tuple[tuple[str, str, float], ...], size: float
) -> None:
    """Draw ``_line`` parts from ``x`` on the baseline ``y``."""
    text = canv.beginText(x, y)
    for font, piece, width in parts:
        text.setFont(font, size)
        text.setTextOrigin(x, y)
        text.textOut(piece)
        x += width
    canv.drawText(text)


class _Line(Flowable):
    """A table cell's one line of text with Devanagari words in it (see ``_line``).

    A table draws plain strings with a single font, unshaped; this takes the string's
    place. Its colour is the cell's (the table sets it before drawing the cell); it
    sits on the baseline a string would, so it lines up with its neighbours.
    """

    def __init__(self, value: str, font: str, size: float) -> None:
        super().__init__()
        self.parts, self.size = _line(value, font, size), size
        self.width = sum(width for _, _, width in self.parts)
        self.height = size * 1.2  # the leading a table gives a cell's font size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        _draw_line(self.canv, 0, self.height - self.size, self.parts, self.size)


def _cells(rows: list[list[Any]], size: float, bold: Callable[[int, int], bool]) -> list[list[Any]]:
    """``rows`` with each string that has Devanagari in it as a ``_Line``; ``bold(r, c)``
    tells the cell's weight (as the table's style sets it)."""
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str) and _HAS_DEVANAGARI(value):
                row[c] = _Line(value, FONT_BOLD if bold(r, c) else FONT, size)
    return rows


def _numbered_canvas(footer_left: str) -> type[canvas.Canvas]:
    """A canvas that writes "Page N of M" once it knows M (pages are kept until save)."""

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # not in reportlab's stubs

        def save(self) -> None:
            total = len(self._pages)
            left = _line(footer_left, FONT, 7.5) if _HAS_DEVANAGARI(footer_left) else None
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont(FONT, 7.5)
                self.setFillColor(colors.grey)
                page = gettext("Page %(page)s of %(pages)s", page=number, pages=total)
                if left is None:
                    self.drawString(MARGIN, 10 * mm, footer_left)
                else:
                    _draw_line(self, MARGIN, 10 * mm, left, 7.5)
                if not _HAS_DEVANAGARI(page):
                    self.drawRightString(A4[0] - MARGIN, 10 * mm, page)
                else:
                    parts = _line(page, FONT, 7.5)
                    _draw_line(
                        self,
                        A4[0] - MARGIN - sum(width for _, _, width in parts),
                        10 * mm,
                        parts,
                        7.5,
                    )
                super().showPage()
            super().save()

    return NumberedCanvas


def _paragraph(value: str, styles: dict[str, ParagraphStyle], key: str) -> Paragraph:
    return _styled(_markup(value, styles[key].fontName), styles, key)


def _styled(markup: str, styles: dict[str, ParagraphStyle], key: str) -> Paragraph:
    """A paragraph of ``markup``, shaped where it has Devanagari in it."""
    return Paragraph(markup, styles[key + "-shaped" if _HAS_DEVANAGARI(markup) else key])


def _header(statement: Statement, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    money = text.Formats(statement.currency).money
    customer = [
        f"<b>{_markup(statement.customer_name, FONT_BOLD)}</b>",
        _markup(gettext("Customer code: %(code)s", code=statement.customer_code)),
    ]
    if statement.billing_address:
        customer.append(_markup(statement.billing_address))
    if statement.tax_number:
        customer.append(_markup(gettext("Tax number: %(number)s", number=statement.tax_number)))
    summary = [
        [gettext("Period"), text.period(statement)],
        [gettext("Currency"), statement.currency],
        [gettext("Opening balance"), money(statement.opening_balance)],
        [gettext("Invoiced"), money(statement.total_debit)],
        [gettext("Paid and credited"), money(statement.total_credit)],
        [gettext("Closing balance"), money(statement.closing_balance)],
    ]
    summary = _cells(summary, 9, lambda r, c: r == len(summary) - 1)
    summary_table = Table(
        summary,
        colWidths=[80, 110],
        style=TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 9),
                ("FONT", (0, -1), (-1, -1), FONT_BOLD, 9),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
            ]
        ),
    )
    block = Table(
        [[_styled("<br/>".join(customer), styles, "body"), summary_table]],
        colWidths=[320, 190],
        style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0)]),
    )
    return [
        _paragraph(statement.tenant_name, styles, "title"),
        _paragraph(gettext("Statement of account"), styles, "heading"),
        block,
        Spacer(1, 6 * mm),
    ]


def _fit(value: str, width: float = COLUMN_WIDTHS[3] - 8) -> str:
    """``value`` cut (with "…") to fit the description column."""
    if _HAS_DEVANAGARI(value):
        return _fit_shaped(value, width)
    if pdfmetrics.stringWidth(value, FONT, FONT_SIZE) <= width:
        return value
    while value and pdfmetrics.stringWidth(value + "…", FONT, FONT_SIZE) > width:
        value = value[:-1]
    return value.rstrip() + "…"


def _fit_shaped(value: str, width: float) -> str:
    """``_fit`` for text with Devanagari: measured as shaped, the cut found by halving
    (each measure shapes), and never leaving a dangling virama or joiner at the cut."""
    if _text_width(value, FONT, FONT_SIZE) <= width:
        return value
    low, high = 0, len(value)  # the longest prefix that fits is in [low, high)
    while high - low > 1:
        middle = (low + high) // 2
        if _text_width(value[:middle].rstrip() + "…", FONT, FONT_SIZE) <= width:
            low = middle
        else:
            high = middle
    return value[:low].rstrip().rstrip("\u094d\u200c\u200d") + "…"


def _description(line: StatementLine, day: Callable[[dt.date], str]) -> str:
    """The reference or reason, cut to fit; an invoice's due date is always shown."""
    if line.kind == "invoice" and line.due_date:
        due: str = gettext("due %(day)s", day=day(line.due_date))
        if not line.description:
            return due
        room = COLUMN_WIDTHS[3] - 8 - _text_width(f" ({due})", FONT, FONT_SIZE)
        return f"{_fit(line.description, room)} ({due})"
    return _fit(line.description)


def _transactions(statement: Statement) -> LongTable:
    formats = text.Formats(statement.currency)
    money, day = formats.money, formats.day
    kinds = {kind: text.kind_label(kind) for kind in ("invoice", "payment", "credit_note")}
    rows = [[heading for _, heading in text.transaction_columns()]]
    rows.append(
        [
            day(statement.date_from),
            "",
            "",
            gettext("Opening balance"),
            "",
            "",
            money(statement.opening_balance),
        ]
    )
    for line in statement.lines:
        rows.append(
            [
                day(line.date),
                kinds[line.kind],
                line.number,
                _description(line, day),
                money(line.debit) if line.debit else "",
                money(line.credit) if line.credit else "",
                money(line.balance),
            ]
        )
    rows.append(
        [
            day(statement.date_to),
            "",
            "",
            gettext("Closing balance"),
            money(statement.total_debit),
            money(statement.total_credit),
            money(statement.closing_balance),
        ]
    )
    last = len(rows) - 1
    rows = _cells(rows, FONT_SIZE, lambda r, c: r in (0, 1, last))
    # Every row is one line of text: fixed heights spare measuring 400 rows per page break.
    table = LongTable(
        rows, colWidths=COLUMN_WIDTHS, rowHeights=[ROW_HEIGHT] * len(rows), repeatRows=1
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, FONT_SIZE),
                ("FONT", (0, 0), (-1, 0), FONT_BOLD, FONT_SIZE),
                ("FONT", (0, -1), (-1, -1), FONT_BOLD, FONT_SIZE),
                ("FONT", (0, 1), (-1, 1), FONT_BOLD, FONT_SIZE),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, BAND_FILL]),
                ("ALIGN", (4, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, HEADER_FILL),
                ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _aging(statement: Statement, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    money = text.Formats(statement.currency).money
    rows = text.aging_rows(statement)
    cells = _cells(
        [[label for label, _ in rows], [money(amount) for _, amount in rows]],
        8,
        lambda r, c: r == 0 or c == len(rows) - 1,
    )
    table = Table(cells, colWidths=[510 / len(rows)] * len(rows))
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 8),
                ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8),
                ("FONT", (-1, 1), (-1, 1), FONT_BOLD, 8),
                ("ALIGN", (0, 0), (-1, -1), "RIGHT"),
                ("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
            ]
        )
    )
    parts = [
        Spacer(1, 6 * mm),
        _paragraph(
            gettext("Aging as of %(day)s", day=text.day(statement.date_to)), styles, "heading"
        ),
        table,
    ]
    if statement.unallocated_credit:
        parts.append(Spacer(1, 2 * mm))
        parts.append(
            _paragraph(
                gettext(
                    "Unallocated credit: %(amount)s", amount=money(statement.unallocated_credit)
                ),
                styles,
                "body",
            )
        )
    return parts


def render_pdf(statement: Statement) -> bytes:
    """The statement as PDF bytes."""
    styles = _fonts()
    out = io.BytesIO()
    title = gettext("Statement of account %(customer)s", customer=statement.customer_name)
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 5 * mm,
        title=title,
        author=statement.tenant_name,
    )
    story = _header(statement, styles) + [_transactions(statement)] + _aging(statement, styles)
    footer = f"{statement.tenant_name} · {statement.customer_name} · {text.period(statement)}"
    doc.build(story, canvasmaker=_numbered_canvas(footer))
    return out.getvalue()
