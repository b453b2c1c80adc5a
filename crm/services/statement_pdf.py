"""The statement of account as a PDF (reportlab platypus).

The transactions are one table that breaks across pages with its header row repeated;
every page has a footer "Page N of M". Text is set in DejaVu Sans (shipped in
crm/data/fonts, embedded as a subset), so any name or address prints as typed.
"""
import io
import os

from flask_babel import gettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from xml.sax.saxutils import escape

from crm.services import statement_text as text

FONT_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "fonts")
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
MARGIN = 15 * mm
# Date, type, number, description, debit, credit, balance (points; 180 mm in all).
COLUMN_WIDTHS = [58, 52, 66, 147, 66, 66, 55]
FONT_SIZE = 7.5
ROW_HEIGHT = 12
HEADER_FILL = colors.HexColor("#2c3e50")
BAND_FILL = colors.HexColor("#f4f6f7")

_styles = {}


def _fonts():
    """Register the fonts once per process (parsing the TTF files is the slow part)."""
    if not _styles:
        pdfmetrics.registerFont(TTFont(FONT, os.path.join(FONT_DIR, "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, os.path.join(FONT_DIR, "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)
        _styles.update(
            title=ParagraphStyle("title", fontName=FONT_BOLD, fontSize=16, leading=20),
            heading=ParagraphStyle("heading", fontName=FONT_BOLD, fontSize=10, leading=13,
                                   spaceBefore=8, spaceAfter=4),
            body=ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12),
        )
    return _styles


def _numbered_canvas(footer_left):
    """A canvas that writes "Page N of M" once it knows M (pages are kept until save)."""

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont(FONT, 7.5)
                self.setFillColor(colors.grey)
                self.drawString(MARGIN, 10 * mm, footer_left)
                self.drawRightString(A4[0] - MARGIN, 10 * mm, gettext(
                    "Page %(page)s of %(pages)s", page=number, pages=total))
                super().showPage()
            super().save()

    return NumberedCanvas


def _paragraph(value, style):
    return Paragraph(escape(value or "").replace("\n", "<br/>"), style)


def _header(statement, styles):
    money = text.Formats(statement.currency).money
    customer = [f"<b>{escape(statement.customer_name)}</b>",
                escape(gettext("Customer code: %(code)s", code=statement.customer_code))]
    if statement.billing_address:
        customer.append(escape(statement.billing_address).replace("\n", "<br/>"))
    if statement.tax_number:
        customer.append(escape(gettext("Tax number: %(number)s", number=statement.tax_number)))
    summary = [
        [gettext("Period"), text.period(statement)],
        [gettext("Currency"), statement.currency],
        [gettext("Opening balance"), money(statement.opening_balance)],
        [gettext("Invoiced"), money(statement.total_debit)],
        [gettext("Paid and credited"), money(statement.total_credit)],
        [gettext("Closing balance"), money(statement.closing_balance)],
    ]
    summary_table = Table(summary, colWidths=[80, 110], style=TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 9),
        ("FONT", (0, -1), (-1, -1), FONT_BOLD, 9),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
    ]))
    block = Table([[Paragraph("<br/>".join(customer), styles["body"]), summary_table]],
                  colWidths=[320, 190], style=TableStyle([
                      ("VALIGN", (0, 0), (-1, -1), "TOP"),
                      ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    return [
        _paragraph(statement.tenant_name, styles["title"]),
        _paragraph(gettext("Statement of account"), styles["heading"]),
        block,
        Spacer(1, 6 * mm),
    ]


def _fit(value, width=COLUMN_WIDTHS[3] - 8):
    """``value`` cut (with "…") to fit the description column."""
    if pdfmetrics.stringWidth(value, FONT, FONT_SIZE) <= width:
        return value
    while value and pdfmetrics.stringWidth(value + "…", FONT, FONT_SIZE) > width:
        value = value[:-1]
    return value.rstrip() + "…"


def _description(line, day):
    """The reference or reason, cut to fit; an invoice's due date is always shown."""
    if line.kind == "invoice" and line.due_date:
        due = gettext("due %(day)s", day=day(line.due_date))
        if not line.description:
            return due
        room = COLUMN_WIDTHS[3] - 8 - pdfmetrics.stringWidth(f" ({due})", FONT, FONT_SIZE)
        return f"{_fit(line.description, room)} ({due})"
    return _fit(line.description)


def _transactions(statement):
    formats = text.Formats(statement.currency)
    money, day = formats.money, formats.day
    kinds = {kind: text.kind_label(kind) for kind in ("invoice", "payment", "credit_note")}
    rows = [[gettext("Date"), gettext("Type"), gettext("Number"), gettext("Description"),
             gettext("Debit"), gettext("Credit"), gettext("Balance")]]
    rows.append([day(statement.date_from), "", "", gettext("Opening balance"), "", "",
                 money(statement.opening_balance)])
    for line in statement.lines:
        rows.append([
            day(line.date), kinds[line.kind], line.number,
            _description(line, day),
            money(line.debit) if line.debit else "", money(line.credit) if line.credit else "",
            money(line.balance),
        ])
    rows.append([day(statement.date_to), "", "", gettext("Closing balance"),
                 money(statement.total_debit), money(statement.total_credit),
                 money(statement.closing_balance)])
    # Every row is one line of text: fixed heights spare measuring 400 rows per page break.
    table = LongTable(rows, colWidths=COLUMN_WIDTHS, rowHeights=[ROW_HEIGHT] * len(rows),
                      repeatRows=1)
    table.setStyle(TableStyle([
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
    ]))
    return table


def _aging(statement, styles):
    money = text.Formats(statement.currency).money
    rows = text.aging_rows(statement)
    table = Table([[label for label, _ in rows], [money(amount) for _, amount in rows]],
                  colWidths=[510 / len(rows)] * len(rows))
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 8),
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8),
        ("FONT", (-1, 1), (-1, 1), FONT_BOLD, 8),
        ("ALIGN", (0, 0), (-1, -1), "RIGHT"),
        ("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
    ]))
    parts = [Spacer(1, 6 * mm),
             _paragraph(gettext("Aging as of %(day)s", day=text.day(statement.date_to)),
                        styles["heading"]),
             table]
    if statement.unallocated_credit:
        parts.append(Spacer(1, 2 * mm))
        parts.append(_paragraph(gettext("Unallocated credit: %(amount)s",
                                        amount=money(statement.unallocated_credit)),
                                styles["body"]))
    return parts


def render_pdf(statement):
    """The statement as PDF bytes."""
    styles = _fonts()
    out = io.BytesIO()
    title = gettext("Statement of account %(customer)s", customer=statement.customer_name)
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN, bottomMargin=MARGIN + 5 * mm, title=title,
                            author=statement.tenant_name)
    story = _header(statement, styles) + [_transactions(statement)] + _aging(statement, styles)
    footer = f"{statement.tenant_name} · {statement.customer_name} · {text.period(statement)}"
    doc.build(story, canvasmaker=_numbered_canvas(footer))
    return out.getvalue()
