"""Custom fields a tenant defines (text, number, date, choice) and their values on customers."""

from crm.models import CustomFieldDefinition, CustomFieldValue
from tests import factories
from tests.factories import form_errors


def _define(browser_admin):
    for field in (
        {
            "label": "Tier",
            "name": "tier",
            "field_type": "choice",
            "choices": "Gold\nSilver",
            "required": "y",
            "position": "1",
            "is_active": "y",
        },
        {
            "label": "Employees",
            "name": "employees",
            "field_type": "number",
            "position": "2",
            "is_active": "y",
        },
        {
            "label": "Since",
            "name": "since",
            "field_type": "date",
            "position": "3",
            "is_active": "y",
        },
    ):
        r = browser_admin.post("/custom-fields/add", field)
        assert r.status_code == 302, form_errors(r.get_data(as_text=True))


def test_define_fields_and_fill_them_in(app, browser, acme, acme_admin, db_session):
    b = browser(acme_admin)
    _define(b)
    pk = factories.customer(app, acme)
    page = b.get(f"/customers/show/{pk}").get_data(as_text=True)
    assert 'name="cf_tier"' in page and "Silver" in page
    r = b.post(
        f"/customers/custom-fields/{pk}",
        {"cf_tier": "Gold", "cf_employees": "250", "cf_since": "2019-04-01"},
    )
    assert r.status_code == 302
    with db_session() as s:
        values = {v.definition.name: v.value for v in s.query(CustomFieldValue)}
    assert values == {"tier": "Gold", "employees": "250", "since": "2019-04-01"}


def test_invalid_values_change_nothing(app, browser, acme, acme_admin, db_session):
    b = browser(acme_admin)
    _define(b)
    pk = factories.customer(app, acme)
    r = b.post(
        f"/customers/custom-fields/{pk}",
        {"cf_tier": "Bronze", "cf_employees": "many", "cf_since": "soon"},
    )
    page = b.get(r.location).get_data(as_text=True)
    assert "Choose one of" in page and "Enter a number" in page and "Enter a date" in page
    with db_session() as s:
        assert s.query(CustomFieldValue).count() == 0


def test_custom_fields_over_the_api(app, api, browser, acme, acme_admin, acme_manager):
    _define(browser(acme_admin))
    pk = factories.customer(app, acme)
    client = api(acme_manager)
    r = client.put(
        f"/api/v1/customer/{pk}/custom_fields", json={"tier": "Silver", "employees": "12"}
    )
    assert r.status_code == 200 and r.json["result"] == {"tier": "Silver", "employees": "12"}
    r = client.put(f"/api/v1/customer/{pk}/custom_fields", json={"tier": "", "colour": "red"})
    assert r.status_code == 422
    assert set(r.json["errors"]) == {"tier", "colour"}


def test_choice_field_needs_options(app, browser, acme_admin, db_session):
    r = browser(acme_admin).post(
        "/custom-fields/add",
        {"label": "Tier", "name": "tier", "field_type": "choice", "position": "0"},
    )
    assert any("at least one option" in e for e in form_errors(r.get_data(as_text=True)))
    with db_session() as s:
        assert s.query(CustomFieldDefinition).count() == 0
