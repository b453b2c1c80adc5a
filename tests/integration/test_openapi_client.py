"""A client generated from the served OpenAPI document (openapi-python-client) does what
an integrator does against a live server: customers, companies and deals created, read,
listed with a filter page by page, changed and deleted; a deal moved through its stages;
an invoice posted with its lines, issued and paid, its figures read back."""

import datetime as dt
import importlib
import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests import factories

PACKAGE = "ledgerline_client"
# The package generated from a document (its text), reused by the tests that follow.
GENERATED = {}


def _generator():
    found = Path(sys.executable).with_name("openapi-python-client")
    if not found.exists():
        found = shutil.which("openapi-python-client")
    if not found:
        pytest.skip("openapi-python-client is not installed (requirements-dev.txt)")
    return str(found)


@pytest.fixture
def generated(app, api, acme_admin, tmp_path_factory, monkeypatch):
    """The client package generated from the served document, imported."""
    text = json.dumps(api(acme_admin).get("/api/v1/_openapi").json, sort_keys=True)
    if text not in GENERATED:
        GENERATED[text] = _generate(text, tmp_path_factory.mktemp("client"))
    monkeypatch.syspath_prepend(str(GENERATED[text]))
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
        monkeypatch.delitem(sys.modules, name)
    return lambda name: importlib.import_module(f"{PACKAGE}.{name}")


