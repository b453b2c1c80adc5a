"""Every shipped language, page by page: an Admin who picked the language reads the customer
list, a customer, the deal board, the dashboard and a statement of account (on screen, PDF
and Excel) with the headings the catalogue translates and the figures written as the
locale writes them.

The expected words are the catalogue's own (translations/<code>/LC_MESSAGES/messages.po,
read at test time), so each check reads "the page shows the catalogue's translation of X";
the expected figures are Babel's for that locale. A heading the catalogue does not
translate yet fails naming the msgid and the language.
"""

import datetime as dt
import functools
import html
import io
import json
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from babel import Locale
from babel.dates import format_date
from babel.messages.pofile import read_po
from babel.numbers import format_currency, get_currency_symbol
from pypdf import PdfReader

from config import Config
from tests import factories
from tests.integration.test_deal_board import header
from tests.integration.test_language import spoken

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
SHIPPED = [code for code in Config.LANGUAGES if code != Config.BABEL_DEFAULT_LOCALE]
# Hindi readers are billed in rupees: ₹1,22,456.78 shows the Indian grouping.
CURRENCY = {"de": "EUR", "fr": "EUR", "es": "EUR", "hi": "INR"}

NAME = "Lokalhandel GmbH"
INVOICED = Decimal("123456.78")
PAID = Decimal("1000.00")
BALANCE = INVOICED - PAID  # 122456.78
CREDIT_LIMIT = Decimal("200000.00")
OPEN_DEAL = Decimal("234567.89")
WON_DEAL = Decimal("98765.43")
CLOSE_DATE = dt.date(2026, 5, 1)
PERIOD_QUERY = "from=2026-01-01&to=2026-03-31"

LIST_COLUMNS = (
    "Name",
    "Code",
    "Phone",
    "Email",
    "City",
    "Country",
    "Balance",
    "Total order value",
    "Last order",
    "Health",
)
STATEMENT_COLUMNS = ("Date", "Type", "Number", "Description", "Debit", "Credit", "Balance")


# --- the catalogue and the locale ---------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _catalogue(language):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=language)


def catalogue(language, msgid, **values):
    """The catalogue's translation of ``msgid``, with ``values`` put in."""
    message = _catalogue(language).get(msgid)
    if message is None:
        pytest.fail(f"{msgid!r} is not in translations/{language}: run `make translations`")
    if not message.string or message.fuzzy:
        pytest.fail(f"translations/{language} does not translate {msgid!r} yet")
    return message.string % values if values else message.string


def written(amount, language, currency=None):
    """``amount`` as the locale writes it (``123.456,78 €``, ``₹1,23,456.78``)."""
    return format_currency(amount, currency or CURRENCY[language], locale=language)


def in_english(amount, language):
    return format_currency(amount, CURRENCY[language], locale="en")


def translated_not_english(shown, language, msgids):
    """Each msgid shows as the catalogue's translation among ``shown`` (exact texts), and,
    where the translation differs from the English, the English is nowhere among them."""
    for msgid in msgids:
        translation = catalogue(language, msgid)
        assert translation in shown, f"{language}: {translation!r} ({msgid!r}) not shown"
        if translation != msgid:
            assert msgid not in shown, f"{language}: {msgid!r} shows in English"


# --- reading pages ---------------------------------------------------------------------

_BLANKS = re.compile(r"[ \t\r\n\f]+")


def squeezed(text):
    """Runs of blanks and line breaks as one space; no-break spaces (which money has,
    ``123.456,78\xa0€``) stay."""
    return _BLANKS.sub(" ", text).strip()


