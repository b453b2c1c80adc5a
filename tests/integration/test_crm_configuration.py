"""CRM settings and the configuration file: preferences, export, import, reset."""

import io
import json

import pytest

from crm.models import LeadSource, LeadStatus, Pipeline, Stage
from tests import factories, pipeline_settings_support as support
from tests.conftest import make_tenant, make_user


@pytest.fixture
def customised(app, acme, acme_admin, api):
    """Acme's configuration after an admin has shaped it through the API."""
    client = api(acme_admin)
    client.put(
        "/api/v1/crm_settings/", json={"kanban_page_size": 40, "default_deal_currency": "CHF"}
    )
    client.post(
        "/api/v1/lead_status/", json={"name": "Hot", "colour": "#ff0000", "is_default": True}
    )
    client.delete(f"/api/v1/lead_source/{support.ids(app, acme, LeadSource)['Cold call']}")
    client.post("/api/v1/lead_source/", json={"name": "Partner portal", "is_active": False})
    partners = client.post(
        "/api/v1/pipeline/",
        json={"name": "Partners", "description": "Resellers", "is_default": True},
    ).json["id"]
    for body in (
        {"name": "Intro", "is_default": True, "probability": 20},
        {"name": "Signed", "is_won": True, "colour": "#00aa00"},
        {"name": "Gone", "is_lost": True},
    ):
        assert client.post("/api/v1/stage/", json={"pipeline": partners, **body}).status_code == 201
    sales = support.ids(app, acme, Pipeline)["Sales"]
    client.post("/api/v1/pipeline/reorder", json={"ids": [partners, sales]})
    return support.configuration(app, acme)


def fresh_admin(app, name="Initech"):
    tenant = make_tenant(app, name)
    return tenant, make_user(app, tenant, "Admin", f"{name.lower()}-admin")


def test_settings_page_shows_and_saves_preferences(app, acme, acme_admin, browser):
    b = browser(acme_admin)
    page = b.get("/crm-settings/").get_data(as_text=True)
    assert "Kanban cards per page" in page and 'value="20"' in page
    r = b.post("/crm-settings/", {"kanban_page_size": "35", "default_deal_currency": "USD"})
    assert r.status_code == 302
    page = b.get("/crm-settings/").get_data(as_text=True)
    assert 'value="35"' in page
    assert support.configuration(app, acme)["settings"] == {
        "kanban_page_size": 35,
        "show_activity_timeline": False,
        "default_deal_currency": "USD",
        "credit_check_on": "both",
        "default_locale": "en",
        "timezone": "UTC",
        "default_country": None,
        "health_refresh_hour": 2,
        "digest_hour": 7,
    }
    r = b.post("/crm-settings/", {"kanban_page_size": "500", "default_deal_currency": "USD"})
    assert r.status_code == 422 and "Enter a number from 5 to 100" in r.get_data(as_text=True)


def test_settings_api_reads_and_changes_some_keys(app, acme, acme_admin, api):
    client = api(acme_admin)
    assert client.get("/api/v1/crm_settings/").json["result"]["kanban_page_size"] == 20
    r = client.put("/api/v1/crm_settings/", json={"show_activity_timeline": False})
    assert r.status_code == 200 and r.json["result"]["show_activity_timeline"] is False
    r = client.put("/api/v1/crm_settings/", json={"kanban_page_size": 10, "theme": "dark"})
    assert r.status_code == 422 and "theme" in r.json["message"]
    assert client.get("/api/v1/crm_settings/").json["result"]["kanban_page_size"] == 20


def test_turning_the_timeline_off_hides_it_on_record_pages(app, acme, acme_admin, browser, api):
    pk = factories.company(app, acme, "Timeline Test GmbH")
    b = browser(acme_admin)
    assert "No activity recorded yet" not in b.get(f"/companies/show/{pk}").get_data(as_text=True)
    api(acme_admin).put("/api/v1/crm_settings/", json={"show_activity_timeline": False})
    html = b.get(f"/companies/show/{pk}").get_data(as_text=True)
    assert "The activity timeline is turned off" in html and "crm-timeline" not in html
    # Every record page follows it: a deal's, a lead's and a customer's too.
    deal = factories.deal(app, acme, title="Quiet deal")
    lead = factories.lead(app, acme, "Quiet lead")
    customer = factories.customer(app, acme, "Quiet Customer Ltd")
    for url in (f"/deals/show/{deal}", f"/leads/show/{lead}"):
        html = b.get(url).get_data(as_text=True)
        assert "The activity timeline is turned off" in html and "crm-timeline" not in html, url
    tab = b.get(f"/customers/tab/{customer}/Timeline").get_data(as_text=True)
    assert "The activity timeline is turned off" in tab


def test_export_downloads_the_whole_configuration(app, acme, acme_admin, browser, customised):
    r = browser(acme_admin).get("/crm-settings/export")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    document = json.loads(r.get_data())
    assert document["format"] == "ledgerline-crm-configuration"
    assert [p["name"] for p in document["pipelines"]] == ["Partners", "Sales"]
    assert [s["name"] for s in document["pipelines"][0]["stages"]] == ["Intro", "Signed", "Gone"]
    assert document["lead_statuses"][-1] == {
        "name": "Hot",
        "colour": "#ff0000",
        "is_default": True,
        "is_final": False,
    }
    assert document["settings"]["default_deal_currency"] == "CHF"


