"""The statement page: the sender picks the recipient among the customer's contacts, reads
the message before it goes, may change it, and what arrives is what they sent."""

import html

from sqlalchemy import select

from crm.extensions import db
from crm.models import Interaction
from tests import factories
from tests.integration.test_statement_mail import smtp_server as smtp_server  # the fixture

PERIOD = {"from": "2026-01-01", "to": "2026-03-31"}


def _page(b, pk, **query):
    r = b.get(f"/statements/{pk}", query_string={**PERIOD, **query})
    assert r.status_code == 200
    return html.unescape(r.get_data(as_text=True))


def test_the_page_offers_each_contact_with_an_email_and_previews_the_message(
    app, acme, acme_manager, browser, smtp_server
):
    pk = factories.customer_with_ledger(app, acme)
    bob = factories.contact(app, acme, pk, name="Bob Keller", email="bob@nordlicht.example")
    factories.contact(app, acme, pk, name="No Mail Person")
    b = browser(acme_manager)
    page = _page(b, pk)
    assert "Anna Müller <anna@nordlicht.example> · primary" in page
    assert "Bob Keller <bob@nordlicht.example>" in page and "No Mail Person" not in page
    assert "Dear Anna Müller," in page and "Closing balance: €170.00" in page
    assert "Dear Bob Keller," in _page(b, pk, contact=bob)
    assert smtp_server.envelopes == []  # reading the draft sends nothing


def test_the_statement_goes_to_the_chosen_contact_with_the_senders_text(
    app, acme, acme_manager, browser, smtp_server
):
    pk = factories.customer_with_ledger(app, acme)
    bob = factories.contact(app, acme, pk, name="Bob Keller", email="bob@nordlicht.example")
    b = browser(acme_manager)
    r = b.post(
        f"/statements/{pk}/email",
        {
            **PERIOD,
            "contact": str(bob),
            "subject": "Your Q1 statement",
            "body": "Hi Bob,\nsee attached.",
        },
    )
    assert r.status_code == 302 and f"contact={bob}" in r.location
    assert "The statement was sent to bob@nordlicht.example." in b.get(r.location).get_data(
        as_text=True
    )
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["bob@nordlicht.example"]
    [message] = smtp_server.messages()
    assert message["Subject"] == "Your Q1 statement"
    body = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    assert body.get_payload(decode=True).decode().replace("\r\n", "\n").strip() == (
        "Hi Bob,\nsee attached."
    )
    assert any(p.get_filename() for p in message.walk())
    with app.app_context():
        logged = db.session.scalars(
            select(Interaction)
            .where(Interaction.customer_id == pk, Interaction.kind == "email")
            .execution_options(all_tenants=True)
        ).one()
        assert logged.contact_id == bob
        db.session.remove()


def test_another_customers_contact_or_a_two_line_subject_is_refused_and_nothing_is_lost(
    app, acme, acme_manager, browser, smtp_server
):
    pk = factories.customer_with_ledger(app, acme)
    other = factories.customer(app, acme, "Somebody Else")
    stranger = factories.contact(app, acme, other, name="Stranger", email="x@else.example")
    b = browser(acme_manager)
    r = b.post(f"/statements/{pk}/email", {**PERIOD, "contact": str(stranger)})
    assert "Choose one of Nordlicht GmbH" in html.unescape(b.get(r.location).get_data(as_text=True))
    r = b.post(
        f"/statements/{pk}/email",
        {**PERIOD, "subject": "Line one\nBcc: x@evil.example", "body": "My carefully written text"},
    )
    assert r.status_code == 422
    page = html.unescape(r.get_data(as_text=True))
    assert "The subject must be one line." in page
    assert "My carefully written text" in page
    assert smtp_server.envelopes == []


def test_the_statement_button_is_offered_only_to_roles_that_may_open_it(
    app, acme, acme_manager, acme_member, browser
):
    pk = factories.customer_with_ledger(app, acme)
    for user in (acme_manager, acme_member):
        b = browser(user)
        offered = f'href="/statements/{pk}"' in b.get(f"/customers/show/{pk}").get_data(
            as_text=True
        )
        opens = b.get(f"/statements/{pk}").status_code == 200
        assert offered == opens, user.username
    assert f'href="/statements/{pk}"' in browser(acme_manager).get(
        f"/customers/show/{pk}"
    ).get_data(as_text=True)