class _Texts(HTMLParser):
    """Every text node outside scripts and styles, blanks squeezed, entities decoded."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        text = squeezed(data)
        if text and not self._skip:
            self.texts.append(text)


def texts(fragment):
    parser = _Texts()
    parser.feed(fragment)
    return parser.texts


def text_of(fragment):
    return squeezed(html.unescape(re.sub(r"<[^>]+>", " ", fragment)))


def elements(page, tag, css_class=None):
    """The text of each ``<tag>`` (of ``css_class``); for tags that do not nest."""
    attrs = rf'[^>]*class="[^"]*\b{re.escape(css_class)}\b[^"]*"[^>]*' if css_class else r"[^>]*"
    return [text_of(inner) for inner in re.findall(rf"<{tag}\b{attrs}>(.*?)</{tag}>", page, re.S)]


def section(page, element_id, until):
    """The markup from the element with ``element_id`` to the first ``until`` after it."""
    start = page.index(f'id="{element_id}"')
    end = page.find(until, start + 1)
    return page[start : end if end > 0 else len(page)]


def card(page, key):
    """A dashboard card (up to the next one)."""
    return section(page, f"card-{key}", 'id="card-')


def pdf_text(data):
    """All pages' text, runs of any whitespace (no-break spaces too: text read back from a
    PDF keeps them or not) as one space; compare with ``one_line`` of the expected."""
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def one_line(text):
    return " ".join(text.split())


# Shaped Devanagari reads back from a PDF glyph by glyph: a conjunct (a letter with a virama)
# or a vowel sign drawn before its letter (ि) comes back as a private-use character. Words
# holding one cannot be compared; every other word must read back exactly.
UNREADABLE_IN_PDF = re.compile("[\u094d\u093f]")


def in_pdf(expected, text):
    """Whether ``expected`` is in the PDF's text, word for word where a word can be read."""
    if expected in text:
        return True
    if not re.search("[\u0900-\u097f]", expected):
        return False
    expected, text = (unicodedata.normalize("NFC", t) for t in (expected, text))
    words = [w for w in expected.split() if not UNREADABLE_IN_PDF.search(w)]
    return bool(words) and all(w in text.split() for w in words)


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture(params=SHIPPED)
def language(request):
    return request.param


@pytest.fixture
def reader(browser, acme_admin, language):
    """The Admin, signed in, having picked ``language`` in the navbar."""
    b = browser(acme_admin)
    assert b.post(f"/language/{language}", {"next": "/"}).status_code == 302
    return b


@pytest.fixture
def customer(app, acme, language):
    """A customer billed in the reader's currency: invoiced 123,456.78 on 15 January, paid
    1,000.00 on 1 February, credit limit 200,000.00."""
    currency = CURRENCY[language]
    pk = factories.customer(
        app,
        acme,
        NAME,
        currency=currency,
        credit_limit=CREDIT_LIMIT,
        tax_regime="OTHER",
        tax_number="LH-4711",
    )
    factories.address(app, acme, pk, kind="billing", city="Köln", postal_code="50667", country="DE")
    invoice = factories.saved_invoice(
        app,
        acme,
        pk,
        str(INVOICED),
        number="INV-000001",
        issue_date="2026-01-15",
        due_date="2026-02-14",
    )
    factories.payment(
        app,
        acme,
        pk,
        str(PAID),
        number="PAY-000001",
        paid="2026-02-01",
        allocations={invoice: str(PAID)},
    )
    return pk


@pytest.fixture
def deals(app, acme, language, customer):
    """An open deal (Proposal) and a won one, in the reader's currency (the customer's)."""
    open_deal = factories.deal(
        app,
        acme,
        "Lokal rollout",
        stage="Proposal",
        value=str(OPEN_DEAL),
        customer_id=customer,
        expected_close_date=CLOSE_DATE,
    )
    factories.deal(app, acme, "Lokal pilot", stage="Won", value=str(WON_DEAL), customer_id=customer)
    return open_deal


def get(reader, url, language):
    response = reader.get(url)
    assert response.status_code == 200, response.status_code
    page = response.get_data(as_text=True)
    assert spoken(page) == language
    return page


# --- the pages ---------------------------------------------------------------------------


def test_the_customer_list_in_the_readers_language(reader, language, customer):
    page = get(reader, "/customers/list/", language)
    shown = texts(page)
    assert elements(page, "h4", "panel-title")[0] == catalogue(language, "Customers")
    headers = [text for text in elements(page, "th") if text]
    assert headers[-len(LIST_COLUMNS) :] == [catalogue(language, m) for m in LIST_COLUMNS]
    translated_not_english(shown, language, ("Customers", *LIST_COLUMNS, "Show archived customers"))
    row = next(r for r in re.findall(r"<tr\b.*?</tr>", page, re.S) if NAME in r)
    assert written(BALANCE, language) in elements(row, "td")
    assert in_english(BALANCE, language) not in page


