"""A Member reaches no masked figure anywhere: every page, endpoint and export a Member can
open is searched for a customer's IBAN, credit limit, ledger amounts and the balance they make,
in every format they could be rendered in. Walked like the tenancy walk."""

import io
import re
from decimal import Decimal

import openpyxl
import pytest

from crm.extensions import db
from crm.models import AuditEntry, BankAccount, Customer, PaymentAllocation
from crm.security.masking import LEDGER_AMOUNTS
from crm.security.tenancy import tenant_scope
from crm.services.ledger import payments
from tests import factories
from tests.integration.test_masking import custom_role_user

IBAN = "DE44500105175407324931"
CREDIT_LIMIT = "98765.43"
INVOICE, PAYMENT, CREDIT_NOTE, ORDER = "4321.98", "1357.91", "246.82", "3141.59"
BALANCE = "2717.25"  # 4321.98 - 1357.91 - 246.82
INVOICE_DUE = "2964.07"  # 4321.98 - 1357.91, what is left of the invoice
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
    return re.compile(
        re.escape(head) + "".join(sep + g for g in groups) + "[.,]" + cents + r"(?!\d)0*"
    )


SECRETS = {
    "IBAN": re.compile(r"\s?".join(re.findall(".{1,4}", IBAN))),
    **{
        name: amount_pattern(value)
        for name, value in (
            ("credit limit", CREDIT_LIMIT),
            ("invoice", INVOICE),
            ("payment", PAYMENT),
            ("credit note", CREDIT_NOTE),
            ("order", ORDER),
            ("balance", BALANCE),
            ("invoice due", INVOICE_DUE),
        )
    },
}


def leaks(text):
    return sorted(name for name, pattern in SECRETS.items() if pattern.search(text))


@pytest.fixture
def masked_books(app, acme):
    """A customer whose credit limit and IBAN were changed (so the timeline and the audit
    trail hold them as change lines), with an invoice part-paid, a credit note and an order."""
    pk = factories.customer(
        app, acme, "Walk Ledger GmbH", currency="EUR", credit_limit=Decimal("1000.00")
    )
    invoice = factories.saved_invoice(app, acme, pk, INVOICE, days_overdue=40)
    # Through the service: its audit entry names the allocation and its amount.
    with app.app_context(), tenant_scope(acme.id):
        payment = payments.record_payment(
            db.session, pk, PAYMENT, allocations=[(invoice, PAYMENT)]
        ).id
        db.session.remove()
    note = factories.credit_note(app, acme, pk, CREDIT_NOTE)
    order = factories.order(app, acme, pk, ORDER)
    account = factories.bank_account(app, acme, pk, "GB29NWBK60161331926819")
    with app.app_context(), tenant_scope(acme.id):
        customer = db.session.get(Customer, pk)
        customer.credit_limit = Decimal(CREDIT_LIMIT)
        db.session.get(BankAccount, account).account_number = IBAN
        db.session.commit()
        assert customer.balance == Decimal(BALANCE) and customer.order_total == Decimal(ORDER)
        allocation = db.session.query(PaymentAllocation).first().id
        audit = db.session.query(AuditEntry).order_by(AuditEntry.id.desc()).first().id
        db.session.remove()
    return {
        "Customer": pk,
        "Invoice": invoice,
        "Payment": payment,
        "CreditNote": note,
        "SalesOrder": order,
        "BankAccount": account,
        "PaymentAllocation": allocation,
        "AuditEntry": audit,
    }


def _model_name(app, endpoint):
    view_name = endpoint.split(".")[0]
    for view in app.appbuilder.baseviews:
        if type(view).__name__ == view_name:
            datamodel = getattr(view, "datamodel", None)
            return datamodel.obj.__name__ if datamodel is not None else None
    return None


def customer_tabs(app):
    view = next(v for v in app.appbuilder.baseviews if type(v).__name__ == "CustomerView")
    return [type(related).__name__ for related in view._related_views] + ["Timeline"]


