"""The "send a templated email" action: a won deal mails its customer's primary contact
through the tenant's server (aiosmtpd on loopback), logged as the deal's email interaction;
a rule whose record has nobody to write to logs a failed run and sends nothing."""

from sqlalchemy import select

from crm.extensions import db
from crm.models import AutomationRun, Interaction
from tests import factories
from tests.integration.test_email_compose import deal_with_contact, tenant_smtp  # noqa: F401 (fixtures)


def _rule(api, admin, template_id):
    r = api(admin).post(
        "/api/v1/automation_rule/",
        json={
            "name": "Thank won deals",
            "entity": "deal",
            "trigger": "changed",
            "conditions": [{"op": "deal_won"}],
            "actions": [{"type": "send_email", "template_id": template_id, "to": "primary"}],
        },
    )
    assert r.status_code == 201, r.json
    return r.json["id"]


def _runs(app):
    with app.app_context():
        rows = [
            (run.status, run.message)
            for run in db.session.scalars(select(AutomationRun).execution_options(all_tenants=True))
        ]
        db.session.remove()
    return rows


def test_a_won_deal_mails_the_primary_contact_and_logs_it(
    app,
    api,
    acme,
    acme_admin,
    tenant_smtp,  # noqa: F811
    deal_with_contact,  # noqa: F811
):
    _rule(api, acme_admin, deal_with_contact["template"])
    won = factories.sales(app, acme).stages["Won"]
    deal_id = deal_with_contact["deal"]
    r = api(acme_admin).put(f"/api/v1/deal/{deal_id}/stage", json={"stage_id": won})
    assert r.status_code == 200, r.json

    assert [status for status, _ in _runs(app)] == ["done"]
    [message] = tenant_smtp.messages()
    assert "anna@nordlicht.example" in message["To"]
    assert message["Subject"] == "Proposal: Annual licence"
    assert message.get_content().startswith("Dear Anna,")
    with app.app_context():
        [logged] = db.session.scalars(
            select(Interaction)
            .where(Interaction.deal_id == deal_id, Interaction.kind == "email")
            .execution_options(all_tenants=True)
        ).all()
        assert "Proposal: Annual licence" in logged.summary
        assert logged.contact.name == "Anna Müller"
        db.session.remove()


def test_a_deal_with_nobody_to_write_to_logs_a_failed_run(
    app,
    api,
    acme,
    acme_admin,
    tenant_smtp,  # noqa: F811
    deal_with_contact,  # noqa: F811
):
    _rule(api, acme_admin, deal_with_contact["template"])
    lonely = factories.deal(app, acme, "No customer yet")
    won = factories.sales(app, acme).stages["Won"]
    r = api(acme_admin).put(f"/api/v1/deal/{lonely}/stage", json={"stage_id": won})
    assert r.status_code == 200, r.json

    [(status, message)] = _runs(app)
    assert status == "failed" and "no contact with an email address" in message
    assert tenant_smtp.envelopes == []


def test_a_template_of_another_organisation_is_refused(
    app,
    api,
    globex,
    globex_admin,
    deal_with_contact,  # noqa: F811
):
    r = api(globex_admin).post(
        "/api/v1/automation_rule/",
        json={
            "name": "Borrowed template",
            "entity": "deal",
            "trigger": "changed",
            "conditions": [],
            "actions": [{"type": "send_email", "template_id": deal_with_contact["template"]}],
        },
    )
    assert r.status_code == 422, r.json
    assert "email templates" in str(r.json["errors"])