def test_a_customer_page_in_the_readers_language(reader, language, customer):
    page = get(reader, f"/customers/show/{customer}", language)
    shown = texts(page)
    translated_not_english(
        shown,
        language,
        (
            "Details",
            "Activity",
            "Custom fields",
            "Balance",
            "Credit limit",
            "Available credit",
            "Unallocated credit",
            "Statement",
            "Other tax identifier",
        ),
    )
    assert elements(page, "td", "crm-balance") == [written(BALANCE, language)]
    assert elements(page, "td", "crm-credit-limit") == [written(CREDIT_LIMIT, language)]
    assert elements(page, "td", "crm-available-credit") == [
        written(CREDIT_LIMIT - BALANCE, language)
    ]
    assert in_english(BALANCE, language) not in page
    assert "OTHER" not in shown  # the tax regime by its name, not its code
    # The activity timeline (a tab loaded when shown) names what changed and who did it in
    # the reader's words.
    fragment = reader.get(f"/customers/tab/{customer}/Timeline").get_data(as_text=True)
    timeline = texts(fragment[: fragment.index("</ul>")])
    assert catalogue(language, "Invoice") in timeline and "invoice" not in timeline
    assert catalogue(language, "Payment") in timeline and "payment" not in timeline
    system = catalogue(language, "system")
    assert any(text.endswith(f"· {system}") for text in timeline)
    if system != "system":
        assert not any(text.endswith("· system") for text in timeline)


def test_the_deal_board_in_the_readers_language(app, acme, reader, language, deals):
    page = get(reader, "/deal-board/", language)
    shown = texts(page)
    [title] = elements(page, "h3")
    assert title.startswith(catalogue(language, "Deal board") + " · ")
    translated_not_english(
        shown,
        language,
        (
            "Pipeline",
            "Owner",
            "All owners",
            "Expected close",
            "Filter",
            "Clear",
            "Add deal",
            "Load more",
        ),
    )
    proposal = factories.sales(app, acme).stages["Proposal"]
    # The column total, and its value weighted by the stage's 50 % (factories.sales).
    weighted = catalogue(language, "%(total)s (weighted %(weighted)s)") % {
        "total": written(OPEN_DEAL, language),
        "weighted": written((OPEN_DEAL / 2).quantize(Decimal("0.01"), ROUND_HALF_UP), language),
    }
    assert header(page, proposal) == (1, weighted)
    cards = reader.get(f"/deal-board/cards/{proposal}").json["cards"]
    [card] = [texts(c["html"]) for c in cards]
    assert written(OPEN_DEAL, language) in card
    assert format_date(CLOSE_DATE, "medium", locale=language) in card
    assert in_english(OPEN_DEAL, language) not in page + " ".join(card)


def test_the_board_explains_a_failed_move_in_the_readers_language(reader, language, deals):
    """kanban.js shows this when the server's answer carries no message of its own."""
    page = get(reader, "/deal-board/", language)
    [failed] = re.findall(r'data-move-failed="([^"]*)"', page)
    assert html.unescape(failed) == catalogue(
        language, "The move could not be saved; the card went back. Try again."
    )


def test_the_dashboard_in_the_readers_language(reader, language, deals):
    page = get(reader, "/dashboard/", language)
    shown = texts(page)
    assert elements(page, "h3") == [catalogue(language, "Dashboard")]
    translated_not_english(
        shown,
        language,
        (
            "Companies",
            "Customers",
            "Leads",
            "Deals",
            "Tasks",
            "Revenue (won deals)",
            "Potential revenue (open deals)",
            "Average won deal",
            "Recent customers",
            "Recent deals",
            "Upcoming tasks",
            "Receivables by aging",
        ),
    )
    [payload] = re.findall(
        r'<script type="application/json" id="dashboard-data"[^>]*>(.*?)</script>', page, re.S
    )
    charts = json.loads(payload)
    assert [chart["title"] for chart in charts] == [
        catalogue(language, m)
        for m in (
            "Deals by month",
            "Leads by source",
            "Tasks by status",
            "Open deals per pipeline and stage",
            "Customers by health",
            "Receivables by aging",
        )
    ]
    assert [d["label"] for d in charts[0]["datasets"]] == [
        catalogue(language, "Deals"),
        catalogue(language, "Won"),
        catalogue(language, "Lost"),
        catalogue(language, "Revenue (%(currency)s)", currency=CURRENCY[language]),
    ]
    # Chart.js writes its axis numbers in the page's language, not the browser's.
    assert f'id="dashboard-data" data-locale="{language}"' in page
    assert written(OPEN_DEAL, language) in texts(card(page, "potential"))
    assert written(WON_DEAL, language) in texts(card(page, "revenue"))
    receivables = section(page, "chart-receivables", 'id="dashboard-data"')
    assert written(BALANCE, language) in elements(receivables, "td")
    assert in_english(OPEN_DEAL, language) not in page