def member_urls(app, ids):
    """Every GET route with its ids filled in (a record of the walk's customer where the
    route's model has one)."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "CustomerView.tab":  # every tab of the customer's page
            yield from (f"/customers/tab/{ids['Customer']}/{name}" for name in customer_tabs(app))
            continue
        if "GET" not in rule.methods or set(rule.arguments) & SKIPPED_ARGS or "logout" in rule.rule:
            continue
        values = {}
        if "customer_pk" in rule.arguments:
            values["customer_pk"] = ids["Customer"]
        if "pk" in rule.arguments:
            values["pk"] = ids.get(_model_name(app, rule.endpoint), ids["Customer"])
        for name in set(rule.arguments) - {"pk", "customer_pk"}:
            values[name] = 1
        yield re.sub(
            r"<(?:\w+:)?(\w+)>", lambda m, values=values: str(values[m.group(1)]), rule.rule
        )


def xlsx_text(data):
    book = openpyxl.load_workbook(io.BytesIO(data))
    return " ".join(
        str(c.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for c in row
        if c.value is not None
    )


def body_text(response):
    if response.mimetype and "spreadsheetml" in response.mimetype:
        return xlsx_text(response.data)
    return response.get_data(as_text=True)


def test_the_walk_data_shows_every_secret_to_a_manager(
    app, acme, acme_admin, browser, masked_books
):
    """The values the walk searches for are where a Member would otherwise see them."""
    b = browser(acme_admin)
    pages = [
        f"/customers/show/{masked_books['Customer']}",
        "/invoices/list/",
        "/payments/list/",
        "/credit-notes/list/",
        "/sales_orders/list/",
        "/bank-accounts/list/",
    ]
    seen = set()
    for url in pages:
        seen.update(leaks(factories.with_tabs(b, url)))
    assert seen >= set(SECRETS) - {"invoice due"}
    timeline = factories.with_tabs(b, f"/customers/show/{masked_books['Customer']}")
    assert "1,000.00 → 98,765.43" in timeline and "→ DE44500105175407324931" in timeline
    assert "PAY-000001 → INV-000001: €1,357.91" in timeline  # the payment's audit summary


def test_a_member_sees_no_masked_figure_on_any_page_or_endpoint(
    app, acme, acme_member, browser, api, masked_books
):
    b, client = browser(acme_member), api(acme_member)
    found, opened = [], 0
    customer = f"?customer={masked_books['Customer']}"  # lists, pickers and tabs narrow by it
    for url in [u + query for u in member_urls(app, masked_books) for query in ("", customer)]:
        response = (client if url.startswith("/api/") else b).get(url)
        assert response.status_code != 302 or "/login" not in response.headers["Location"], url
        if response.status_code == 200:
            opened += 1
        exposed = leaks(body_text(response))
        if exposed:
            found.append(f"{url}: {', '.join(exposed)}")
    assert opened > 120
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_members_exports_hold_no_masked_figure(
    app, acme, acme_member, browser, masked_books, fmt
):
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


AUDITOR_GRANTS = [("can_read", "AuditEntry"), ("can_read", "Customer")]


def test_the_audit_screen_and_api_mask_figures_for_a_role_without_them(
    app, acme, acme_admin, browser, api, masked_books
):
    auditor = custom_role_user(app, acme, "auditor", "Auditor", AUDITOR_GRANTS)
    with app.app_context():
        entries = [e.id for e in db.session.query(AuditEntry).execution_options(all_tenants=True)]
        db.session.remove()
    b = browser(auditor)
    pages = ["/audit/list/"] + [f"/audit/show/{pk}" for pk in entries]
    assert all(b.get(url).status_code == 200 for url in pages)
    found = {url: leaks(b.get(url).get_data(as_text=True)) for url in pages}
    assert {url: names for url, names in found.items() if names} == {}
    answer = api(auditor).get("/api/v1/audit/?q=(page_size:100)")
    assert answer.status_code == 200 and len(answer.json["result"]) == len(entries)
    assert leaks(answer.get_data(as_text=True)) == []
    admin = api(acme_admin).get("/api/v1/audit/?q=(page_size:100)").get_data(as_text=True)
    assert {"credit limit", "balance", "payment"} <= set(leaks(admin))


def test_a_role_sees_exactly_the_figure_classes_it_holds(app, acme, browser, masked_books):
    """The classes are separate permissions: ledger amounts without bank details or
    credit figures shows the balance but masks the IBAN and the credit limit."""
    clerk = custom_role_user(
        app,
        acme,
        "ledger-clerk",
        "LedgerClerk",
        [("can_read", "Customer"), ("can_read", "BankAccount"), ("can_read", LEDGER_AMOUNTS)],
    )
    html = browser(clerk).get(f"/customers/show/{masked_books['Customer']}").get_data(as_text=True)
    assert {"balance", "order"} <= set(leaks(html))
    assert "IBAN" not in leaks(html) and "credit limit" not in leaks(html)


def test_filtering_or_sorting_by_a_hidden_amount_confirms_nothing(
    app, acme, acme_member, browser, api, masked_books
):
    other = factories.customer(app, acme, "Other Payer", currency="EUR")
    factories.payment(app, acme, other, "5.00")
    b = browser(acme_member)
    for value in (PAYMENT, "5.00", "1"):
        html = b.get(f"/payments/list/?_flt_0_amount={value}").get_data(as_text=True)
        assert "PAY-000001" in html and "PAY-000002" in html, value
    client = api(acme_member)
    for query in (
        f"(filters:!((col:amount,opr:eq,value:{PAYMENT})))",
        "(order_column:amount,order_direction:desc)",
    ):
        r = client.get(f"/api/v1/payment/?q={query}")
        assert r.status_code == 400 and "financials" in r.json["message"], query
    for resource, column in (
        ("invoice", "total"),
        ("sales_order", "total"),
        ("credit_note", "amount"),
    ):
        r = client.get(f"/api/v1/{resource}/?q=(filters:!((col:{column},opr:gt,value:0)))")
        assert r.status_code == 400, resource