def test_export_then_import_on_a_fresh_tenant_reproduces_the_configuration(
    app, acme, acme_admin, browser, customised
):
    exported = browser(acme_admin).get("/crm-settings/export").get_data()
    tenant, admin = fresh_admin(app)
    assert support.configuration(app, tenant) != customised
    r = browser(admin).post(
        "/crm-settings/import",
        {"file": (io.BytesIO(exported), "config.json")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Configuration imported" in support.flashes(r.get_data(as_text=True))
    assert support.configuration(app, tenant) == customised


def test_the_api_imports_a_json_body(app, acme, acme_admin, api, customised):
    document = api(acme_admin).get("/api/v1/crm_settings/export").json
    tenant, admin = fresh_admin(app)
    r = api(admin).post("/api/v1/crm_settings/import", json=document)
    assert r.status_code == 200, r.json
    assert r.json["counts"]["pipelines"]["added"] == 4  # Partners and its three stages
    assert support.configuration(app, tenant) == customised


def _valid():
    from crm.services.settings.configuration import default_configuration

    return default_configuration()


def _broken(change):
    document = _valid()
    change(document)
    return json.dumps(document).encode()


INVALID = {
    "not JSON": (b'{"format": ', "not valid JSON"),
    "not an object": (b"[1, 2]", "must hold one JSON object"),
    "another file": (_broken(lambda d: d.update(format="customers")), "not a CRM configuration"),
    "unknown key": (
        _broken(lambda d: d["lead_statuses"][0].update(shade="x")),
        "lead_statuses[0] “New”: unknown key “shade”",
    ),
    "wrong shape": (
        _broken(lambda d: d.update(lead_sources={"Website": True})),
        "lead_sources: must be a list",
    ),
    "duplicate names": (
        _broken(lambda d: d["lead_sources"].append({"name": "website"})),
        "the name “website” appears more than once",
    ),
    "two default statuses": (
        _broken(lambda d: d["lead_statuses"][1].update(is_default=True)),
        "only one default status is allowed, found 2 (“New”, “Contacted”)",
    ),
    "two default pipelines": (
        _broken(lambda d: d["pipelines"].append({"name": "Other", "is_default": True})),
        "only one default pipeline is allowed",
    ),
    "no pipelines": (
        _broken(lambda d: d.update(pipelines=[])),
        "one default pipeline is required, none is marked",
    ),
    "no lead statuses": (
        _broken(lambda d: d.update(lead_statuses=[])),
        "one default status is required, none is marked",
    ),
    "won and lost stage": (
        _broken(lambda d: d["pipelines"][0]["stages"][4].update(is_lost=True)),
        "“Won”: a stage cannot be both won and lost",
    ),
    "bad setting": (
        _broken(lambda d: d.update(settings={"kanban_page_size": 1000})),
        "settings.kanban_page_size: Enter a number from 5 to 100",
    ),
    "bad colour": (
        _broken(lambda d: d["lead_statuses"][2].update(colour="green")),
        "“green” is not a colour like #2e86c1",
    ),
}


@pytest.mark.parametrize("case", INVALID)
def test_an_invalid_file_changes_nothing_and_says_why(app, acme, acme_admin, browser, api, case):
    raw, reason = INVALID[case]
    factories.lead(app, acme, "Keeps its status", status="Contacted")
    before = support.configuration(app, acme)
    r = browser(acme_admin).post(
        "/crm-settings/import",
        {"file": (io.BytesIO(raw), "bad.json")},
        content_type="multipart/form-data",
    )
    html = r.get_data(as_text=True)
    assert r.status_code in (400, 422)
    assert "The file was not imported; nothing was changed" in html
    assert reason in html.replace("&#34;", '"'), html[html.find("crm-import-errors") :][:800]
    r = api(acme_admin).post(
        "/api/v1/crm_settings/import", data=raw, content_type="application/json"
    )
    assert r.status_code in (400, 422)
    assert reason in json.dumps(r.json, ensure_ascii=False)
    assert support.configuration(app, acme) == before


def test_import_keeps_rows_in_use_and_reports_them(app, acme, acme_admin, api):
    factories.lead(app, acme, "Pending", status="Contacted", source="Referral")
    factories.deal(app, acme, stage="Proposal")
    document = _valid()
    document["lead_statuses"] = [s for s in document["lead_statuses"] if s["name"] != "Contacted"]
    document["lead_sources"] = [{"name": "Website"}]
    document["pipelines"][0]["stages"] = [
        s
        for s in document["pipelines"][0]["stages"]
        if s["name"] not in ("Proposal", "Negotiation")
    ]
    r = api(acme_admin).post("/api/v1/crm_settings/import", json=document)
    assert r.status_code == 200
    assert sorted(r.json["kept"]) == [
        "Lead source “Referral” was kept: 1 lead uses it.",
        "Lead status “Contacted” was kept: 1 lead uses it.",
        "Stage “Proposal” was kept: 1 deal is in it.",
    ]
    assert [n for (n,) in support.rows(app, acme, LeadStatus, "name")] == [
        "New",
        "Qualified",
        "Converted",
        "Lost",
        "Contacted",
    ]
    assert sorted(support.ids(app, acme, LeadSource)) == ["Referral", "Website"]
    assert [s[0] for s in support.stages_of(app, acme)] == [
        "Lead",
        "Qualified",
        "Won",
        "Lost",
        "Proposal",
    ]


def test_reset_restores_the_defaults_and_keeps_rows_in_use(
    app, acme, acme_admin, browser, customised
):
    factories.lead(app, acme, "Hot lead", status="Hot")
    factories.deal(app, acme, stage="Signed", pipeline="Partners")
    r = browser(acme_admin).post("/crm-settings/reset", follow_redirects=True)
    shown = support.flashes(r.get_data(as_text=True))
    assert "Configuration reset to the defaults" in shown
    assert "Lead status “Hot” was kept: 1 lead uses it." in shown
    assert "Pipeline “Partners” was kept: 1 deal is in it." in shown
    after = support.configuration(app, acme)
    assert after["settings"] == {
        "kanban_page_size": 20,
        "show_activity_timeline": True,
        "default_deal_currency": "EUR",
        "credit_check_on": "both",
        "default_locale": "en",
        "timezone": "UTC",
        "default_country": None,
        "health_refresh_hour": 2,
        "digest_hour": 7,
    }
    assert [(s["name"], s["is_default"]) for s in after["lead_statuses"]] == [
        ("New", True),
        ("Contacted", False),
        ("Qualified", False),
        ("Converted", False),
        ("Lost", False),
        ("Hot", False),
    ]
    assert [s["name"] for s in after["lead_sources"]] == [
        "Cold call",
        "Referral",
        "Social media",
        "Trade show",
        "Website",
    ]
    assert [(p["name"], p["is_default"]) for p in after["pipelines"]] == [
        ("Sales", True),
        ("Partners", False),
    ]


def test_import_and_reset_are_audited(app, acme, acme_admin, api):
    document = _valid()
    document["lead_statuses"][0]["colour"] = "#000000"
    api(acme_admin).post("/api/v1/crm_settings/import", json=document)
    new = support.ids(app, acme, LeadStatus)["New"]
    assert support.audit_actions(app, acme, "lead_status", new) == ["create", "update"]
    api(acme_admin).post("/api/v1/crm_settings/reset")
    assert support.audit_actions(app, acme, "lead_status", new) == ["create", "update", "update"]


def test_a_partial_file_leaves_other_sections_alone(app, acme, acme_admin, api, customised):
    r = api(acme_admin).post(
        "/api/v1/crm_settings/import",
        json={
            "format": "ledgerline-crm-configuration",
            "version": 1,
            "lead_sources": [{"name": "Website"}, {"name": "Events"}],
        },
    )
    assert r.status_code == 200
    after = support.configuration(app, acme)
    assert [s["name"] for s in after["lead_sources"]] == ["Events", "Website"]
    assert {k: v for k, v in after.items() if k != "lead_sources"} == {
        k: v for k, v in customised.items() if k != "lead_sources"
    }


def test_stage_flags_follow_the_file(app, acme, acme_admin, api):
    """A kept stage gives up the won flag when the file names another won stage."""
    factories.deal(app, acme, stage="Won")
    document = _valid()
    stages = document["pipelines"][0]["stages"]
    document["pipelines"][0]["stages"] = [s for s in stages if s["name"] != "Won"] + [
        {"name": "Closed won", "is_won": True, "probability": 100}
    ]
    assert api(acme_admin).post("/api/v1/crm_settings/import", json=document).status_code == 200
    flags = {s[0]: s[2] for s in support.stages_of(app, acme)}
    assert flags["Closed won"] is True and flags["Won"] is False
    assert [s for s in support.rows(app, acme, Stage, "name", "is_won") if s[1]] == [
        ("Closed won", True)
    ]


def test_the_endpoints_are_documented_in_openapi(app, acme_admin, api):
    paths = api(acme_admin).get("/api/v1/_openapi").json["paths"]
    for path, method in (
        ("/api/v1/crm_settings/export", "get"),
        ("/api/v1/crm_settings/import", "post"),
        ("/api/v1/crm_settings/reset", "post"),
        ("/api/v1/crm_settings/", "put"),
        ("/api/v1/lead_status/reorder", "post"),
        ("/api/v1/pipeline/reorder", "post"),
        ("/api/v1/stage/reorder", "post"),
        ("/api/v1/stage/{pk}/move_deals", "post"),
    ):
        assert method in paths.get(path, {}), path
    assert "nothing changes" in paths["/api/v1/crm_settings/import"]["post"]["description"]
    for resource in ("lead_status", "lead_source", "pipeline", "stage"):
        assert f"/api/v1/{resource}/" in paths
