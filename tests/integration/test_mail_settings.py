"""Settings → Email: Admins only; passwords encrypted at rest and never shown back; the
test message reports the server's answer, or why it failed (never a 500); every tenant
mail (statements too) goes through the tenant's server when it set one."""

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import text

from crm.extensions import db
from crm.models import AuditEntry
from crm.security import secrets
from crm.security.tenancy import tenant_scope
from crm.services.mail.settings import save_settings, smtp_settings_for
from tests import factories
from tests.mail_support import Mailbox, free_port

SETTINGS = {
    "smtp_host": "127.0.0.1",
    "smtp_port": "2525",
    "smtp_security": "starttls",
    "smtp_user": "mailer",
    "smtp_password": "s3cret-smtp-pass",
    "from_address": "sales@acme.example",
    "from_name": "Acme Sales",
    "imap_folder": "INBOX",
    "forwarding_address": "log@acme.example",
}


def stored_passwords(app):
    with app.app_context():
        row = db.session.execute(
            text("SELECT smtp_password_encrypted, imap_password_encrypted FROM crm_mail_settings")
        ).one()
        db.session.remove()
    return row


def test_the_password_is_encrypted_at_rest_and_never_shown(app, acme, acme_admin, browser):
    page = browser(acme_admin)
    saved = page.post("/mail-settings/", data=SETTINGS)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    smtp_token, imap_token = stored_passwords(app)
    assert "s3cret" not in smtp_token and imap_token is None
    assert secrets.decrypt(app.config, smtp_token) == "s3cret-smtp-pass"
    form = page.get("/mail-settings/").get_data(as_text=True)
    assert "s3cret" not in form and smtp_token not in form
    assert "Set: leave blank to keep it" in form and "log@acme.example" in form
    with app.app_context():
        audit = " ".join(str(e.changes) for e in db.session.query(AuditEntry).all())
        assert "s3cret" not in audit and smtp_token not in audit and "sales@acme.example" in audit
        db.session.remove()

    # Saved again with the password left blank: the stored one is kept.
    again = page.post("/mail-settings/", data={**SETTINGS, "smtp_password": "", "from_name": "X"})
    assert again.status_code == 302
    assert stored_passwords(app)[0] == smtp_token
    with app.app_context():
        settings = smtp_settings_for(db.session, acme.id, app.config)
        db.session.remove()
    assert (settings.host, settings.port, settings.starttls) == ("127.0.0.1", 2525, True)
    assert (settings.user, settings.password) == ("mailer", "s3cret-smtp-pass")
    assert settings.sender == "X <sales@acme.example>"


def test_without_settings_of_its_own_a_tenant_uses_the_app_server(app, acme):
    with app.app_context():
        settings = smtp_settings_for(db.session, acme.id, app.config)
        db.session.remove()
    assert (settings.host, settings.sender) == (
        app.config["CRM_SMTP_HOST"],
        app.config["CRM_MAIL_SENDER"],
    )


def test_send_test_reports_a_server_that_cannot_be_reached(app, acme_admin, browser):
    page = browser(acme_admin)
    closed = free_port()
    page.post(
        "/mail-settings/", data={**SETTINGS, "smtp_port": str(closed), "smtp_security": "none"}
    )
    answer = page.post("/mail-settings/test")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert f"The test message was not sent: 127.0.0.1:{closed} answered" in html
    assert "Connection refused" in html


def test_send_test_says_what_the_server_answered(app, acme_admin, browser):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        page = browser(acme_admin)
        page.post(
            "/mail-settings/",
            data={
                **SETTINGS,
                "smtp_port": str(controller.port),
                "smtp_security": "none",
                "smtp_user": "",
            },
        )
        answer = page.post("/mail-settings/test", follow_redirects=True)
        assert "250 Message accepted for delivery" in answer.get_data(as_text=True)
        [envelope] = mailbox.envelopes
        assert envelope.rcpt_tos == ["acme-admin@example.com"]
    finally:
        controller.stop()


@pytest.mark.parametrize("role", ["acme_manager", "acme_member"])
def test_only_admins_reach_the_mail_settings(request, browser, role):
    page = browser(request.getfixturevalue(role))
    assert page.get("/mail-settings/").status_code == 403
    assert page.post("/mail-settings/", data=SETTINGS).status_code == 403


def test_a_bad_port_and_address_are_refused_next_to_their_fields(app, acme_admin, browser):
    page = browser(acme_admin)
    answer = page.post(
        "/mail-settings/", data={**SETTINGS, "smtp_port": "70000", "from_address": "nope"}
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert "A port is a number from 1 to 65535." in html and "is not a valid email address" in html
    with app.app_context(), tenant_scope(None):
        assert db.session.execute(text("SELECT count(*) FROM crm_mail_settings")).scalar() == 0
        db.session.remove()


def test_a_statement_goes_out_through_the_tenants_own_server(
    app, acme, acme_manager, browser, monkeypatch
):
    """The app-wide server is closed; the tenant's own one takes the statement."""
    monkeypatch.setitem(app.config, "CRM_SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "CRM_SMTP_PORT", free_port())
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        with app.app_context(), tenant_scope(acme.id):
            save_settings(
                db.session,
                app.config,
                {
                    "smtp_host": "127.0.0.1",
                    "smtp_port": controller.port,
                    "from_address": "accounts@acme.example",
                },
            )
            db.session.remove()
        pk = factories.customer_with_ledger(app, acme)
        answer = browser(acme_manager).post(
            f"/statements/{pk}/email", {"from": "2026-01-01", "to": "2026-03-31"}
        )
        assert answer.status_code == 302
        [envelope] = mailbox.envelopes
        assert (envelope.mail_from, envelope.rcpt_tos) == (
            "accounts@acme.example",
            ["anna@nordlicht.example"],
        )
    finally:
        controller.stop()
