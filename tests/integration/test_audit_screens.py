"""The audit trail on screen and in the API: listed and filtered, never written; each
customer's page shows its timeline."""

from tests import factories


def test_audit_screen_filters_and_api_are_read_only(app, browser, api, acme, acme_admin):
    factories.customer(app, acme, "Listed Ltd")
    b = browser(acme_admin)
    html = b.get("/audit/list/?_flt_0_entity=customer").get_data(as_text=True)
    assert "Listed Ltd" in html
    client = api(acme_admin)
    body = client.get("/api/v1/audit/").json
    assert body["count"] >= 1
    entry_id = body["ids"][0]
    assert client.put(f"/api/v1/audit/{entry_id}", json={"action": "x"}).status_code in (404, 405)
    assert client.delete(f"/api/v1/audit/{entry_id}").status_code in (404, 405)
    assert client.post("/api/v1/audit/", json={"action": "x"}).status_code in (404, 405)
    assert b.get("/audit/add").status_code == 404
    assert b.post(f"/audit/delete/{entry_id}").status_code in (403, 404)


def test_customer_page_shows_its_timeline(app, browser, acme, acme_admin):
    pk = factories.customer(app, acme, "Timeline Ltd")
    factories.contact(app, acme, pk, "Tim Line")
    html = factories.with_tabs(browser(acme_admin), f"/customers/show/{pk}")
    timeline = html[html.index('id="Timeline"') :]
    assert "created" in timeline and "Contact" in timeline and "Tim Line" in timeline
