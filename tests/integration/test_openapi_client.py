"""A client generated from the served OpenAPI document (openapi-python-client) works
against a live server: it creates, reads (with empty relations and money as strings),
updates, lists page by page and deletes a customer."""

import importlib
import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

PACKAGE = "ledgerline_client"


def _generator():
    found = Path(sys.executable).with_name("openapi-python-client")
    if not found.exists():
        found = shutil.which("openapi-python-client")
    if not found:
        pytest.skip("openapi-python-client is not installed (requirements-dev.txt)")
    return str(found)


@pytest.fixture
def generated(app, api, acme_admin, tmp_path, monkeypatch):
    """The client package generated from the served document, imported."""
    document = tmp_path / "openapi.json"
    document.write_text(json.dumps(api(acme_admin).get("/api/v1/_openapi").json))
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
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
        monkeypatch.delitem(sys.modules, name)
    return lambda name: importlib.import_module(f"{PACKAGE}.{name}")


@pytest.fixture
def live_url(app):
    """The app served over HTTP on 127.0.0.1 for the duration of the test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def test_a_generated_client_creates_reads_updates_lists_and_deletes_a_customer(
    app, api, acme_admin, generated, live_url
):
    token = api(acme_admin).headers["Authorization"].split(" ", 1)[1]
    client = generated("client").AuthenticatedClient(base_url=live_url, token=token)
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
