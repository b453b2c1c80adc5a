"""Only Admins change the sales pipeline settings; Managers and Members read them. Another
tenant's settings are not found, whatever id is guessed."""

import io
import json

import pytest

from crm.models import LeadSource, LeadStatus, Pipeline
from tests import factories, pipeline_settings_support as support
from tests.conftest import make_user


@pytest.fixture
def reader(app, acme, request):
    return make_user(app, acme, request.param, f"acme-{request.param.lower()}")


def acme_ids(app, acme):
    return {
        "status": support.ids(app, acme, LeadStatus)["Contacted"],
        "source": support.ids(app, acme, LeadSource)["Referral"],
        "pipeline": support.ids(app, acme, Pipeline)["Sales"],
        "stage": support.stage_id(app, acme, "Proposal"),
        "target": support.stage_id(app, acme, "Qualified"),
    }


def screen_changes(ids, config):
    """(method, url, form) of every change a settings screen offers."""
    changes = []
    for base, key, form in (
        ("/lead-statuses", "status", {"name": "X", "is_default": "y"}),
        ("/lead-sources", "source", {"name": "X"}),
        ("/pipelines", "pipeline", {"name": "X", "is_default": "y"}),
        ("/stages", "stage", {"name": "X", "is_won": "y"}),
    ):
        pk = ids[key]
        changes += [
            ("get", f"{base}/add", None),
            ("post", f"{base}/add", form),
            ("get", f"{base}/edit/{pk}", None),
            ("post", f"{base}/edit/{pk}", form),
            ("post", f"{base}/delete/{pk}", {}),
        ]
    changes += [
        ("post", f"/lead-sources/action/toggle_active/{ids['source']}", {}),
        ("post", f"/pipelines/action/toggle_active/{ids['pipeline']}", {}),
        ("get", f"/stages/move-deals/{ids['stage']}", None),
        ("post", f"/stages/move-deals/{ids['stage']}", {"target": str(ids["target"])}),
        ("post", "/crm-settings/", {"kanban_page_size": "50"}),
        ("post", "/crm-settings/import", {"file": (io.BytesIO(config), "c.json")}),
        ("post", "/crm-settings/reset", {}),
    ]
    return changes


def api_changes(ids, config):
    changes = []
    for resource, key, body in (
        ("lead_status", "status", {"name": "X", "is_default": True}),
        ("lead_source", "source", {"name": "X"}),
        ("pipeline", "pipeline", {"name": "X", "is_default": True}),
        ("stage", "stage", {"name": "X", "pipeline": ids["pipeline"]}),
    ):
        pk = ids[key]
        changes += [
            ("post", f"/api/v1/{resource}/", body),
            ("put", f"/api/v1/{resource}/{pk}", {"name": "Renamed"}),
            ("delete", f"/api/v1/{resource}/{pk}", None),
        ]
    changes += [
        ("post", f"/api/v1/{resource}/reorder", {"ids": []})
        for resource in ("lead_status", "pipeline", "stage")
    ]
    changes += [
        ("post", f"/api/v1/stage/{ids['stage']}/move_deals", {"target": ids["target"]}),
        ("put", "/api/v1/crm_settings/", {"kanban_page_size": 50}),
        ("post", "/api/v1/crm_settings/import", json.loads(config)),
        ("post", "/api/v1/crm_settings/reset", None),
    ]
    return changes


@pytest.mark.parametrize("reader", ["Manager", "Member"], indirect=True)
def test_managers_and_members_are_refused_every_change(
    app, acme, acme_admin, reader, browser, api, db_session
):
    factories.deal(app, acme, stage="Proposal")
    ids = acme_ids(app, acme)
    config = browser(acme_admin).get("/crm-settings/export").get_data()
    before = support.configuration(app, acme)
    b, client = browser(reader), api(reader)
    for method, url, form in screen_changes(ids, config):
        if method == "get":
            response = b.get(url)
        else:
            response = b.post(
                url, form, content_type="multipart/form-data" if "import" in url else None
            )
        # FAB's single-row actions answer a refusal with a redirect and "Access is Denied".
        refused = (302, 403) if "/action/" in url else (403,)
        assert response.status_code in refused, f"{method} {url}"
    for path in ("/lead-statuses/reorder", "/pipelines/reorder", "/stages/reorder"):
        response = b.client.post(path, json={"ids": []}, headers={"X-CSRFToken": b.token})
        assert response.status_code == 403, path
    for method, url, body in api_changes(ids, config):
        response = getattr(client, method)(url, **({"json": body} if body is not None else {}))
        assert response.status_code == 403, f"{method} {url}"
    assert support.configuration(app, acme) == before


