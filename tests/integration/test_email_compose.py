"""Email from the record: composed from a deal, sent from the job queue through the
tenant's SMTP server (aiosmtpd on loopback) and logged as an email interaction."""

import base64

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from crm.extensions import db
from crm.models import Contact, EmailTemplate, Interaction, InteractionAttachment
from crm.security.tenancy import tenant_scope
from crm.services.mail import settings as mail_settings, templates
from tests import factories
from tests.mail_support import Mailbox, free_port

PROPOSAL = (
    "Dear {{ contact.first_name }},\n\nplease find our proposal for {{ deal.title }} "
    "({{ deal.value }}, {{ deal.stage }}).\n\n{{ user.name }}, {{ company.name }}"
)


@pytest.fixture
def tenant_smtp(app, acme):
    """acme's own mail server (the app-wide CRM_SMTP_* point nowhere)."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    with app.app_context(), tenant_scope(acme.id):
        mail_settings.save_settings(
            db.session,
            app.config,
            {
                "smtp_host": "127.0.0.1",
                "smtp_port": controller.port,
                "smtp_security": "none",
                "from_address": "sales@acme.example",
                "from_name": "Acme Sales",
            },
        )
        db.session.remove()
    yield mailbox
    controller.stop()


@pytest.fixture
def deal_with_contact(app, acme):
    customer = factories.customer(app, acme, "Nordlicht GmbH")
    contact = factories.contact(
        app, acme, customer, name="Anna Müller", email="anna@nordlicht.example", is_primary=True
    )
    factories.contact(app, acme, customer, name="Ben Kurz", email="ben@refused.example")
    deal = factories.deal(app, acme, "Annual licence", customer_id=customer, value=12000)
    with app.app_context(), tenant_scope(acme.id):
        template = templates.save_template(
            db.session,
            EmailTemplate(
                name="Proposal",
                subject="Proposal: {{ deal.title }}",
                body=PROPOSAL,
                translations={
                    "de": {
                        "subject": "Angebot: {{ deal.title }}",
                        "body": "Hallo {{ contact.first_name }}",
                    }
                },
            ),
        )
        template_id = template.id
        db.session.remove()
    return {"customer": customer, "contact": contact, "deal": deal, "template": template_id}


def email_interactions(app, deal_id):
    with app.app_context():
        rows = db.session.scalars(
            select(Interaction)
            .where(Interaction.deal_id == deal_id, Interaction.kind == "email")
            .execution_options(all_tenants=True)
        ).all()
        found = [
            {
                "summary": row.summary,
                "contact": row.contact.name if row.contact else None,
                "customer_id": row.customer_id,
                "files": [(a.filename, a.id) for a in row.attachments],
            }
            for row in rows
        ]
        db.session.remove()
    return found


def test_an_email_composed_from_a_deal_arrives_rendered_and_is_logged_with_its_file(
    app, acme_manager, api, browser, tenant_smtp, deal_with_contact
):
    ids = deal_with_contact
    answer = api(acme_manager).post(
        "/api/v1/email/",
        json={
            "entity": "deal",
            "id": ids["deal"],
            "recipients": [f"contact:{ids['contact']}"],
            "template_id": ids["template"],
            "attachments": [
                {"filename": "terms.txt", "content_base64": base64.b64encode(b"Net 30").decode()}
            ],
        },
    )
    assert answer.status_code == 202, answer.json
    assert answer.json["status"] == "done"
    [envelope] = tenant_smtp.envelopes
    assert envelope.mail_from == "sales@acme.example"
    assert envelope.rcpt_tos == ["anna@nordlicht.example"]
    [message] = tenant_smtp.messages()
    assert message["Subject"] == "Proposal: Annual licence"
    assert message["From"] == "Acme Sales <sales@acme.example>"
    body = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert body.startswith(
        "Dear Anna,\n\nplease find our proposal for Annual licence (12000.00 EUR"
    )
    assert "Acme Trading" in body and "{{" not in body
    [attachment] = list(message.iter_attachments())
    assert (attachment.get_filename(), attachment.get_content()) == ("terms.txt", "Net 30")

    [logged] = email_interactions(app, ids["deal"])
    assert logged["summary"].startswith("Proposal: Annual licence\n\nDear Anna,")
    assert logged["contact"] == "Anna Müller"
    assert logged["customer_id"] == ids["customer"]
    [(filename, file_id)] = logged["files"]
    assert filename == "terms.txt"
    page = browser(acme_manager)
    download = page.get(f"/email/attachment/{file_id}")
    assert download.status_code == 200 and download.data == b"Net 30"
    deal_page = page.get(f"/deals/show/{ids['deal']}").get_data(as_text=True)
    assert "terms.txt" in deal_page and f"/email/compose/deal/{ids['deal']}" in deal_page


def test_the_compose_page_previews_the_translation_then_sends(
    app, acme_manager, browser, tenant_smtp, deal_with_contact
):
    ids = deal_with_contact
    page = browser(acme_manager)
    url = f"/email/compose/deal/{ids['deal']}"
    form = page.get(url).get_data(as_text=True)
    assert "anna@nordlicht.example" in form and "Proposal" in form
    data = {
        "recipients": f"contact:{ids['contact']}",
        "template_id": str(ids["template"]),
        "language": "de",
    }
    preview = page.post(url, data={**data, "action": "preview"}).get_data(as_text=True)
    assert "Angebot: Annual licence" in preview and "Hallo Anna" in preview
    assert tenant_smtp.envelopes == []
    sent = page.post(url, data={**data, "action": "send"})
    assert sent.status_code == 302
    [message] = tenant_smtp.messages()
    assert message["Subject"] == "Angebot: Annual licence"
    assert len(email_interactions(app, ids["deal"])) == 1


def test_a_refused_recipient_fails_the_job_with_the_reason_and_nothing_is_logged(
    app, acme_manager, api, acme, tenant_smtp, deal_with_contact
):
    ids = deal_with_contact
    with app.app_context(), tenant_scope(acme.id):
        ben = db.session.scalar(select(Contact.id).where(Contact.name == "Ben Kurz"))
        db.session.remove()
    answer = api(acme_manager).post(
        "/api/v1/email/",
        json={
            "entity": "deal",
            "id": ids["deal"],
            "recipients": [f"contact:{ben}"],
            "subject": "Hello {{ contact.first_name }}",
            "body": "Test",
        },
    )
    assert answer.status_code == 202
    assert answer.json["status"] == "failed"
    assert "ben@refused.example: 550" in answer.json["error"]
    assert email_interactions(app, ids["deal"]) == []
    with app.app_context():
        assert db.session.query(InteractionAttachment).count() == 0
        db.session.remove()


def test_a_template_failing_at_send_and_a_foreign_recipient_are_refused_before_queueing(
    app, acme_manager, api, tenant_smtp, deal_with_contact
):
    ids = deal_with_contact
    client = api(acme_manager)
    broken = client.post(
        "/api/v1/email/",
        json={
            "entity": "deal",
            "id": ids["deal"],
            "recipients": [f"contact:{ids['contact']}"],
            "subject": "Hi",
            "body": "{{ contact.__class__ }}",
        },
    )
    assert broken.status_code == 422
    assert "does not render" in broken.json["errors"]["body"][0]
    other = client.post(
        "/api/v1/email/",
        json={"entity": "deal", "id": ids["deal"], "recipients": ["contact:999999"], "body": "x"},
    )
    assert other.status_code == 422 and "recipients" in other.json["errors"]
    assert tenant_smtp.envelopes == []


def test_a_member_may_not_send(acme_member, api, deal_with_contact):
    answer = api(acme_member).post(
        "/api/v1/email/", json={"entity": "deal", "id": deal_with_contact["deal"]}
    )
    assert answer.status_code == 403


def test_an_email_from_a_lead_goes_to_its_contact_address_and_is_logged_on_the_lead(
    app, acme, acme_manager, api, tenant_smtp
):
    lead = factories.lead(
        app, acme, "Website enquiry", contact_name="Lea Start", contact_email="lea@startup.example"
    )
    answer = api(acme_manager).post(
        "/api/v1/email/",
        json={
            "entity": "lead",
            "id": lead,
            "recipients": ["lead"],
            "subject": "About {{ lead.title }}",
            "body": "Hi {{ contact.first_name }}",
        },
    )
    assert answer.json["status"] == "done", answer.json
    [message] = tenant_smtp.messages()
    assert (message["To"], message["Subject"]) == ("lea@startup.example", "About Website enquiry")
    with app.app_context():
        [row] = db.session.scalars(
            select(Interaction)
            .where(Interaction.lead_id == lead)
            .execution_options(all_tenants=True)
        ).all()
        assert (row.kind, row.customer_id, row.summary) == (
            "email",
            None,
            "About Website enquiry\n\nHi Lea",
        )
        db.session.remove()


def test_an_unreachable_server_fails_the_job_with_the_reason_and_logs_nothing(
    app, acme, acme_manager, api, deal_with_contact
):
    with app.app_context(), tenant_scope(acme.id):
        mail_settings.save_settings(
            db.session,
            app.config,
            {"smtp_host": "127.0.0.1", "smtp_port": free_port(), "from_address": "s@acme.example"},
        )
        db.session.remove()
    ids = deal_with_contact
    answer = api(acme_manager).post(
        "/api/v1/email/",
        json={
            "entity": "deal",
            "id": ids["deal"],
            "recipients": [f"contact:{ids['contact']}"],
            "template_id": ids["template"],
        },
    )
    assert answer.json["status"] == "failed"
    assert "could not be reached" in answer.json["error"]
    assert email_interactions(app, ids["deal"]) == []


def test_a_body_of_the_wrong_shape_is_refused_field_by_field(acme_manager, api):
    answer = api(acme_manager).post(
        "/api/v1/email/", json={"entity": 3, "id": "x", "recipients": "contact:1", "subject": []}
    )
    assert answer.status_code == 422
    assert set(answer.json["errors"]) == {"entity", "id", "recipients", "subject"}
