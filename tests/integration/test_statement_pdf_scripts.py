"""The statement PDF in Hindi: Devanagari set in Noto Sans Devanagari and shaped.

What pypdf reads back from shaped Devanagari is not the text as typed. reportlab writes
each glyph with the one character its ToUnicode map gives it, and the glyphs HarfBuzz
substitutes (conjuncts such as क्ष, the reph, the vowel sign ि in its form before the
consonant) have no character of their own: reportlab gives them private-use code points
(U+E000 on). So "क्षत्रिय" comes back as private-use characters and "य", while words
without such glyphs ("मोहन", "खाता", "पेज") come back as typed. The tests read those
words back, and for the rest look at the fonts themselves:

* the Devanagari font is embedded, and no glyph is .notdef (the box a font draws for a
  character it lacks): reportlab writes a character missing from the font as code 0,
  which its ToUnicode map reads as U+0000, so a box reads back as "\\x00" (as every
  Devanagari letter did when the statement was set in DejaVu Sans alone);
* the Devanagari font has private-use entries, the glyphs only shaping puts there: text
  set unshaped uses the font's own characters only.
"""

import io
import re

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from crm.extensions import db
from crm.models import Customer
from crm.security.tenancy import tenant_scope
from crm.services.statements import pdf as statement_pdf
from crm.services.statements.pdf import render_pdf
from crm.services.statements.statement import build_statement
from tests import factories

NAME = "मोहन क्षत्रिय ट्रेडर्स"
DEVANAGARI = re.compile("[\u0900-\u097f\ua8e0-\ua8ff]")
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def statement_pdf_in(app, tenant, customer_id, language):
    """The statement for the first quarter of 2026 as a reader of ``language`` gets it
    (the app's ``?_l_=`` picks the locale for the request)."""
    with app.test_request_context(f"/?_l_={language}"), tenant_scope(tenant.id):
        customer = db.session.get(Customer, customer_id)
        pdf = render_pdf(build_statement(db.session, customer, "2026-01-01", "2026-03-31"))
        db.session.remove()
    return pdf


def fonts_of(page):
    """{base font name without the subset tag: the characters its ToUnicode map gives}."""
    fonts = {}
    for ref in page["/Resources"]["/Font"].values():
        font = ref.get_object()
        name = str(font["/BaseFont"]).lstrip("/").split("+")[-1]
        chars = set()
        if "/ToUnicode" in font:
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            chars = {
                chr(int(code, 16)) for code in re.findall(r"<[0-9A-F]+> <([0-9A-F]{4})>", cmap)
            }
        fonts.setdefault(name, set()).update(chars - {"\0"})
    return fonts


@pytest.fixture
def mohan(app, acme):
    pk = factories.customer(app, acme, NAME, email="mohan@traders.example", currency="EUR")
    factories.address(app, acme, pk, city="नई दिल्ली", postal_code="110001", country="IN")
    factories.saved_invoice(
        app, acme, pk, "250.00", number="INV-000001", issue_date="2026-01-15", due_date="2026-02-14"
    )
    return pk


def test_shaping_is_available():
    statement_pdf._fonts()
    assert pdfmetrics.getFont(statement_pdf.DEVANAGARI_FONT).shapable, (
        "reportlab cannot shape: pip install uharfbuzz (requirements.txt)"
    )


def test_a_hindi_statement_sets_devanagari_in_the_devanagari_font_shaped(app, acme, mohan):
    [page] = PdfReader(io.BytesIO(statement_pdf_in(app, acme, mohan, "hi"))).pages
    fonts = fonts_of(page)
    # Headings and the customer's name are bold, the rest regular: both faces are in.
    assert {"NotoSansDevanagari-Regular", "NotoSansDevanagari-Bold"} <= set(fonts)
    raw = page.extract_text()
    assert "\x00" not in raw, "boxes (.notdef) in the PDF"
    for name in ("DejaVuSans", "DejaVuSans-Bold"):
        assert not {c for c in fonts[name] if DEVANAGARI.match(c)}
    for name in ("NotoSansDevanagari-Regular", "NotoSansDevanagari-Bold"):
        assert {c for c in fonts[name] if DEVANAGARI.match(c)}
        assert {c for c in fonts[name] if PRIVATE_USE.match(c)}, f"{name} not shaped"
    text = " ".join(raw.split())
    assert "Acme Trading" in text and "INV-000001" in text and "€250.00" in text
    assert "खाता" in text  # "Statement of account": खाता विवरण
    assert "मोहन" in text  # the customer's name, in the header and the footer
    assert text.count("मोहन") == 2
    assert "इनवॉइस" in text and "पेज 1 / 1" in text  # a table cell; the page footer


def test_an_english_statement_embeds_no_devanagari_font(app, acme, mohan):
    """Only a statement with Devanagari in it carries the Devanagari font; Latin text
    stays in DejaVu Sans, unshaped, as it always was."""
    pk = factories.customer_with_ledger(app, acme, series="A")
    [page] = PdfReader(io.BytesIO(statement_pdf_in(app, acme, pk, "en"))).pages
    assert set(fonts_of(page)) == {"DejaVuSans", "DejaVuSans-Bold", "Helvetica"}
    text = " ".join(page.extract_text().split())
    assert "Statement of account" in text and "Nordlicht GmbH" in text

    # The Hindi customer in English: the name alone is in the Devanagari font.
    [page] = PdfReader(io.BytesIO(statement_pdf_in(app, acme, mohan, "en"))).pages
    fonts = fonts_of(page)
    assert "NotoSansDevanagari-Bold" in fonts and "NotoSansDevanagari-Regular" in fonts
    assert "Statement of account" in " ".join(page.extract_text().split())


def test_a_long_devanagari_description_is_cut_to_the_column_as_shaped():
    """The cut is measured in the font and shaping it is set in, and never leaves a
    virama (्) hanging, which would join the next letter that is not there."""
    statement_pdf._fonts()
    width = statement_pdf.COLUMN_WIDTHS[3] - 8
    long = "माल की डिलीवरी क्षेत्रीय गोदाम से " * 4
    cut = statement_pdf._fit(long)
    assert cut.endswith("…") and len(cut) < len(long)
    size = statement_pdf.FONT_SIZE
    assert statement_pdf._text_width(cut, statement_pdf.FONT, size) <= width
    assert not cut[:-1].endswith("\u094d")
    assert statement_pdf._fit("देय 14 फ़र॰ 2026") == "देय 14 फ़र॰ 2026"