@pytest.mark.parametrize("reader", ["Manager", "Member"], indirect=True)
def test_managers_and_members_read_the_settings(app, acme, reader, browser, api):
    ids = acme_ids(app, acme)
    b, client = browser(reader), api(reader)
    for url in (
        "/lead-statuses/list/",
        f"/lead-statuses/show/{ids['status']}",
        "/lead-sources/list/",
        f"/lead-sources/show/{ids['source']}",
        "/pipelines/list/",
        f"/pipelines/show/{ids['pipeline']}",
        "/stages/list/",
        f"/stages/list/?pipeline={ids['pipeline']}",
        f"/stages/show/{ids['stage']}",
        "/crm-settings/",
        "/crm-settings/export",
    ):
        assert b.get(url).status_code == 200, url
    for url in (
        "/api/v1/lead_status/",
        f"/api/v1/lead_status/{ids['status']}",
        "/api/v1/lead_source/",
        f"/api/v1/lead_source/{ids['source']}",
        "/api/v1/pipeline/",
        f"/api/v1/pipeline/{ids['pipeline']}",
        "/api/v1/stage/",
        f"/api/v1/stage/{ids['stage']}",
        "/api/v1/crm_settings/",
        "/api/v1/crm_settings/export",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("reader", ["Member"], indirect=True)
def test_readers_are_not_offered_changes(app, acme, reader, browser):
    b = browser(reader)
    statuses = b.get("/lead-statuses/list/").get_data(as_text=True)
    assert "crm-sortable" not in statuses and "reorder.js" not in statuses
    assert "Add a stage to" not in b.get("/stages/list/").get_data(as_text=True)
    settings = b.get("/crm-settings/").get_data(as_text=True)
    assert "Save settings" not in settings and "crm-import-form" not in settings
    assert "crm-reset-form" not in settings and "Export as JSON" in settings


def test_another_tenants_settings_are_not_found(app, acme, acme_admin, globex, browser, api):
    factories.deal(app, globex, stage="Proposal")
    theirs = acme_ids(app, globex)
    before = support.configuration(app, globex)
    b, client = browser(acme_admin), api(acme_admin)
    for base, key in (
        ("/lead-statuses", "status"),
        ("/lead-sources", "source"),
        ("/pipelines", "pipeline"),
        ("/stages", "stage"),
    ):
        pk = theirs[key]
        assert b.get(f"{base}/show/{pk}").status_code == 404
        assert b.get(f"{base}/edit/{pk}").status_code == 404
        assert b.post(f"{base}/edit/{pk}", {"name": "Hijack"}).status_code == 404
        assert b.post(f"{base}/delete/{pk}").status_code == 404
    assert b.get(f"/stages/move-deals/{theirs['stage']}").status_code == 404
    assert (
        b.post(
            f"/stages/move-deals/{theirs['stage']}", {"target": str(theirs["target"])}
        ).status_code
        == 404
    )
    assert b.get(f"/stages/list/?pipeline={theirs['pipeline']}").status_code == 404
    for resource, key in (
        ("lead_status", "status"),
        ("lead_source", "source"),
        ("pipeline", "pipeline"),
        ("stage", "stage"),
    ):
        pk = theirs[key]
        assert client.get(f"/api/v1/{resource}/{pk}").status_code == 404
        assert client.put(f"/api/v1/{resource}/{pk}", json={"name": "Hijack"}).status_code == 404
        assert client.delete(f"/api/v1/{resource}/{pk}").status_code == 404
    r = client.post(
        f"/api/v1/stage/{theirs['stage']}/move_deals", json={"target": theirs["target"]}
    )
    assert r.status_code == 404
    # Their ids in our requests are unknown ids: refused, nothing moves.
    ours = support.stage_id(app, acme, "Proposal")
    r = client.post(f"/api/v1/stage/{ours}/move_deals", json={"target": theirs["target"]})
    assert r.status_code == 422
    r = client.post("/api/v1/stage/reorder", json={"ids": [theirs["target"], theirs["stage"]]})
    assert r.status_code == 422
    r = client.post(
        "/api/v1/lead_status/reorder",
        json={"ids": list(support.ids(app, globex, LeadStatus).values())},
    )
    assert r.status_code == 422
    r = client.post("/api/v1/stage/", json={"pipeline": theirs["pipeline"], "name": "Hijack"})
    assert r.status_code == 422
    listed = client.get("/api/v1/stage/?q=(page_size:100)").json
    assert listed["count"] == 6
    assert support.configuration(app, globex) == before
