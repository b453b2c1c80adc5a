"""A user of one tenant never sees or moves another tenant's deals, whatever id they send:
every deal route — screens, board cards, drops, the API and its stage endpoint — answers 404."""

import re

import pytest

from tests import factories

DEAL_ENDPOINTS = ("DealView.", "DealBoardView.", "DealApi.")


@pytest.fixture
def globex_deal(app, globex):
    customer = factories.customer(app, globex, "Globex Secret Buyer", email="secret@globex.example")
    pk = factories.deal(app, globex, "Globex Secret Deal", stage="Proposal", customer_id=customer)
    return pk, factories.sales(app, globex)


def id_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(DEAL_ENDPOINTS) and {"pk", "stage_id", "column_id"} & set(
            rule.arguments
        ):
            yield rule


def test_every_deal_route_with_an_id_answers_404(app, acme, acme_admin, browser, api, globex_deal):
    pk, globex_sales = globex_deal
    stage_id = globex_sales.stages["Proposal"]
    values = {"pk": pk, "stage_id": stage_id, "column_id": stage_id, "name": "muldelete"}
    b, client = browser(acme_admin), api(acme_admin)
    checked = []
    for rule in id_routes(app):
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if url.startswith("/api/"):
                response = getattr(client, method.lower())(
                    url, json={"title": "hijack", "stage_id": globex_sales.stages["Won"]}
                )
            elif method == "GET":
                response = b.get(url)
            else:
                response = b.post(url, {"title": "hijack", "stage_id": globex_sales.stages["Won"]})
            assert response.status_code == 404, f"{method} {url} -> {response.status_code}"
            checked.append(f"{method} {rule.rule}")
    for expected in (
        "GET /deal-board/cards/<int:column_id>",
        "PUT /api/v1/deal/<int:pk>/stage",
        "POST /deals/stage/<int:pk>",
        "GET /deals/show/<pk>",
        "POST /deals/edit/<pk>",
        "PUT /api/v1/deal/<pk>",
        "DELETE /api/v1/deal/<pk>",
    ):
        assert expected in checked
    deal = factories.load_deal(app, pk)
    assert (deal.title, deal.stage_name) == ("Globex Secret Deal", "Proposal")


def test_drops_naming_another_tenants_deal_or_stage_answer_404(
    app, acme, acme_admin, browser, globex_deal
):
    pk, globex_sales = globex_deal
    acme_sales = factories.sales(app, acme)
    own = factories.deal(app, acme, "Own deal")
    b = browser(acme_admin)
    for body in (
        {"id": pk, "column_id": acme_sales.stages["Won"]},
        {"id": own, "column_id": globex_sales.stages["Won"]},
    ):
        r = b.client.post("/deal-board/move", json=body, headers={"X-CSRFToken": b.token})
        assert r.status_code == 404, body
    assert factories.load_deal(app, pk).stage_name == "Proposal"
    assert factories.load_deal(app, own).stage_name == "Lead"


def test_the_stage_api_refuses_another_tenants_stage(app, acme, acme_admin, api, globex_deal):
    _, globex_sales = globex_deal
    own = factories.deal(app, acme, "Own deal")
    r = api(acme_admin).put(
        f"/api/v1/deal/{own}/stage", json={"stage_id": globex_sales.stages["Won"]}
    )
    assert r.status_code == 404
    assert factories.load_deal(app, own).stage_name == "Lead"


def test_lists_boards_and_forms_show_only_own_deals(
    app, acme, acme_admin, browser, api, globex_deal
):
    pk, globex_sales = globex_deal
    factories.deal(app, acme, "Own deal")
    b = browser(acme_admin)
    for page in (
        "/deals/list/",
        "/deal-board/",
        "/deals/add",
        f"/deal-board/cards/{factories.sales(app, acme).stages['Lead']}?offset=0",
    ):
        html = b.get(page).get_data(as_text=True)
        assert "Globex Secret" not in html, page
    assert b.get(f"/deal-board/?pipeline={globex_sales.id}").status_code == 404
    body = api(acme_admin).get("/api/v1/deal/").json
    assert body["count"] == 1 and "Globex" not in str(body["result"])


def test_a_deal_cannot_point_at_another_tenants_records(
    app, acme, globex, acme_admin, api, browser, globex_deal
):
    _, globex_sales = globex_deal
    foreign_customer = factories.customer(app, globex, "Another Globex Buyer")
    acme_sales = factories.sales(app, acme)
    client = api(acme_admin)
    for body in (
        {"title": "X", "pipeline": globex_sales.id},
        {"title": "X", "pipeline": acme_sales.id, "stage": globex_sales.stages["Lead"]},
        {"title": "X", "pipeline": acme_sales.id, "customer": foreign_customer},
    ):
        assert client.post("/api/v1/deal/", json=body).status_code == 422, body
    r = browser(acme_admin).post(
        "/deals/add",
        {
            "title": "X",
            "pipeline": acme_sales.id,
            "stage": "__None",
            "customer": foreign_customer,
            "assigned_to": "__None",
        },
    )
    assert r.status_code == 200  # re-rendered with the picker's message
    assert client.get("/api/v1/deal/").json["count"] == 0
