"""Settings → Webhooks and /api/v1/webhook/: Admins register, edit and delete endpoints and
rotate their secrets; Managers and Members neither see nor manage them; an endpoint on a
private or loopback address, or with a scheme other than http(s), is refused clearly."""

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.models import WebhookEndpoint
from crm.services import webhooks

PUBLIC_URL = "https://93.184.215.14/hooks"  # a public address: no DNS lookup in the test


def _endpoints(app):
    with app.app_context():
        rows = db.session.scalars(select(WebhookEndpoint).execution_options(all_tenants=True)).all()
        for row in rows:
            db.session.expunge(row)
        db.session.remove()
    return rows


def test_an_admin_adds_a_webhook_on_screen_and_sees_its_secret(app, browser, acme_admin):
    b = browser(acme_admin)
    assert "/webhooks/list/" in b.get("/dashboard/").get_data(as_text=True)
    r = b.post(
        "/webhooks/add",
        {"url": PUBLIC_URL, "events": ["customer.created", "deal.won"], "is_active": "y"},
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    [endpoint] = _endpoints(app)
    assert endpoint.tenant_id == acme_admin.tenant_id
    assert endpoint.events == ["customer.created", "deal.won"]
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) > 30
    page = b.get(f"/webhooks/show/{endpoint.id}").get_data(as_text=True)
    assert endpoint.secret in page and "Deal won" in page
    assert "Lead converted" in b.get("/webhooks/add").get_data(as_text=True)
    edit = b.get(f"/webhooks/edit/{endpoint.id}").get_data(as_text=True)
    assert 'value="deal.won" selected' in edit or 'selected value="deal.won"' in edit
    assert endpoint.secret not in edit  # rotated, never typed in
    r = b.post(
        f"/webhooks/edit/{endpoint.id}",
        {"url": PUBLIC_URL, "events": ["payment.created"], "is_active": "y"},
    )
    assert r.status_code == 302
    assert _endpoints(app)[0].events == ["payment.created"]
    assert b.get("/webhooks/list/").status_code == 200


def test_an_admin_rotates_a_secret_on_screen(app, browser, api, acme_admin):
    created = api(acme_admin).post(
        "/api/v1/webhook/", json={"url": PUBLIC_URL, "events": ["lead.converted"]}
    )
    assert created.status_code == 201, created.json
    pk = created.json["id"]
    before = _endpoints(app)[0].secret
    r = browser(acme_admin).post(f"/webhooks/action/rotate_secret/{pk}")
    assert r.status_code == 302
    assert _endpoints(app)[0].secret not in (before, None)


def test_the_api_manages_endpoints_and_rotates_the_secret(app, api, acme_admin):
    client = api(acme_admin)
    r = client.post(
        "/api/v1/webhook/",
        json={"url": PUBLIC_URL, "events": ["invoice.created"], "description": "ERP"},
    )
    assert r.status_code == 201, r.json
    pk = r.json["id"]
    shown = client.get(f"/api/v1/webhook/{pk}").json["result"]
    assert shown["secret"].startswith("whsec_") and shown["events"] == ["invoice.created"]
    assert "secret" not in client.get("/api/v1/webhook/").json["result"][0]

    rotated = client.post(f"/api/v1/webhook/{pk}/rotate_secret")
    assert rotated.status_code == 200
    assert rotated.json["result"]["secret"] not in (shown["secret"], None)

    r = client.put(
        f"/api/v1/webhook/{pk}", json={"events": ["payment.created"], "is_active": False}
    )
    assert r.status_code == 200, r.json
    [endpoint] = _endpoints(app)
    assert endpoint.events == ["payment.created"] and endpoint.is_active is False
    assert client.delete(f"/api/v1/webhook/{pk}").status_code == 200
    assert _endpoints(app) == []


@pytest.mark.parametrize(
    "url, message",
    [
        ("http://127.0.0.1:8080/hook", "private, loopback or link-local"),
        ("http://10.1.2.3/hook", "private, loopback or link-local"),
        ("http://169.254.169.254/latest/meta-data", "private, loopback or link-local"),
        ("http://[::1]/hook", "private, loopback or link-local"),
        ("http://224.0.0.1/hook", "private, loopback or link-local"),
        ("ftp://93.184.215.14/hook", "Only http:// and https://"),
        ("https:///nohost", "names no host"),
    ],
)
def test_an_address_a_webhook_may_not_go_to_is_refused_with_a_clear_message(
    app, api, acme_admin, url, message
):
    r = api(acme_admin).post("/api/v1/webhook/", json={"url": url, "events": ["deal.won"]})
    assert r.status_code == 422
    assert any(message in m for m in r.json["errors"]["url"]), r.json
    assert _endpoints(app) == []


