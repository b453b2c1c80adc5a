"""Support tickets through the screens and the API: the rules (closing sets closed_at,
reopening clears it), the list filters, the customer's tab, delete refusals and roles."""

import pytest

from crm.models import Customer, SupportTicket
from tests import factories
from tests.factories import books, form_errors


@pytest.fixture
def buyer(app, acme):
    return factories.customer(app, acme, "Ticketing Buyer")


def _ticket(app, acme):
    with books(app, acme) as s:
        return s.query(SupportTicket).one()


def test_a_ticket_is_opened_closed_and_reopened_on_the_form(
    app, browser, acme, acme_manager, buyer
):
    b = browser(acme_manager)
    r = b.post(
        "/support_tickets/add",
        {"customer": buyer, "subject": "  Printer jam  ", "status": "open", "priority": "high"},
    )
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    ticket = _ticket(app, acme)
    assert (ticket.subject, ticket.status, ticket.priority, ticket.closed_at) == (
        "Printer jam",
        "open",
        "high",
        None,
    )
    assert ticket.opened_at is not None
    r = b.post(
        f"/support_tickets/edit/{ticket.id}",
        {"customer": buyer, "subject": "Printer jam", "status": "closed", "priority": "high"},
    )
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    assert _ticket(app, acme).closed_at is not None
    r = b.post(
        f"/support_tickets/edit/{ticket.id}",
        {"customer": buyer, "subject": "Printer jam", "status": "pending", "priority": "high"},
    )
    assert r.status_code == 302
    assert (_ticket(app, acme).status, _ticket(app, acme).closed_at) == ("pending", None)
    html = factories.with_tabs(b, f"/customers/show/{buyer}")
    assert ">Support tickets<" in html and "Printer jam" in html


def test_form_refusals_show_next_to_the_fields(app, browser, acme, acme_manager, buyer):
    b = browser(acme_manager)
    r = b.post(
        "/support_tickets/add",
        {"customer": buyer, "subject": "", "status": "open", "priority": "normal"},
    )
    assert form_errors(r.get_data(as_text=True)) == ["This field is required."]
    r = b.post(
        "/support_tickets/add",
        {"customer": buyer, "subject": "x" * 201, "status": "open", "priority": "normal"},
    )
    assert r.status_code == 200 and form_errors(r.get_data(as_text=True))
    with books(app, acme) as s:
        assert s.query(SupportTicket).count() == 0


def test_the_list_filters_by_status_and_priority(app, browser, acme, acme_member, buyer):
    with books(app, acme) as s:
        for subject, status, priority in (
            ("Alpha", "open", "urgent"),
            ("Bravo", "closed", "low"),
            ("Charlie", "pending", "low"),
        ):
            s.add(
                SupportTicket(
                    tenant_id=acme.id,
                    customer_id=buyer,
                    subject=subject,
                    status=status,
                    priority=priority,
                )
            )
        s.commit()
    b = browser(acme_member)
    html = b.get("/support_tickets/list/?_flt_0_status=closed").get_data(as_text=True)
    assert "Bravo" in html and "Alpha" not in html and "Charlie" not in html
    html = b.get("/support_tickets/list/?_flt_0_priority=low").get_data(as_text=True)
    assert "Bravo" in html and "Charlie" in html and "Alpha" not in html


def test_api_validation_close_and_reopen(app, api, acme, acme_manager, buyer):
    client = api(acme_manager)
    r = client.post(
        "/api/v1/support_ticket/",
        json={"customer": buyer, "subject": " ", "status": "solved", "priority": "asap"},
    )
    assert r.status_code == 422
    assert set(r.json["errors"]) == {"subject", "status", "priority"}
    r = client.post("/api/v1/support_ticket/", json={"customer": buyer, "subject": "Login fails"})
    assert r.status_code == 201, r.json
    pk = r.json["id"]
    shown = client.get(f"/api/v1/support_ticket/{pk}").json["result"]
    assert (shown["status"], shown["priority"], shown["closed_at"]) == ("open", "normal", None)
    r = client.post(f"/api/v1/support_ticket/{pk}/close")
    assert r.status_code == 200 and r.json["result"]["status"] == "closed"
    assert r.json["result"]["closed_at"]
    r = client.post(f"/api/v1/support_ticket/{pk}/reopen")
    assert r.status_code == 200
    assert (r.json["result"]["status"], r.json["result"]["closed_at"]) == ("open", None)
    assert client.post("/api/v1/support_ticket/999999/close").status_code == 404


def test_a_member_reads_but_cannot_write(app, api, acme, acme_member, buyer):
    client = api(acme_member)
    assert client.get("/api/v1/support_ticket/").status_code == 200
    r = client.post("/api/v1/support_ticket/", json={"customer": buyer, "subject": "Nope"})
    assert r.status_code == 403


def test_a_customer_with_tickets_is_not_deleted(app, api, acme, acme_admin, buyer):
    client = api(acme_admin)
    assert (
        client.post(
            "/api/v1/support_ticket/", json={"customer": buyer, "subject": "History"}
        ).status_code
        == 201
    )
    r = client.delete(f"/api/v1/customer/{buyer}")
    assert r.status_code == 409
    assert "support tickets" in str(r.json)
    with books(app, acme) as s:
        assert s.get(Customer, buyer) is not None
