"""Statements e-mailed over real SMTP: an aiosmtpd server on a free loopback port."""

import datetime as dt

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from crm.extensions import db
from crm.models import Customer, Interaction
from crm.security.tenancy import tenant_scope
from crm.services.core import mailer
from crm.services.core.errors import CrmError
from crm.services.statements.mail import send_statement, send_statements
from tests import factories
from tests.mail_support import Mailbox, free_port


@pytest.fixture
def smtp_server(app, monkeypatch):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(app.config, "CRM_SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "CRM_SMTP_PORT", controller.port)
    monkeypatch.setitem(app.config, "CRM_MAIL_SENDER", "accounts@acme.example")
    yield mailbox
    controller.stop()


def settings_of(app):
    return mailer.SmtpSettings.from_config(app.config)


def email_interactions(app, customer_id):
    with app.app_context():
        rows = db.session.scalars(
            select(Interaction)
            .where(Interaction.customer_id == customer_id, Interaction.kind == "email")
            .execution_options(all_tenants=True)
        ).all()
        found = [(row.summary, row.contact.name if row.contact else None) for row in rows]
        db.session.remove()
    return found


def test_a_statement_goes_to_the_primary_contact_with_the_pdf(app, acme, smtp_server):
    pk = factories.customer_with_ledger(app, acme)
    with app.app_context(), tenant_scope(acme.id):
        customer = db.session.get(Customer, pk)
        sent_to = send_statement(
            db.session, customer, "2026-01-01", "2026-03-31", settings=settings_of(app)
        )
        db.session.remove()
    assert sent_to == "anna@nordlicht.example"
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["anna@nordlicht.example"]
    assert envelope.mail_from == "accounts@acme.example"
    [message] = smtp_server.messages()
    assert message["Subject"] == "Statement of account Nordlicht GmbH Jan 1, 2026 – Mar 31, 2026"
    assert message["To"] == "anna@nordlicht.example"
    [attachment] = [part for part in message.walk() if part.get_filename()]
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "statement-C000001-2026-01-01-2026-03-31.pdf"
    assert attachment.get_payload(decode=True).startswith(b"%PDF-")
    body = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    assert "Closing balance: €170.00" in body.get_payload(decode=True).decode()
    [(summary, contact)] = email_interactions(app, pk)
    assert "anna@nordlicht.example" in summary and contact == "Anna Müller"


def test_a_customer_without_a_primary_contact_email_gets_a_clear_refusal(app, acme, smtp_server):
    pk = factories.customer_with_ledger(app, acme, email_contact=None)
    with app.app_context(), tenant_scope(acme.id):
        customer = db.session.get(Customer, pk)
        with pytest.raises(CrmError) as refused:
            send_statement(
                db.session, customer, "2026-01-01", "2026-03-31", settings=settings_of(app)
            )
        db.session.remove()
    assert "has no primary contact with an email address" in str(refused.value.message)
    assert smtp_server.envelopes == []
    assert email_interactions(app, pk) == []


def test_a_batch_sends_the_others_and_reports_each_failure(app, acme, smtp_server):
    good = [
        factories.customer_with_ledger(
            app, acme, name, email_contact=f"ap@{slug}.example", series=slug[0].upper()
        )
        for name, slug in (("Alpha Foods", "alpha"), ("Beta Tools", "beta"))
    ]
    no_contact = factories.customer(app, acme, "Gamma Without Contact")
    refused = factories.customer(app, acme, "Delta Refused")
    factories.contact(app, acme, refused, name="Dee", email="dee@refused.example")
    with app.app_context(), tenant_scope(acme.id):
        results = send_statements(
            db.session,
            [good[0], no_contact, refused, good[1], 999999],
            "2026-01-01",
            "2026-03-31",
            settings=settings_of(app),
        )
        db.session.remove()
    outcome = {r.name or r.customer_id: (r.sent, r.reason) for r in results}
    assert outcome["Alpha Foods"] == (True, "")
    assert outcome["Beta Tools"] == (True, "")
    assert not outcome["Gamma Without Contact"][0]
    assert "no primary contact with an email address" in outcome["Gamma Without Contact"][1]
    assert outcome["Delta Refused"][0] is False and "550" in outcome["Delta Refused"][1]
    assert outcome[999999] == (False, "No such customer.")
    assert sorted(e.rcpt_tos[0] for e in smtp_server.envelopes) == [
        "ap@alpha.example",
        "ap@beta.example",
    ]
    assert len(email_interactions(app, good[0])) == 1
    assert email_interactions(app, refused) == []  # not sent, not logged


def test_an_unreachable_mail_server_fails_every_send_with_the_reason(app, acme, monkeypatch):
    pk = factories.customer_with_ledger(app, acme)
    monkeypatch.setitem(app.config, "CRM_SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "CRM_SMTP_PORT", free_port())  # nobody listens
    with app.app_context(), tenant_scope(acme.id):
        [result] = send_statements(
            db.session, [pk], dt.date(2026, 1, 1), dt.date(2026, 3, 31), settings=settings_of(app)
        )
        db.session.remove()
    assert not result.sent and "could not be reached" in result.reason
    assert email_interactions(app, pk) == []


def test_the_batch_page_sends_to_the_ticked_customers_as_one_job(
    app, acme, acme_manager, browser, smtp_server
):
    sent = factories.customer_with_ledger(
        app, acme, "Alpha Foods", email_contact="ap@alpha.example"
    )
    lacking = factories.customer(app, acme, "Gamma Without Contact")
    b = browser(acme_manager)
    r = b.post("/customers/action_post", {"action": "send_statements", "rowid": [sent, lacking]})
    assert r.status_code == 302 and "/statements/batch?ids=" in r.location
    page = b.get(r.location).get_data(as_text=True)
    assert "Alpha Foods" in page and "Gamma Without Contact" in page and "Send 2 statements" in page
    r = b.post(
        "/statements/batch", {"ids": f"{sent},{lacking}", "from": "2026-01-01", "to": "2026-03-31"}
    )
    assert r.status_code == 302 and r.location.endswith("/jobs/")
    html = b.get(r.location).get_data(as_text=True)
    assert "Statements by e-mail" in html and "1 sent, 1 failed." in html
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["ap@alpha.example"]]


def test_the_batch_takes_every_customer_the_lists_overdue_filter_shows(
    app, acme, acme_admin, browser, smtp_server
):
    overdue = factories.customer_with_ledger(
        app, acme, "Alpha Foods", email_contact="ap@alpha.example"
    )
    factories.customer(app, acme, "Settled Ltd")
    page = (
        browser(acme_admin).get("/statements/batch?_flt_0_balance=overdue").get_data(as_text=True)
    )
    assert "Alpha Foods" in page and "Settled Ltd" not in page
    assert f'name="ids" value="{overdue}"' in page
    page = browser(acme_admin).get("/statements/batch?scope=overdue").get_data(as_text=True)
    assert "Alpha Foods" in page and "Settled Ltd" not in page


def test_a_bad_period_on_the_batch_page_is_shown_next_to_the_field(
    app, acme, acme_admin, browser, smtp_server
):
    pk = factories.customer_with_ledger(app, acme)
    r = browser(acme_admin).post(
        "/statements/batch", {"ids": str(pk), "from": "2026-05-01", "to": "2026-03-31"}
    )
    assert r.status_code == 200
    assert "The last day must not be before the first day." in r.get_data(as_text=True)
    assert smtp_server.envelopes == []


def test_the_statement_page_emails_the_primary_contact_and_says_so(
    app, acme, acme_manager, browser, smtp_server
):
    pk = factories.customer_with_ledger(app, acme)
    b = browser(acme_manager)
    r = b.post(f"/statements/{pk}/email", {"from": "2026-01-01", "to": "2026-03-31"})
    assert r.status_code == 302 and "from=2026-01-01" in r.location
    page = b.get(r.location).get_data(as_text=True)
    assert "The statement was sent to anna@nordlicht.example." in page
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["anna@nordlicht.example"]]


def test_emailing_a_customer_without_a_contact_email_explains_it(
    app, acme, acme_manager, browser, smtp_server
):
    pk = factories.customer_with_ledger(app, acme, email_contact=None)
    b = browser(acme_manager)
    r = b.post(f"/statements/{pk}/email", {"from": "2026-01-01", "to": "2026-03-31"})
    assert r.status_code == 302
    page = b.get(r.location).get_data(as_text=True)
    assert "has no primary contact with an email address" in page
    assert smtp_server.envelopes == []