def test_a_private_address_is_refused_on_screen_next_to_the_field(app, browser, acme_admin):
    r = browser(acme_admin).post(
        "/webhooks/add", {"url": "http://localhost:5000/hook", "events": ["deal.won"]}
    )
    assert r.status_code == 200
    assert "webhooks are only sent to public addresses" in r.get_data(as_text=True)
    assert _endpoints(app) == []


def test_a_private_address_is_accepted_when_the_config_allows_it(app, api, acme_admin, monkeypatch):
    monkeypatch.setitem(app.config, "CRM_WEBHOOKS_ALLOW_PRIVATE", True)
    r = api(acme_admin).post(
        "/api/v1/webhook/", json={"url": "http://127.0.0.1:9/hook", "events": ["deal.won"]}
    )
    assert r.status_code == 201, r.json


def test_events_must_be_chosen_among_the_known_ones(app, api, acme_admin):
    client = api(acme_admin)
    r = client.post("/api/v1/webhook/", json={"url": PUBLIC_URL, "events": []})
    assert r.status_code == 422 and "events" in r.json["errors"]
    r = client.post("/api/v1/webhook/", json={"url": PUBLIC_URL, "events": ["customer.exploded"]})
    assert r.status_code == 422 and "customer.exploded" in r.json["errors"]["events"][0]
    r = client.post("/api/v1/webhook/", json={"url": PUBLIC_URL, "events": [{"a": 1}]})
    assert r.status_code == 422


@pytest.mark.parametrize("role", ["acme_manager", "acme_member"])
def test_managers_and_members_neither_see_nor_manage_webhooks(
    app, api, browser, acme_admin, role, request
):
    pk = (
        api(acme_admin)
        .post("/api/v1/webhook/", json={"url": PUBLIC_URL, "events": ["deal.won"]})
        .json["id"]
    )
    user = request.getfixturevalue(role)
    b = browser(user)
    assert "/webhooks/list/" not in b.get("/dashboard/").get_data(as_text=True)
    for url in (
        "/webhooks/list/",
        f"/webhooks/show/{pk}",
        "/webhooks/add",
        "/webhook-deliveries/list/",
    ):
        assert b.get(url).status_code == 403, url
    assert b.post("/webhooks/add", {"url": PUBLIC_URL, "events": ["deal.won"]}).status_code == 403
    assert b.post(f"/webhooks/delete/{pk}").status_code in (302, 403)
    client = api(user)
    assert client.get("/api/v1/webhook/").status_code == 403
    assert client.get(f"/api/v1/webhook/{pk}").status_code == 403
    assert (
        client.post(
            "/api/v1/webhook/", json={"url": PUBLIC_URL, "events": ["deal.won"]}
        ).status_code
        == 403
    )
    assert client.delete(f"/api/v1/webhook/{pk}").status_code == 403
    assert client.post(f"/api/v1/webhook/{pk}/rotate_secret").status_code == 403
    assert client.get("/api/v1/webhook_delivery/").status_code == 403
    assert len(_endpoints(app)) == 1


def test_another_tenants_admin_cannot_reach_an_endpoint(
    app, api, browser, acme_admin, globex_admin
):
    pk = (
        api(acme_admin)
        .post("/api/v1/webhook/", json={"url": PUBLIC_URL, "events": ["deal.won"]})
        .json["id"]
    )
    client = api(globex_admin)
    assert client.get("/api/v1/webhook/").json["count"] == 0
    assert client.get(f"/api/v1/webhook/{pk}").status_code == 404
    assert client.put(f"/api/v1/webhook/{pk}", json={"is_active": False}).status_code == 404
    assert client.post(f"/api/v1/webhook/{pk}/rotate_secret").status_code == 404
    assert client.delete(f"/api/v1/webhook/{pk}").status_code == 404
    b = browser(globex_admin)
    assert b.get(f"/webhooks/show/{pk}").status_code == 404
    assert b.post(f"/webhooks/action/rotate_secret/{pk}").status_code == 404
    assert _endpoints(app)[0].is_active is True


def test_the_openapi_document_describes_every_events_payload(app, api, acme_admin):
    document = api(acme_admin).get("/api/v1/_openapi").json
    hooks = document["x-webhooks"]
    assert set(hooks) == set(webhooks.EVENTS)
    body = hooks["deal.won"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/WebhookEvent.deal"}
    envelope = document["components"]["schemas"]["WebhookEvent.deal"]
    assert "deal.won" in envelope["properties"]["event"]["enum"]
    data_ref = envelope["properties"]["data"]["allOf"][0]["$ref"].rsplit("/", 1)[1]
    assert "title" in document["components"]["schemas"][data_ref]["properties"]
    headers = {p["name"] for p in hooks["deal.won"]["post"]["parameters"]}
    assert "X-Ledgerline-Signature" in headers