def _generate(text, tmp_path):
    document = tmp_path / "openapi.json"
    document.write_text(text)
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"post_hooks": []}))
    result = subprocess.run(
        [
            _generator(),
            "generate",
            "--path",
            str(document),
            "--config",
            str(config),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / PACKAGE),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return tmp_path


@pytest.fixture
def live_url(app):
    """The app served over HTTP on 127.0.0.1 for the duration of the test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def client(api, acme_admin, generated, live_url):
    """The generated client, signed in as Acme's Admin."""
    token = api(acme_admin).headers["Authorization"].split(" ", 1)[1]
    return generated("client").AuthenticatedClient(base_url=live_url, token=token)


def test_a_generated_client_creates_reads_updates_lists_and_deletes_a_customer(
    app, generated, client
):
    customers = "api.customer_api"
    models = generated("models")

    created = generated(f"{customers}.post_api_v1_customer").sync_detailed(
        client=client,
        body=models.CustomerApiPost(
            name="Generated Co", email="generated@co.example", credit_limit="2500.00"
        ),
    )
    assert created.status_code == 201, created.content
    pk = created.parsed.id

    read = generated(f"{customers}.get_api_v1_customer_pk").sync(pk, client=client)
    record = read.result
    assert isinstance(record, models.CustomerApiGet)
    assert record.company is None and record.payment_term is None and record.owner is None
    assert record.credit_limit == "2500.00" and record.balance == "0.00"

    updated = generated(f"{customers}.put_api_v1_customer_pk").sync_detailed(
        pk,
        client=client,
        body=models.CustomerApiPut(
            name="Generated Co", email="generated@co.example", discount_rate="7.50"
        ),
    )
    assert updated.status_code == 200, updated.content
    again = generated(f"{customers}.get_api_v1_customer_pk").sync(pk, client=client).result
    assert again.discount_rate == "7.50"

    for n in range(3):
        generated(f"{customers}.post_api_v1_customer").sync(
            client=client, body=models.CustomerApiPost(name=f"More {n}", email=f"m{n}@co.example")
        )
    listing = generated(f"{customers}.get_api_v1_customer")
    ordered = dict(order_column="name", order_direction=listing.GetApiV1CustomerOrderDirection.ASC)
    first = listing.sync(client=client, page=0, page_size=3, **ordered)
    second = listing.sync(client=client, page=1, page_size=3, **ordered)
    assert first.count == 4
    assert [c.name for c in first.result] == ["Generated Co", "More 0", "More 1"]
    assert [c.name for c in second.result] == ["More 2"]

    deleted = generated(f"{customers}.delete_api_v1_customer_pk").sync_detailed(pk, client=client)
    assert deleted.status_code == 200, deleted.content
    gone = generated(f"{customers}.get_api_v1_customer_pk").sync_detailed(pk, client=client)
    assert gone.status_code == 404


def test_a_generated_client_tags_a_customer_by_id_and_by_name(app, acme, generated, client):
    customers = "api.customer_api"
    models = generated("models")
    listed = generated("api.tag_api.get_api_v1_tag").sync(client=client, page_size=100)
    vip = next(t.id for t in listed.result if t.name == "VIP")
    created = generated(f"{customers}.post_api_v1_customer").sync_detailed(
        client=client,
        body=models.CustomerApiPost(
            name="Tagged Co", email="tagged@co.example", tags=[vip, "Generated buyers"]
        ),
    )
    assert created.status_code == 201, created.content
    record = generated(f"{customers}.get_api_v1_customer_pk").sync(created.parsed.id, client=client)
    assert sorted(t.name for t in record.result.tags) == ["Generated buyers", "VIP"]


def starts_with(column, value):
    """A list's ``q``: the rows whose ``column`` starts with ``value``."""
    return json.dumps({"filters": [{"col": column, "opr": "sw", "value": value}]})


def test_a_generated_client_lists_companies_with_a_filter_and_changes_and_deletes_one(
    app, generated, client
):
    companies = "api.company_api"
    models = generated("models")
    post = generated(f"{companies}.post_api_v1_company")
    made = [
        post.sync(client=client, body=models.CompanyApiPost(name=name)).id
        for name in ("Northwind North", "Northwind South", "Northwind West", "Southwind")
    ]
    listing = generated(f"{companies}.get_api_v1_company")
    ordered = dict(order_column="name", order_direction=listing.GetApiV1CompanyOrderDirection.ASC)
    query = starts_with("name", "Northwind")
    first = listing.sync(client=client, q=query, page=0, page_size=2, **ordered)
    second = listing.sync(client=client, q=query, page=1, page_size=2, **ordered)
    assert first.count == 3
    assert [c.name for c in first.result] == ["Northwind North", "Northwind South"]
    assert [c.name for c in second.result] == ["Northwind West"]

    changed = generated(f"{companies}.put_api_v1_company_pk").sync_detailed(
        made[3], client=client, body=models.CompanyApiPut(name="Southwind", city="Leeds")
    )
    assert changed.status_code == 200, changed.content
    read = generated(f"{companies}.get_api_v1_company_pk").sync(made[3], client=client)
    assert read.result.city == "Leeds"

    delete = generated(f"{companies}.delete_api_v1_company_pk")
    assert delete.sync_detailed(made[3], client=client).status_code == 200
    again = listing.sync(client=client, q=starts_with("name", "South"))
    assert again.count == 0


def test_a_generated_client_creates_a_deal_and_moves_it_through_the_stages(
    app, acme, generated, client
):
    deals = "api.deal_api"
    models = generated("models")
    sales = factories.sales(app, acme)
    customer = factories.customer(app, acme, "Deal Buyer")
    created = generated(f"{deals}.post_api_v1_deal").sync_detailed(
        client=client,
        body=models.DealApiPost(
            title="Kiosk rollout", value="1999.90", pipeline=sales.id, customer=customer
        ),
    )
    assert created.status_code == 201, created.content
    pk = created.parsed.id
    get = generated(f"{deals}.get_api_v1_deal_pk")
    deal = get.sync(pk, client=client).result
    assert (deal.stage.name, deal.value, deal.customer.name) == ("Lead", "1999.90", "Deal Buyer")

    move = generated(f"{deals}.put_api_v1_deal_pk_stage")
    moved = move.sync_detailed(
        pk, client=client, body=models.PutApiV1DealPkStageBody(stage_id=sales.stages["Proposal"])
    )
    assert moved.status_code == 200, moved.content
    assert get.sync(pk, client=client).result.stage.name == "Proposal"
    won = move.sync_detailed(
        pk, client=client, body=models.PutApiV1DealPkStageBody(stage_id=sales.stages["Won"])
    )
    assert won.status_code == 200, won.content
    deal = get.sync(pk, client=client).result
    assert deal.stage.name == "Won" and deal.actual_close_date == dt.date.today()

    listing = generated(f"{deals}.get_api_v1_deal")
    assert [
        d.title for d in listing.sync(client=client, q=starts_with("title", "Kiosk")).result
    ] == ["Kiosk rollout"]
    changed = generated(f"{deals}.put_api_v1_deal_pk").sync_detailed(
        pk, client=client, body=models.DealApiPut(title="Kiosk rollout, phase 2")
    )
    assert changed.status_code == 200, changed.content
    assert get.sync(pk, client=client).result.title == "Kiosk rollout, phase 2"
    deleted = generated(f"{deals}.delete_api_v1_deal_pk").sync_detailed(pk, client=client)
    assert deleted.status_code == 200, deleted.content
    assert get.sync_detailed(pk, client=client).status_code == 404


def test_a_generated_client_invoices_with_lines_issues_and_records_a_payment(
    app, acme, generated, client
):
    invoices = "api.invoice_api"
    models = generated("models")
    customer = factories.buyer(app, acme, "Paying Buyer", days=14)
    created = generated(f"{invoices}.post_api_v1_invoice").sync_detailed(
        client=client,
        body=models.InvoiceApiPost(
            customer=customer,
            issue_date=dt.date(2026, 3, 1),
            lines=[
                models.DocumentLineInput(
                    description="Widget", quantity="3", unit_price="50.00", tax_rate="20"
                ),
                models.DocumentLineInput(description="Setup", unit_price="99.99"),
            ],
        ),
    )
    assert created.status_code == 201, created.content
    invoice = created.parsed.result
    assert isinstance(invoice, models.InvoiceApiGet)
    # 150.00 + 20% tax = 180.00; 99.99 untaxed, quantity 1 when left out
    assert [(line.quantity, line.total) for line in invoice.lines] == [
        ("3.000", "180.00"),
        ("1.000", "99.99"),
    ]
    assert (invoice.total, invoice.amount_due, invoice.status) == ("279.99", "279.99", "draft")
    assert invoice.due_date == dt.date(2026, 3, 15) and invoice.payment_term.days == 14

    issued = generated(f"{invoices}.post_api_v1_invoice_pk_issue").sync_detailed(
        invoice.id, client=client
    )
    assert issued.status_code == 200, issued.content
    assert issued.parsed.result.status == "issued"

    paid = generated("api.payment_api.post_api_v1_payment").sync_detailed(
        client=client,
        body=models.PaymentApiPost(
            customer=customer,
            amount="100.00",
            payment_date=dt.date(2026, 3, 5),
            allocations=[models.PaymentApiPostAllocationsItem(invoice=invoice.id, amount="100.00")],
        ),
    )
    assert paid.status_code == 201, paid.content
    assert paid.parsed.result.unallocated == "0.00"

    read = generated(f"{invoices}.get_api_v1_invoice_pk").sync(invoice.id, client=client).result
    assert (read.status, read.total, read.amount_paid, read.amount_due) == (
        "partly_paid",
        "279.99",
        "100.00",
        "179.99",
    )
    buyer = generated("api.customer_api.get_api_v1_customer_pk").sync(customer, client=client)
    assert buyer.result.balance == "179.99"
