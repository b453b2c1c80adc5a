"""Lead sources: unique names, the active toggle, and no deleting a source leads came from."""

from crm.models import LeadSource
from tests import factories, pipeline_settings_support as support


def test_names_are_unique_ignoring_case(app, acme, acme_admin, browser, api):
    r = browser(acme_admin).post("/lead-sources/add", {"name": "website", "is_active": "y"})
    assert "“website” already exists" in support.flashes(r.get_data(as_text=True))
    r = api(acme_admin).post("/api/v1/lead_source/", json={"name": "Partner portal"})
    assert r.status_code == 201
    assert support.load(app, LeadSource, r.json["id"]).is_active is True


def test_a_source_in_use_can_be_deactivated_but_not_deleted(app, acme, acme_admin, browser, api):
    factories.lead(app, acme, "From the fair", source="Trade show")
    pk = support.ids(app, acme, LeadSource)["Trade show"]
    b = browser(acme_admin)
    r = b.post(f"/lead-sources/delete/{pk}", follow_redirects=True)
    assert (
        "“Trade show” is the source of 1 lead and cannot be deleted; deactivate it instead"
        in support.flashes(r.get_data(as_text=True))
    )
    assert api(acme_admin).delete(f"/api/v1/lead_source/{pk}").status_code == 409
    r = b.post(f"/lead-sources/action/toggle_active/{pk}", follow_redirects=True)
    assert "Trade show is now inactive" in support.flashes(r.get_data(as_text=True))
    assert support.load(app, LeadSource, pk).is_active is False
    assert support.audit_actions(app, acme, "lead_source", pk) == ["create", "update"]


def test_an_unused_source_is_deleted(app, acme, acme_admin, browser):
    pk = support.ids(app, acme, LeadSource)["Cold call"]
    assert browser(acme_admin).post(f"/lead-sources/delete/{pk}").status_code == 302
    assert "Cold call" not in support.ids(app, acme, LeadSource)
