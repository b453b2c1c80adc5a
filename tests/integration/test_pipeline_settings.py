"""Pipelines: one default, delete refusals with their reasons, enable/disable, order, and the
way to their stages."""

import re

from crm.models import Pipeline
from tests import factories, pipeline_settings_support as support


def pipeline_ids(app, acme):
    return support.ids(app, acme, Pipeline)


def test_a_new_default_pipeline_takes_the_flag_on_screen_and_by_api(
    app, acme, acme_admin, browser, api
):
    r = browser(acme_admin).post(
        "/pipelines/add", {"name": "Enterprise", "is_active": "y", "is_default": "y"}
    )
    assert r.status_code == 302
    assert support.defaults_of(app, acme, Pipeline) == ["Enterprise"]
    r = api(acme_admin).post("/api/v1/pipeline/", json={"name": "SMB", "is_default": True})
    assert r.status_code == 201
    assert support.defaults_of(app, acme, Pipeline) == ["SMB"]
    assert [n for (n,) in support.rows(app, acme, Pipeline, "name")] == [
        "Sales",
        "Enterprise",
        "SMB",
    ]


def test_the_default_pipeline_cannot_be_unchecked_or_disabled(app, acme, acme_admin, browser, api):
    pk = pipeline_ids(app, acme)["Sales"]
    b = browser(acme_admin)
    r = b.post(f"/pipelines/edit/{pk}", {"name": "Sales", "is_active": "y"})
    assert "There must be a default pipeline" in support.flashes(r.get_data(as_text=True))
    r = api(acme_admin).put(f"/api/v1/pipeline/{pk}", json={"is_active": False})
    assert r.status_code == 422 and "must be active" in r.json["errors"]["is_active"][0]
    r = b.post(f"/pipelines/action/toggle_active/{pk}", follow_redirects=True)
    assert "“Sales” is the default pipeline and stays active" in support.flashes(
        r.get_data(as_text=True)
    )
    assert support.load(app, Pipeline, pk).is_active is True


def test_another_pipeline_is_disabled_and_enabled(app, acme, acme_admin, browser):
    pk = support.pipeline(app, acme, "Partners")
    b = browser(acme_admin)
    b.post(f"/pipelines/action/toggle_active/{pk}")
    assert support.load(app, Pipeline, pk).is_active is False
    b.post(f"/pipelines/action/toggle_active/{pk}")
    assert support.load(app, Pipeline, pk).is_active is True


def test_delete_is_refused_for_the_default_for_stages_and_for_deals(
    app, acme, acme_admin, browser, api
):
    b, client = browser(acme_admin), api(acme_admin)
    sales = pipeline_ids(app, acme)["Sales"]
    r = b.post(f"/pipelines/delete/{sales}", follow_redirects=True)
    assert "it is the default pipeline" in support.flashes(r.get_data(as_text=True))

    with_stages = support.pipeline(app, acme, "Partners", ["Intro", "Pilot"])
    r = client.delete(f"/api/v1/pipeline/{with_stages}")
    assert r.status_code == 409
    assert r.json["message"] == (
        "“Partners” cannot be deleted: it has 2 stages (delete them first)."
    )

    factories.deal(app, acme, stage="Intro", pipeline="Partners")
    r = client.delete(f"/api/v1/pipeline/{with_stages}")
    assert "2 stages" in r.json["message"] and "1 deal is in it" in r.json["message"]
    assert set(pipeline_ids(app, acme)) == {"Sales", "Partners"}


def test_an_empty_pipeline_is_deleted(app, acme, acme_admin, browser):
    pk = support.pipeline(app, acme, "Scratch")
    assert browser(acme_admin).post(f"/pipelines/delete/{pk}").status_code == 302
    assert "Scratch" not in pipeline_ids(app, acme)


def test_pipelines_link_to_their_stages(app, acme, acme_admin, browser):
    pk = pipeline_ids(app, acme)["Sales"]
    b = browser(acme_admin)
    listing = b.get("/pipelines/list/").get_data(as_text=True)
    assert f'href="/stages/list/?pipeline={pk}"' in listing
    page = b.get(f"/pipelines/show/{pk}").get_data(as_text=True)
    assert "Manage stages" in page and f"/stages/list/?pipeline={pk}" in page
    assert "Activity" in page  # the record's timeline


def test_pipelines_are_reordered(app, acme, acme_admin, browser, api):
    partners = support.pipeline(app, acme, "Partners")
    sales = pipeline_ids(app, acme)["Sales"]
    b = browser(acme_admin)
    r = b.client.post(
        "/pipelines/reorder", json={"ids": [partners, sales]}, headers={"X-CSRFToken": b.token}
    )
    assert r.status_code == 200
    html = b.get("/pipelines/list/").get_data(as_text=True)
    assert re.findall(r'<tr data-id="(\d+)">', html) == [str(partners), str(sales)]
    assert (
        api(acme_admin)
        .post("/api/v1/pipeline/reorder", json={"ids": [sales, partners]})
        .status_code
        == 200
    )
    assert [n for (n,) in support.rows(app, acme, Pipeline, "name")] == ["Sales", "Partners"]


def test_a_reorder_naming_an_id_beyond_any_row_is_refused(app, acme, acme_admin, api):
    # Larger than the id column holds: PostgreSQL would refuse to compare it.
    for resource in ("stage", "pipeline", "lead_status"):
        r = api(acme_admin).post(f"/api/v1/{resource}/reorder", json={"ids": [6533504390]})
        assert r.status_code == 422, (resource, r.get_json())
        assert "6533504390 is not the id of any row." in str(r.get_json()), resource
