"""Companies are archived and reactivated, not deleted: from the page, the list and the API,
by those who may edit them, under the same rule as customers."""

import pytest

from crm.models import AuditEntry, Company
from tests import factories
from tests.factories import load


def test_manager_archives_a_company_from_its_page_and_reactivates_it(
    app, browser, acme, acme_manager, db_session
):
    pk = factories.company(app, acme, "Dormant Holding")
    b = browser(acme_manager)
    page = b.get(f"/companies/show/{pk}").get_data(as_text=True)
    assert 'name="action" value="archive"' in page
    assert 'class="label label-success">Active<' in page
    r = b.post("/companies/action_post", {"action": "archive", "rowid": pk})
    assert r.status_code == 302
    assert load(app, Company, pk).is_active is False
    page = b.get(f"/companies/show/{pk}").get_data(as_text=True)
    assert "Dormant Holding was archived." in page
    assert 'class="label crm-badge-archived">Archived<' in page
    assert 'name="action" value="restore"' in page
    assert 'name="action" value="archive"' not in page
    assert b.post("/companies/action_post", {"action": "restore", "rowid": pk}).status_code == 302
    assert load(app, Company, pk).is_active is True
    with db_session() as s:
        actions = [
            e.action
            for e in s.query(AuditEntry)
            .filter_by(entity="company", entity_id=pk)
            .order_by(AuditEntry.id)
        ]
    assert actions == ["create", "archive", "restore"]


def test_archiving_twice_is_refused_with_the_reason(app, browser, acme, acme_manager):
    pk = factories.company(app, acme, "Twice Holding")
    b = browser(acme_manager)
    b.post("/companies/action_post", {"action": "archive", "rowid": pk})
    b.get(f"/companies/show/{pk}")  # shows (and so clears) the first flash
    b.post("/companies/action_post", {"action": "archive", "rowid": pk})
    assert "Twice Holding is already archived." in b.get(f"/companies/show/{pk}").get_data(
        as_text=True
    )


def test_archived_companies_leave_the_default_list_and_the_picker(app, browser, acme, acme_manager):
    kept = factories.company(app, acme, "Kept Holding")
    gone = factories.company(app, acme, "Gone Holding")
    b = browser(acme_manager)
    r = b.post("/companies/action_post", {"action": ["archive"], "rowid": [gone]})
    assert r.status_code == 302
    b.get(f"/companies/show/{gone}")  # clears the flash naming it
    listed = b.get("/companies/list/").get_data(as_text=True)
    assert "Kept Holding" in listed and "Gone Holding" not in listed
    archived = b.get("/companies/list/?archived=1").get_data(as_text=True)
    assert "Gone Holding" in archived and "Kept Holding" not in archived
    assert "crm-badge-archived" in archived
    picked = b.get("/companies/lookup?q=Holding").get_json()
    assert [str(kept)] == [str(r["id"]) for r in picked["results"]]


def test_member_can_neither_see_the_action_nor_use_it(app, browser, acme, acme_member):
    pk = factories.company(app, acme, "Member Holding")
    b = browser(acme_member)
    assert 'value="archive"' not in b.get(f"/companies/show/{pk}").get_data(as_text=True)
    b.post("/companies/action_post", {"action": "archive", "rowid": pk})
    assert load(app, Company, pk).is_active is True


@pytest.mark.parametrize("persona", ["acme_manager", "acme_admin"])
def test_api_archives_and_restores_a_company(app, api, acme, persona, request):
    pk = factories.company(app, acme, "Api Holding")
    client = api(request.getfixturevalue(persona))
    r = client.post(f"/api/v1/company/{pk}/archive")
    assert r.status_code == 200
    assert r.get_json()["result"]["is_active"] is False
    r = client.post(f"/api/v1/company/{pk}/archive")
    assert r.status_code == 409
    assert r.get_json()["message"] == "Api Holding is already archived."
    r = client.post(f"/api/v1/company/{pk}/restore")
    assert r.status_code == 200 and r.get_json()["result"]["is_active"] is True
    assert client.post(f"/api/v1/company/{pk}/restore").status_code == 409


def test_api_refuses_a_member_and_another_tenants_company(
    app, api, acme, acme_member, acme_admin, globex
):
    pk = factories.company(app, acme, "Guarded Holding")
    assert api(acme_member).post(f"/api/v1/company/{pk}/archive").status_code == 403
    other = factories.company(app, globex, "Globex Holding")
    assert api(acme_admin).post(f"/api/v1/company/{other}/archive").status_code == 404
    assert load(app, Company, pk).is_active is True
    assert load(app, Company, other).is_active is True
