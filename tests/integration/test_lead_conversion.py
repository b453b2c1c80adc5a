"""Converting a lead: customer, company and deal in one go — all or nothing, and only once."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from crm.extensions import db
from crm.models import Company, Customer, Deal, Interaction, Lead, Pipeline, Stage
from crm.security.tenancy import tenant_scope
from tests import factories


def _counts(app):
    with app.app_context():
        counts = {
            m.__name__: db.session.query(m).execution_options(all_tenants=True).count()
            for m in (Customer, Company, Deal)
        }
        db.session.remove()
    return counts


def _lead(app, pk):
    with app.app_context():
        lead = db.session.get(Lead, pk)
        for rel in ("status", "customer", "company", "deal"):
            getattr(lead, rel)
        if lead.deal is not None:
            lead.deal.stage, lead.deal.pipeline  # noqa: B018  (load before detaching)
        db.session.expunge_all()
        db.session.remove()
    return lead


def _stage(app, tenant, pipeline_name, stage_name):
    with app.app_context():
        pk = (
            db.session.query(Stage.id)
            .join(Pipeline)
            .filter(
                Stage.tenant_id == tenant.id,
                Pipeline.name == pipeline_name,
                Stage.name == stage_name,
            )
            .scalar()
        )
        db.session.remove()
    return pk


@pytest.fixture
def qualified_lead(app, acme, acme_member):
    return factories.lead(
        app,
        acme,
        "Office fit-out",
        status="Qualified",
        contact_name="Ada Lovelace",
        contact_email="ada@engines.example",
        contact_phone="+44 20 7946 0958",
        company_name="Analytical Engines",
        value=Decimal("4200.00"),
        assigned_to_id=acme_member.id,
    )


@pytest.fixture
def second_pipeline(app, acme):
    with app.app_context(), tenant_scope(acme.id):
        pipeline = Pipeline(tenant_id=acme.id, name="Partners", position=1)
        pipeline.stages = [
            Stage(tenant_id=acme.id, name="Intro", position=0),
            Stage(tenant_id=acme.id, name="Signed", position=1, is_won=True),
        ]
        db.session.add(pipeline)
        db.session.commit()
        ids = pipeline.id, {s.name: s.id for s in pipeline.stages}
        db.session.remove()
    return ids


# --- happy paths --------------------------------------------------------------------------


def test_api_conversion_creates_a_customer_from_the_lead(
    app, acme, acme_manager, api, qualified_lead
):
    r = api(acme_manager).post(f"/api/v1/lead/{qualified_lead}/convert", json={})
    assert r.status_code == 201, r.json
    assert r.json["customer_created"] is True and r.json["deal_id"] is None
    assert r.json["company_id"] is None
    lead = _lead(app, qualified_lead)
    assert lead.status.name == "Converted" and lead.converted_at is not None
    customer = lead.customer
    assert (customer.id, customer.name, customer.email, customer.phone, customer.kind) == (
        r.json["customer_id"],
        "Ada Lovelace",
        "ada@engines.example",
        "+442079460958",
        "individual",
    )
    assert customer.code.startswith("C")  # the customer rules ran


def test_conversion_reuses_the_customer_with_the_same_email(
    app, acme, acme_manager, api, qualified_lead
):
    existing = factories.customer(app, acme, "Lovelace Holdings", email="ADA@Engines.example")
    before = _counts(app)
    r = api(acme_manager).post(
        f"/api/v1/lead/{qualified_lead}/convert", json={"customer_name": "Ignored name"}
    )
    assert r.status_code == 201, r.json
    assert r.json["customer_id"] == existing and r.json["customer_created"] is False
    assert _counts(app) == before
    customer = _lead(app, qualified_lead).customer
    assert customer.name == "Lovelace Holdings"  # the master record keeps its name
    assert customer.phone == "+442079460958"  # an empty phone is filled in from the lead


def test_conversion_links_an_existing_company(app, acme, acme_manager, api, qualified_lead):
    company = factories.company(app, acme, "Engines plc")
    r = api(acme_manager).post(
        f"/api/v1/lead/{qualified_lead}/convert",
        json={"company_option": "existing", "company_id": company},
    )
    assert r.status_code == 201, r.json
    assert r.json["company_id"] == company and r.json["company_created"] is False
    lead = _lead(app, qualified_lead)
    assert lead.company.id == company and lead.customer.company_id == company


def test_conversion_creates_a_new_company(app, acme, acme_manager, api, qualified_lead):
    r = api(acme_manager).post(
        f"/api/v1/lead/{qualified_lead}/convert",
        json={"company_option": "new", "new_company_name": " Engines Ltd "},
    )
    assert r.status_code == 201, r.json
    assert r.json["company_created"] is True
    lead = _lead(app, qualified_lead)
    assert lead.company.name == "Engines Ltd" and lead.customer.company_id == lead.company.id


def test_conversion_creates_a_deal_in_the_pipelines_default_stage(
    app, acme, acme_manager, acme_member, api, qualified_lead
):
    r = api(acme_manager).post(
        f"/api/v1/lead/{qualified_lead}/convert",
        json={"create_deal": True, "deal_value": "5000", "expected_close_date": "2031-03-31"},
    )
    assert r.status_code == 201, r.json
    deal = _lead(app, qualified_lead).deal
    assert deal.id == r.json["deal_id"]
    assert (deal.title, deal.value, deal.pipeline.name, deal.stage.name) == (
        "Office fit-out",
        Decimal("5000.00"),
        "Sales",
        "Lead",
    )
    assert deal.expected_close_date == dt.date(2031, 3, 31)
    assert deal.customer_id == r.json["customer_id"] and deal.assigned_to_id == acme_member.id


def test_without_a_default_stage_the_deal_goes_to_the_first(
    app, acme, acme_manager, api, qualified_lead, second_pipeline
):
    pipeline, stages = second_pipeline
    r = api(acme_manager).post(
        f"/api/v1/lead/{qualified_lead}/convert",
        json={"create_deal": True, "pipeline_id": pipeline},
    )
    assert r.status_code == 201, r.json
    deal = _lead(app, qualified_lead).deal
    assert (deal.pipeline_id, deal.stage_id, deal.value) == (
        pipeline,
        stages["Intro"],
        Decimal("4200.00"),
    )


def test_the_form_is_prefilled_and_converts(app, acme, acme_manager, browser, qualified_lead):
    existing_company = factories.company(app, acme, "Analytical Engines")
    b = browser(acme_manager)
    html = b.get(f"/leads/convert/{qualified_lead}").get_data(as_text=True)
    assert 'value="Ada Lovelace"' in html and 'value="ada@engines.example"' in html
    assert re.search(r'value="existing"[^>]*checked|checked[^>]*value="existing"', html)
    assert f'<option value="{existing_company}" selected>Analytical Engines</option>' in html
    r = b.post(
        f"/leads/convert/{qualified_lead}",
        {
            "customer_name": "Ada Lovelace",
            "customer_email": "",
            "customer_phone": "",
            "customer_kind": "individual",
            "company_option": "existing",
            "company": existing_company,
            "create_deal": "y",
            "deal_title": "Fit-out",
            "deal_value": "4200.00",
            "pipeline": _pipeline_id(app, acme),
            "stage": _stage(app, acme, "Sales", "Proposal"),
            "expected_close_date": "",
        },
    )
    assert r.status_code == 302, factories.form_errors(r.get_data(as_text=True))
    lead = _lead(app, qualified_lead)
    assert lead.company.id == existing_company and lead.deal.stage.name == "Proposal"
    assert lead.customer.email == "ada@engines.example"  # defaulted from the lead
    show = b.get(f"/leads/show/{qualified_lead}").get_data(as_text=True)
    assert f'/customers/show/{lead.customer.id}"' in show and "Fit-out" in show
    assert "Convert lead" not in show and "converted" in show


def _pipeline_id(app, tenant):
    with app.app_context():
        pk = db.session.query(Pipeline.id).filter_by(tenant_id=tenant.id, name="Sales").scalar()
        db.session.remove()
    return pk


# --- refusals: nothing is written -----------------------------------------------------------


def test_a_stage_of_another_pipeline_leaves_nothing_behind(
    app, acme, acme_manager, api, qualified_lead, second_pipeline
):
    before = _counts(app)
    r = api(acme_manager).post(
        f"/api/v1/lead/{qualified_lead}/convert",
        json={
            "company_option": "new",
            "new_company_name": "Half Done Ltd",
            "create_deal": True,
            "pipeline_id": _pipeline_id(app, acme),
            "stage_id": second_pipeline[1]["Intro"],
        },
    )
    assert r.status_code == 422
    assert "another pipeline" in r.json["errors"]["stage_id"][0]
    assert _counts(app) == before
    lead = _lead(app, qualified_lead)
    assert lead.converted_at is None and lead.status.name == "Qualified" and lead.customer is None


def test_an_invalid_new_company_leaves_nothing_behind(app, acme, acme_manager, api, qualified_lead):
    before = _counts(app)
    r = api(acme_manager).post(
        f"/api/v1/lead/{qualified_lead}/convert",
        json={"company_option": "new", "new_company_name": "x" * 300, "create_deal": True},
    )
    assert r.status_code == 422 and "new_company_name" in r.json["message"]
    assert _counts(app) == before
    assert _lead(app, qualified_lead).converted_at is None


def test_a_failed_form_conversion_keeps_the_input_and_writes_nothing(
    app, acme, acme_manager, browser, qualified_lead
):
    before = _counts(app)
    r = browser(acme_manager).post(
        f"/leads/convert/{qualified_lead}",
        {
            "customer_name": "Ada",
            "customer_email": "not an email",
            "customer_kind": "individual",
            "company_option": "new",
            "new_company_name": "",
            "deal_title": "",
        },
    )
    assert r.status_code == 200
    errors = factories.form_errors(r.get_data(as_text=True))
    assert any("not a valid email" in e for e in errors)
    assert any("new company" in e for e in errors)
    assert _counts(app) == before


@pytest.mark.parametrize(
    "body, field",
    [
        ({"company_option": "sideways"}, "company_option"),
        ({"company_option": "existing"}, "company_id"),
        ({"company_option": "existing", "company_id": "abc"}, "company_id"),
        ({"create_deal": True, "deal_value": "-1"}, "deal_value"),
        ({"create_deal": True, "deal_value": "lots"}, "deal_value"),
        ({"create_deal": True, "expected_close_date": "31/03/2031"}, "expected_close_date"),
        ({"create_deal": True, "pipeline_id": 999999}, "pipeline_id"),
        ({"customer_kind": "robot"}, "customer_kind"),
        ({"customer_name": ["a"]}, "customer_name"),
    ],
)
def test_bad_conversion_requests_name_the_field(
    app, acme, acme_manager, api, qualified_lead, body, field
):
    before = _counts(app)
    r = api(acme_manager).post(f"/api/v1/lead/{qualified_lead}/convert", json=body)
    assert r.status_code == 422, r.json
    assert field in r.json["message"]
    assert _counts(app) == before


def test_without_any_email_the_conversion_is_refused(app, acme, acme_manager, api):
    pk = factories.lead(app, acme, "Anonymous lead", contact_name="Nobody")
    r = api(acme_manager).post(f"/api/v1/lead/{pk}/convert", json={})
    assert r.status_code == 422
    assert "email" in r.json["errors"]["customer_email"][0]
    r = api(acme_manager).post(
        f"/api/v1/lead/{pk}/convert", json={"customer_email": "nobody@x.example"}
    )
    assert r.status_code == 201


def test_an_archived_customer_with_the_email_is_not_reused(
    app, acme, acme_manager, api, qualified_lead, db_session
):
    pk = factories.customer(app, acme, "Old Ada", email="ada@engines.example")
    with db_session() as s, tenant_scope(acme.id):
        s.get(Customer, pk).is_active = False
        s.commit()
    r = api(acme_manager).post(f"/api/v1/lead/{qualified_lead}/convert", json={})
    assert r.status_code == 422 and "archived" in r.json["errors"]["customer_email"][0]


def test_a_lead_converts_once(app, acme, acme_manager, api, browser, qualified_lead):
    client = api(acme_manager)
    assert client.post(f"/api/v1/lead/{qualified_lead}/convert", json={}).status_code == 201
    before = _counts(app)
    r = client.post(
        f"/api/v1/lead/{qualified_lead}/convert", json={"customer_email": "new@x.example"}
    )
    assert r.status_code == 409 and "already converted" in r.json["message"]
    r = browser(acme_manager).get(f"/leads/convert/{qualified_lead}")
    assert r.status_code == 302
    assert _counts(app) == before


def test_converted_leads_and_what_they_link_to_are_kept(app, acme, acme_admin, api, qualified_lead):
    client = api(acme_admin)
    r = client.post(f"/api/v1/lead/{qualified_lead}/convert", json={"create_deal": True})
    assert r.status_code == 201
    refused = client.delete(f"/api/v1/lead/{qualified_lead}")
    assert refused.status_code == 409 and "converted" in refused.json["message"]
    refused = client.delete(f"/api/v1/customer/{r.json['customer_id']}")
    assert refused.status_code == 409 and "lead" in refused.json["message"]
    assert _lead(app, qualified_lead).customer is not None


def test_conversion_needs_the_add_permission(app, acme, acme_member, api, browser, qualified_lead):
    assert (
        api(acme_member).post(f"/api/v1/lead/{qualified_lead}/convert", json={}).status_code == 403
    )
    assert browser(acme_member).post(f"/leads/convert/{qualified_lead}", {}).status_code == 403
    assert _lead(app, qualified_lead).converted_at is None


def test_the_timeline_records_the_conversion(app, acme, acme_manager, api, browser, qualified_lead):
    api(acme_manager).post(f"/api/v1/lead/{qualified_lead}/convert", json={})
    html = browser(acme_manager).get(f"/leads/show/{qualified_lead}").get_data(as_text=True)
    assert re.search(r"converted into Ada Lovelace</i>\s*<b>converted</b>", html)


@pytest.mark.parametrize(
    "data, content_type",
    [
        ("not json", "application/json"),
        ("[1, 2]", "application/json"),
        ("customer_name=x", "application/x-www-form-urlencoded"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_400_and_converts_nothing(
    app, acme, acme_manager, api, qualified_lead, data, content_type
):
    r = api(acme_manager).post(
        f"/api/v1/lead/{qualified_lead}/convert", data=data, content_type=content_type
    )
    assert r.status_code == 400
    assert _lead(app, qualified_lead).converted_at is None


def test_the_leads_interactions_move_to_the_customer_it_becomes(
    app, acme, acme_manager, api, qualified_lead, db_session
):
    from crm.services.pipeline.interactions import log_interaction

    with db_session() as s, tenant_scope(acme.id):
        logged = log_interaction(s, None, "First call", kind="call", lead=qualified_lead).id
        s.commit()
    r = api(acme_manager).post(f"/api/v1/lead/{qualified_lead}/convert", json={"create_deal": True})
    assert r.status_code == 201, r.json
    with db_session() as s, tenant_scope(acme.id):
        moved = s.get(Interaction, logged)
        assert (moved.lead_id, moved.customer_id, moved.deal_id) == (
            qualified_lead,
            r.json["customer_id"],
            r.json["deal_id"],
        )
    customer_page = api(acme_manager).get(f"/api/v1/interaction/{logged}")
    assert customer_page.json["result"]["customer"]["id"] == r.json["customer_id"]
