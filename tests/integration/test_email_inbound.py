"""Inbound logging against a real IMAP server: Dovecot on loopback (tests/mail_support.py).
The periodic job fetches new messages; each is attached to the contact (and customer) or
lead whose address it carries, once; the others wait in Email → Unmatched."""

from email.message import EmailMessage
from email.utils import formatdate

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.jobs.mail import fetch_inbound_mail
from crm.models import InboundEmail, Interaction
from crm.security.tenancy import tenant_scope
from crm.services.mail import settings as mail_settings
from tests import factories
from tests.mail_support import IMAP_PASSWORD, IMAP_USER, dovecot  # noqa: F401


def message(sender, subject, body, to="log@acme.example", message_id=None, attachment=None):
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, to, subject
    mail["Date"] = formatdate()
    mail["Message-ID"] = message_id or f"<{abs(hash((sender, subject)))}@mail.example>"
    mail.set_content(body)
    if attachment:
        mail.add_attachment(
            attachment[1], maintype="application", subtype="pdf", filename=attachment[0]
        )
    return mail.as_bytes()


@pytest.fixture
def acme_mailbox(app, acme, dovecot):  # noqa: F811
    with app.app_context(), tenant_scope(acme.id):
        mail_settings.save_settings(
            db.session,
            app.config,
            {
                "imap_host": "127.0.0.1",
                "imap_port": dovecot.port,
                "imap_tls": False,
                "imap_user": IMAP_USER,
                "imap_password": IMAP_PASSWORD,
                "imap_folder": "INBOX",
                "forwarding_address": "log@acme.example",
            },
        )
        db.session.remove()
    return dovecot


@pytest.fixture
def anna(app, acme):
    customer = factories.customer(app, acme, "Nordlicht GmbH")
    contact = factories.contact(
        app, acme, customer, name="Anna Müller", email="anna@nordlicht.example"
    )
    return {"customer": customer, "contact": contact}


def logged(app):
    with app.app_context():
        rows = db.session.scalars(
            select(Interaction).order_by(Interaction.id).execution_options(all_tenants=True)
        ).all()
        found = [
            (
                r.kind,
                r.customer_id,
                r.contact_id,
                r.lead_id,
                r.summary,
                [a.filename for a in r.attachments],
            )
            for r in rows
        ]
        db.session.remove()
    return found


def inbound_rows(app):
    with app.app_context():
        rows = db.session.scalars(
            select(InboundEmail).order_by(InboundEmail.id).execution_options(all_tenants=True)
        ).all()
        found = [(r.from_address, r.status, r.subject) for r in rows]
        db.session.remove()
    return found


def test_an_inbound_message_is_attached_to_the_contact_it_came_from_once(
    app, acme, anna, acme_mailbox
):
    pdf = b"%PDF-1.4\n%signed order\n"
    acme_mailbox.deliver(
        message(
            "Anna Müller <Anna@Nordlicht.example>",
            "Our order",
            "We accept the offer.",
            message_id="<order-1@nordlicht.example>",
            attachment=("order.pdf", pdf),
        )
    )
    assert fetch_inbound_mail(app) == [acme.id]
    [(kind, customer, contact, lead, summary, files)] = logged(app)
    assert (kind, customer, contact, lead) == ("email", anna["customer"], anna["contact"], None)
    assert summary == "Our order\n\nWe accept the offer."
    assert files == ["order.pdf"]
    assert "\\Seen" in acme_mailbox.seen_flags()[0]

    # Fetched again, and the same message delivered a second time: still one interaction.
    fetch_inbound_mail(app)
    acme_mailbox.deliver(
        message(
            "anna@nordlicht.example",
            "Our order",
            "We accept the offer.",
            message_id="<order-1@nordlicht.example>",
        )
    )
    fetch_inbound_mail(app)
    assert len(logged(app)) == 1
    assert [status for _, status, _ in inbound_rows(app)] == ["matched"]


def test_a_bcc_copy_of_our_own_mail_is_matched_by_its_recipient(app, acme, anna, acme_mailbox):
    acme_mailbox.deliver(
        message("sam@acme.example", "Offer", "Here it is.", to="anna@nordlicht.example")
    )
    fetch_inbound_mail(app)
    [(_, customer, contact, _, summary, _)] = logged(app)
    assert (customer, contact, summary) == (
        anna["customer"],
        anna["contact"],
        "Offer\n\nHere it is.",
    )


def test_a_leads_address_logs_it_on_the_lead(app, acme, acme_mailbox):
    lead = factories.lead(
        app, acme, "Website enquiry", contact_name="Lea", contact_email="lea@startup.example"
    )
    acme_mailbox.deliver(message("lea@startup.example", "Question", "How much?"))
    fetch_inbound_mail(app)
    [(_, customer, contact, lead_id, _, _)] = logged(app)
    assert (customer, contact, lead_id) == (None, None, lead)


def test_an_unknown_sender_waits_in_unmatched_until_assigned(
    app, acme, acme_manager, anna, acme_mailbox, browser
):
    acme_mailbox.deliver(message("stranger@unknown.example", "Hello there", "Who am I?"))
    fetch_inbound_mail(app)
    assert logged(app) == []
    assert inbound_rows(app) == [("stranger@unknown.example", "unmatched", "Hello there")]
    page = browser(acme_manager)
    listing = page.get("/email/unmatched").get_data(as_text=True)
    assert "Hello there" in listing and "stranger@unknown.example" in listing
    with app.app_context():
        pk = db.session.scalar(select(InboundEmail.id).execution_options(all_tenants=True))
        db.session.remove()
    answer = page.post(f"/email/unmatched/{pk}/assign", data={"customer": str(anna["customer"])})
    assert answer.status_code == 302
    [(kind, customer, contact, _, summary, _)] = logged(app)
    assert (kind, customer, contact, summary) == (
        "email",
        anna["customer"],
        None,
        "Hello there\n\nWho am I?",
    )
    assert inbound_rows(app)[0][1] == "assigned"
    assert "crm-unmatched-empty" in page.get("/email/unmatched").get_data(as_text=True)


def test_an_unmatched_message_can_be_discarded_and_members_cannot(
    app, acme, acme_manager, acme_member, acme_mailbox, browser
):
    acme_mailbox.deliver(message("spam@unknown.example", "Offer!!!", "Buy now"))
    fetch_inbound_mail(app)
    with app.app_context():
        pk = db.session.scalar(select(InboundEmail.id).execution_options(all_tenants=True))
        db.session.remove()
    assert browser(acme_member).post(f"/email/unmatched/{pk}/discard").status_code == 403
    assert browser(acme_manager).post(f"/email/unmatched/{pk}/discard").status_code == 302
    assert inbound_rows(app)[0][1] == "discarded"
    assert logged(app) == []
