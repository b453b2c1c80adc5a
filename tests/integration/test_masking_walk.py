"""A Member reaches no masked figure anywhere: every page, endpoint and export a Member can
open is searched for a customer's IBAN, credit limit, ledger amounts and the balance they make,
in every format they could be rendered in. Walked like the tenancy walk."""
import io
import re
from decimal import Decimal

import openpyxl
import pytest

from crm.extensions import db
from crm.models import AuditEntry, Customer, PaymentAllocation
from tests import credit_factories as ledger_rows
from tests import factories

IBAN = "DE44500105175407324931"
CREDIT_LIMIT = "98765.43"
INVOICE, PAYMENT, CREDIT_NOTE, ORDER = "4321.98", "1357.91", "246.82", "3141.59"
BALANCE = "2717.25"          # 4321.98 - 1357.91 - 246.82
INVOICE_DUE = "2964.07"      # 4321.98 - 1357.91, what is left of the invoice
SKIPPED_ARGS = {"filename", "name", "version", "locale", "what", "entity", "run_id", "path"}


def amount_pattern(text):
    """``98765.43`` raw, with any grouping and either decimal mark: 98765.43, 98,765.43,
    98.765,43, 98 765,43 (narrow or plain no-break spaces), 98765.4300."""
    whole, cents = text.split(".")
    groups, head = [], whole
    while len(head) > 3:
        groups.insert(0, head[-3:])
        head = head[:-3]
    sep = "[,.'\u00a0\u202f ]?"
    return re.compile(re.escape(head) + "".join(sep + g for g in groups) + "[.,]" + cents
                      + r"(?!\d)0*")


SECRETS = {
    "IBAN": re.compile(r"\s?".join(re.findall(".{1,4}", IBAN))),
    **{name: amount_pattern(value) for name, value in (
        ("credit limit", CREDIT_LIMIT), ("invoice", INVOICE), ("payment", PAYMENT),
        ("credit note", CREDIT_NOTE), ("order", ORDER), ("balance", BALANCE),
        ("invoice due", INVOICE_DUE))},
}


def leaks(text):
    return sorted(name for name, pattern in SECRETS.items() if pattern.search(text))


@pytest.fixture
def masked_books(app, acme):
    pk = factories.customer(app, acme, "Walk Ledger GmbH", currency="EUR",
                            credit_limit=Decimal(CREDIT_LIMIT))
    invoice = ledger_rows.invoice(app, acme, pk, INVOICE, days_overdue=40)
    payment = ledger_rows.payment(app, acme, pk, PAYMENT, allocate_to=invoice)
    note = ledger_rows.credit_note(app, acme, pk, CREDIT_NOTE)
    order = ledger_rows.order(app, acme, pk, ORDER)
    account = ledger_rows.bank_account(app, acme, pk, IBAN)
    with app.app_context():
        customer = db.session.get(Customer, pk)
        assert customer.balance == Decimal(BALANCE) and customer.order_total == Decimal(ORDER)
        allocation = db.session.query(PaymentAllocation).first().id
        audit = db.session.query(AuditEntry).order_by(AuditEntry.id.desc()).first().id
        db.session.remove()
    return {"Customer": pk, "Invoice": invoice, "Payment": payment, "CreditNote": note,
            "SalesOrder": order, "BankAccount": account, "PaymentAllocation": allocation,
            "AuditEntry": audit}


def _model_name(app, endpoint):
    view_name = endpoint.split(".")[0]
    for view in app.appbuilder.baseviews:
        if type(view).__name__ == view_name:
            datamodel = getattr(view, "datamodel", None)
            return datamodel.obj.__name__ if datamodel is not None else None
    return None


def member_urls(app, ids):
    """Every GET route with its ids filled in (a record of the walk's customer where the
    route's model has one)."""
    for rule in app.url_map.iter_rules():
        if ("GET" not in rule.methods or set(rule.arguments) & SKIPPED_ARGS
                or "logout" in rule.rule):
            continue
        values = {}
        if "customer_pk" in rule.arguments:
            values["customer_pk"] = ids["Customer"]
        if "pk" in rule.arguments:
            values["pk"] = ids.get(_model_name(app, rule.endpoint), ids["Customer"])
        for name in set(rule.arguments) - {"pk", "customer_pk"}:
            values[name] = 1
        yield re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)


def xlsx_text(data):
    book = openpyxl.load_workbook(io.BytesIO(data))
    return " ".join(str(c.value) for sheet in book.worksheets for row in sheet.iter_rows()
                    for c in row if c.value is not None)


def body_text(response):
    if response.mimetype and "spreadsheetml" in response.mimetype:
        return xlsx_text(response.data)
    return response.get_data(as_text=True)


def test_the_walk_data_shows_every_secret_to_a_manager(app, acme, acme_admin, browser,
                                                       masked_books):
    """The values the walk searches for are where a Member would otherwise see them."""
    b = browser(acme_admin)
    pages = [f"/customers/show/{masked_books['Customer']}", "/invoices/list/", "/payments/list/",
             "/credit-notes/list/", "/sales_orders/list/", "/bank-accounts/list/"]
    seen = set()
    for url in pages:
        seen.update(leaks(b.get(url).get_data(as_text=True)))
    assert seen >= set(SECRETS) - {"invoice due"}


def test_a_member_sees_no_masked_figure_on_any_page_or_endpoint(app, acme, acme_member, browser,
                                                               api, masked_books):
    b, client = browser(acme_member), api(acme_member)
    found, opened = [], 0
    for url in member_urls(app, masked_books):
        response = (client if url.startswith("/api/") else b).get(url)
        assert response.status_code != 302 or "/login" not in response.headers["Location"], url
        if response.status_code == 200:
            opened += 1
        exposed = leaks(body_text(response))
        if exposed:
            found.append(f"{url}: {', '.join(exposed)}")
    assert opened > 60
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_members_exports_hold_no_masked_figure(app, acme, acme_member, browser, masked_books,
                                                 fmt):
    b = browser(acme_member)
    found, downloaded = [], 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.endswith("/export") or rule.arguments:
            continue
        response = b.get(f"{rule.rule}?format={fmt}")
        if response.status_code != 200:
            continue
        downloaded += 1
        exposed = leaks(body_text(response))
        if exposed:
            found.append(f"{rule.rule}: {', '.join(exposed)}")
    assert downloaded > 10
    assert found == [], "\n".join(found)
