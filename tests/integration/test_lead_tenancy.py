"""Another tenant's leads, statuses, companies, pipelines and users are unknown on every lead route."""

import pytest

from crm.extensions import db
from crm.models import Customer, Deal, Lead, LeadStatus, Pipeline, Stage
from tests import factories
from tests.conftest import make_user


def _ids(app, tenant):
    with app.app_context():
        statuses = {
            s.name: s.id for s in db.session.query(LeadStatus).filter_by(tenant_id=tenant.id)
        }
        pipeline = db.session.query(Pipeline).filter_by(tenant_id=tenant.id).one()
        stage = db.session.query(Stage.id).filter_by(pipeline_id=pipeline.id).first()[0]
        ids = {"statuses": statuses, "pipeline": pipeline.id, "stage": stage}
        db.session.remove()
    return ids


@pytest.fixture
def globex_lead(app, globex):
    return factories.lead(
        app,
        globex,
        "Globex secret lead",
        contact_email="secret@globex.example",
        company_name="Globex Hidden Co",
    )


def _snapshot(app, pk):
    with app.app_context():
        lead = db.session.get(Lead, pk)
        state = (
            lead.title,
            lead.status_id,
            lead.converted_at,
            db.session.query(Customer).execution_options(all_tenants=True).count(),
            db.session.query(Deal).execution_options(all_tenants=True).count(),
        )
        db.session.remove()
    return state


def test_every_lead_route_answers_404_for_another_tenants_lead(
    app, acme, globex, acme_admin, browser, api, globex_lead
):
    before = _snapshot(app, globex_lead)
    b, client = browser(acme_admin), api(acme_admin)
    for url in (
        f"/leads/show/{globex_lead}",
        f"/leads/edit/{globex_lead}",
        f"/leads/convert/{globex_lead}",
    ):
        assert b.get(url).status_code == 404, url
    for url in (
        f"/leads/edit/{globex_lead}",
        f"/leads/convert/{globex_lead}",
        f"/leads/delete/{globex_lead}",
    ):
        assert b.post(url, {"title": "hijack", "customer_name": "x"}).status_code == 404, url
    assert client.get(f"/api/v1/lead/{globex_lead}").status_code == 404
    assert client.put(f"/api/v1/lead/{globex_lead}", json={"title": "hijack"}).status_code == 404
    assert client.post(f"/api/v1/lead/{globex_lead}/convert", json={}).status_code == 404
    assert client.delete(f"/api/v1/lead/{globex_lead}").status_code == 404
    assert _snapshot(app, globex_lead) == before


def test_the_board_knows_only_its_own_tenants_leads_and_statuses(
    app, acme, globex, acme_manager, browser, globex_lead
):
    own = factories.lead(app, acme, "Acme own lead")
    acme_ids, globex_ids = _ids(app, acme), _ids(app, globex)
    b = browser(acme_manager)
    html = b.get("/lead-board/").get_data(as_text=True)
    assert "Globex" not in html
    for status_id in globex_ids["statuses"].values():
        assert f'data-column-id="{status_id}"' not in html
        r = b.get(f"/lead-board/cards/{status_id}")
        assert r.status_code == 404 and r.is_json
    cards = b.get(f"/lead-board/cards/{acme_ids['statuses']['New']}").json["cards"]
    assert [c["id"] for c in cards] == [own]
    headers = {"X-CSRFToken": b.token}
    r = b.client.post(
        "/lead-board/move",
        headers=headers,
        json={"id": globex_lead, "column_id": acme_ids["statuses"]["Contacted"]},
    )
    assert r.status_code == 404 and r.is_json
    r = b.client.post(
        "/lead-board/move",
        headers=headers,
        json={"id": own, "column_id": globex_ids["statuses"]["Contacted"]},
    )
    assert r.status_code == 404 and r.is_json
    with app.app_context():
        assert db.session.get(Lead, own).status_id == acme_ids["statuses"]["New"]
        assert db.session.get(Lead, globex_lead).status_id == globex_ids["statuses"]["New"]


def test_conversion_refuses_another_tenants_company_pipeline_and_stage(
    app, acme, globex, acme_manager, api
):
    pk = factories.lead(app, acme, "Own lead", contact_email="own@acme.example")
    globex_company = factories.company(app, globex, "Globex Parent")
    globex_ids = _ids(app, globex)
    client = api(acme_manager)
    for body, field in (
        ({"company_option": "existing", "company_id": globex_company}, "company_id"),
        ({"create_deal": True, "pipeline_id": globex_ids["pipeline"]}, "pipeline_id"),
        ({"create_deal": True, "stage_id": globex_ids["stage"]}, "stage_id"),
    ):
        r = client.post(f"/api/v1/lead/{pk}/convert", json=body)
        assert r.status_code == 422 and field in r.json["errors"], body
    with app.app_context():
        assert db.session.get(Lead, pk).converted_at is None


def test_a_customer_of_another_tenant_with_the_email_is_not_reused(
    app, acme, globex, acme_manager, api
):
    theirs = factories.customer(app, globex, "Globex Twin", email="twin@example.com")
    pk = factories.lead(app, acme, "Twin lead", contact_email="twin@example.com")
    r = api(acme_manager).post(f"/api/v1/lead/{pk}/convert", json={})
    assert r.status_code == 201 and r.json["customer_created"] is True
    assert r.json["customer_id"] != theirs


def test_lead_forms_and_api_refuse_another_tenants_status_source_and_user(
    app, acme, globex, acme_manager, browser, api
):
    globex_ids = _ids(app, globex)
    globex_user = make_user(app, globex, "Member", "globex-member")
    client = api(acme_manager)
    for body in (
        {"title": "X", "status": globex_ids["statuses"]["Qualified"]},
        {"title": "X", "assigned_to": globex_user.id},
    ):
        assert client.post("/api/v1/lead/", json=body).status_code == 422, body
        form = {k: str(v) for k, v in body.items()}
        assert browser(acme_manager).post("/leads/add", form).status_code == 200, body
    with app.app_context():
        assert db.session.query(Lead).count() == 0


def test_lists_and_searches_show_only_own_leads(
    app, acme, globex, acme_admin, browser, api, globex_lead
):
    factories.lead(app, acme, "Acme visible lead")
    b = browser(acme_admin)
    for url in ("/leads/list/", "/leads/list/?q=secret", "/leads/list/?q=globex"):
        assert "Globex secret lead" not in b.get(url).get_data(as_text=True)
    body = api(acme_admin).get("/api/v1/lead/").json
    assert [r["title"] for r in body["result"]] == ["Acme visible lead"]
