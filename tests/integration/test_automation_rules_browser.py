"""In headless Chromium: an Admin builds a round-robin rule for new leads from the form's
rows, seeing only the inputs each choice needs, saves it, and it hands out the next lead."""

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.models import AutomationRule, Lead
from tests.browser_support import chromium, live_server, signed_in
from tests.conftest import make_user

pytestmark = pytest.mark.browser


def test_an_admin_builds_a_round_robin_rule_in_the_form(app, api, acme, acme_admin):
    sellers = [make_user(app, acme, "Member", f"rota-{n}") for n in (1, 2)]
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_admin.username)
        page.goto(f"{base}/automation/add")
        page.fill("input[name=name]", "Share the leads")
        page.select_option("select[name=entity]", "lead")
        page.select_option("select[name=trigger]", "created")
        row = page.locator("[data-rows=actions] [data-row]").first
        assert not row.locator("input[name$='-title']").is_visible()
        row.locator("select[name$='-type']").select_option("create_task")
        assert row.locator("input[name$='-title']").is_visible()
        assert not row.locator("select[name$='-user_ids']").is_visible()
        row.locator("select[name$='-type']").select_option("round_robin")
        assert not row.locator("input[name$='-title']").is_visible()
        row.locator("select[name$='-user_ids']").select_option([str(u.id) for u in sellers])
        condition = page.locator("[data-rows=conditions] [data-row]").first
        condition.locator("select[name$='-op']").select_option("is_set")
        assert condition.locator("select[name$='-field']").is_visible()
        assert not condition.locator("input[name$='-value']").is_visible()
        condition.locator("select[name$='-field']").select_option("contact_email")
        with page.expect_navigation():
            page.locator("#model_form [type=submit]").first.click()
        assert "Share the leads" in page.content()

    with app.app_context():
        rule = db.session.scalars(select(AutomationRule)).one()
        assert rule.conditions == [{"field": "contact_email", "op": "is_set"}]
        assert rule.actions == [{"type": "round_robin", "user_ids": [u.id for u in sellers]}]
        db.session.remove()
    r = api(acme_admin).post(
        "/api/v1/lead/", json={"title": "Inbound", "contact_email": "in@example.com"}
    )
    assert r.status_code == 201
    with app.app_context():
        assert db.session.get(Lead, r.json["id"]).assigned_to_id == sellers[0].id
        db.session.remove()