def test_the_statement_on_screen_in_the_readers_language(reader, language, customer):
    page = get(reader, f"/statements/{customer}?{PERIOD_QUERY}", language)
    shown = texts(page)
    assert elements(page, "h4", "panel-title")[0] == (
        f"{catalogue(language, 'Statement of account')} · {NAME}"
    )
    translated_not_english(
        shown,
        language,
        (
            *STATEMENT_COLUMNS,
            "Opening balance",
            "Closing balance",
            "Download PDF",
            "Download Excel",
        ),
    )
    assert written(INVOICED, language) in shown and written(BALANCE, language) in shown
    assert in_english(BALANCE, language) not in page


def test_the_statement_pdf_in_the_readers_language(reader, language, customer):
    response = reader.get(f"/statements/{customer}/download?format=pdf&{PERIOD_QUERY}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    say = functools.partial(catalogue, language)
    money = functools.partial(written, language=language)
    due = format_date(dt.date(2026, 2, 14), "medium", locale=language)
    for expected in (
        say("Statement of account"),
        one_line(" ".join(say(m) for m in STATEMENT_COLUMNS)),
        one_line(f"{say('Opening balance')} {money(Decimal('0.00'))}"),
        one_line(f"INV-000001 {say('due %(day)s', day=due)} {money(INVOICED)} {money(INVOICED)}"),
        one_line(f"{say('Closing balance')} {money(INVOICED)} {money(PAID)} {money(BALANCE)}"),
        one_line(say("Page %(page)s of %(pages)s", page=1, pages=1)),
    ):
        assert in_pdf(expected, text), f"{language}: {expected!r} not in the PDF: {text}"
    for msgid, english in (
        ("Statement of account", "Statement of account"),
        ("Opening balance", "Opening balance"),
        ("Closing balance", "Closing balance"),
        ("Page %(page)s of %(pages)s", "Page 1 of 1"),
    ):
        if say(msgid) != msgid:
            assert english not in text, f"{language}: {english!r} in English in the PDF"
    assert one_line(in_english(BALANCE, language)) not in text
    title = PdfReader(io.BytesIO(response.data)).metadata.title
    assert title == say("Statement of account %(customer)s", customer=NAME)


def test_the_statement_workbook_in_the_readers_language(reader, language, customer):
    response = reader.get(f"/statements/{customer}/download?format=xlsx&{PERIOD_QUERY}")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.active
    say = functools.partial(catalogue, language)
    assert sheet.title == say("Statement")[:31]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[1][0] == say("Statement of account")
    labels = [row[0] for row in rows[3:8]]
    assert labels == [
        say(m) for m in ("Customer", "Customer code", "Billing address", "Tax number", "Currency")
    ]
    aging_as_of = say(
        "Aging as of %(day)s", day=format_date(dt.date(2026, 3, 31), "medium", locale=language)
    )
    assert rows[3][4] == aging_as_of
    headings = [say(m) for m in STATEMENT_COLUMNS]
    top = rows.index(headings)
    opening, invoice, payment, closing = rows[top + 1 :]
    assert opening[3] == say("Opening balance") and closing[3] == say("Closing balance")
    assert invoice[1] == say("Invoice") and payment[1] == say("Payment")
    assert closing[4:7] == [float(INVOICED), float(PAID), float(BALANCE)]
    everything = {value for row in rows for value in row if isinstance(value, str)}
    for msgid in ("Statement of account", "Opening balance", "Closing balance", *STATEMENT_COLUMNS):
        if say(msgid) != msgid:
            assert msgid not in everything, f"{language}: {msgid!r} in English in the workbook"
    # Amounts are numbers (they sum in Excel) shown with the locale's currency symbol.
    balance_cell = sheet.cell(top + 5, 7)
    assert balance_cell.value == float(BALANCE)
    symbol = get_currency_symbol(CURRENCY[language], locale=language)
    assert symbol in balance_cell.number_format and "#,##0.00" in balance_cell.number_format
    # ...on the side the locale writes it: after the amount in de, fr and es, before in hi.
    symbol_after = Locale.parse(language).currency_formats["standard"].pattern.endswith("¤")
    positive = balance_cell.number_format.split(";")[0]
    assert positive.endswith(f'"{symbol}"') == symbol_after, positive
