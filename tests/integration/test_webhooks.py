"""Webhook deliveries end to end, to a real receiver on loopback: events recorded after the
commit and sent signed, retried on the back-off schedule (the retry task run with a moved
clock), the endpoint disabled after failing for good, and tenants kept apart."""

import datetime as dt
import hashlib
import hmac
import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.extensions import db
from crm.jobs import webhooks as webhook_jobs
from crm.models import (
    AuditEntry,
    Customer,
    Notification,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from crm.models.base import utcnow
from tests import factories
from tests.webhook_support import start_receiver


@pytest.fixture
def receiver(app, monkeypatch):
    """A receiver on 127.0.0.1, which this app may send to."""
    monkeypatch.setitem(app.config, "CRM_WEBHOOKS_ALLOW_PRIVATE", True)
    found, server = start_receiver()
    yield found
    server.shutdown()
    server.server_close()


def _register(api, admin, url, events):
    r = api(admin).post("/api/v1/webhook/", json={"url": url, "events": events})
    assert r.status_code == 201, r.json
    return r.json["id"]


def _secret(api, admin, endpoint_id):
    return api(admin).get(f"/api/v1/webhook/{endpoint_id}").json["result"]["secret"]


def _rows(app, model, *where):
    with app.app_context():
        rows = db.session.scalars(
            select(model).where(*where).order_by(model.id).execution_options(all_tenants=True)
        ).all()
        for row in rows:
            db.session.expunge(row)
        db.session.remove()
    return rows


def test_a_new_customer_is_posted_signed_with_the_endpoint_secret(
    app, api, acme, acme_admin, receiver
):
    endpoint_id = _register(api, acme_admin, receiver.url, ["customer.created"])
    secret = _secret(api, acme_admin, endpoint_id)

    r = api(acme_admin).post(
        "/api/v1/customer/", json={"name": "Hooked Ltd", "email": "hooked@example.com"}
    )
    assert r.status_code == 201, r.json

    [call] = receiver.received
    assert call.path == "/hooks"
    timestamp = call.headers["X-Ledgerline-Timestamp"]
    expected = hmac.new(
        secret.encode(), f"{timestamp}.{call.body}".encode(), hashlib.sha256
    ).hexdigest()
    assert call.headers["X-Ledgerline-Signature"] == f"sha256={expected}"
    assert call.headers["X-Ledgerline-Event"] == "customer.created"
    payload = json.loads(call.body)
    assert payload["event"] == "customer.created"
    assert payload["tenant"] == {"id": acme.id, "name": acme.name}
    assert payload["data"]["id"] == r.json["id"]
    assert payload["data"]["name"] == "Hooked Ltd"
    [delivery] = _rows(app, WebhookDelivery)
    assert call.headers["X-Ledgerline-Delivery"] == delivery.uuid
    assert delivery.status == "delivered" and delivery.response_code == 200


def test_only_the_chosen_events_are_sent(app, api, acme, acme_admin, receiver):
    _register(api, acme_admin, receiver.url, ["deal.won"])
    deal_id = factories.deal(app, acme, title="Rollout")
    assert receiver.received == []  # deal.created was not chosen
    stages = factories.sales(app, acme).stages
    r = api(acme_admin).put(f"/api/v1/deal/{deal_id}/stage", json={"stage_id": stages["Won"]})
    assert r.status_code == 200, r.json
    assert [c.headers["X-Ledgerline-Event"] for c in receiver.received] == ["deal.won"]
    assert json.loads(receiver.received[0].body)["data"]["id"] == deal_id


def test_a_stage_change_sends_updated_stage_changed_and_lost(app, api, acme, acme_admin, receiver):
    _register(api, acme_admin, receiver.url, ["deal.updated", "deal.stage_changed", "deal.lost"])
    deal_id = factories.deal(app, acme, title="Rollout")
    stages = factories.sales(app, acme).stages
    api(acme_admin).put(
        f"/api/v1/deal/{deal_id}/stage", json={"stage_id": stages["Lost"], "lost_reason": "Price"}
    )
    events = sorted(c.headers["X-Ledgerline-Event"] for c in receiver.received)
    assert events == ["deal.lost", "deal.stage_changed", "deal.updated"]


def test_nothing_is_recorded_when_the_save_is_refused(app, api, acme, acme_admin, receiver):
    _register(api, acme_admin, receiver.url, ["customer.created"])
    r = api(acme_admin).post("/api/v1/customer/", json={"name": "", "email": "not-an-email"})
    assert r.status_code == 422
    assert receiver.received == []
    assert _rows(app, WebhookDelivery) == []


def test_a_deleted_customer_is_sent_as_it_was(app, api, acme, acme_admin, receiver):
    customer_id = factories.customer(app, acme, name="Gone Soon GmbH")
    _register(api, acme_admin, receiver.url, ["customer.deleted"])
    r = api(acme_admin).delete(f"/api/v1/customer/{customer_id}")
    assert r.status_code == 200, r.json
    [call] = receiver.received
    assert call.headers["X-Ledgerline-Event"] == "customer.deleted"
    assert json.loads(call.body)["data"]["name"] == "Gone Soon GmbH"


def test_another_tenants_events_never_reach_an_endpoint(
    app, api, acme, globex, acme_admin, globex_admin, receiver
):
    _register(api, acme_admin, receiver.url, ["customer.created"])
    factories.customer(app, globex, name="Globex Customer")
    api(globex_admin).post(
        "/api/v1/customer/", json={"name": "Globex Two", "email": "two@globex.example"}
    )
    assert receiver.received == []
    factories.customer(app, acme, name="Acme Customer")
    assert [json.loads(c.body)["data"]["name"] for c in receiver.received] == ["Acme Customer"]


def test_a_failing_receiver_is_retried_on_schedule_then_the_endpoint_is_disabled(
    app, api, acme, acme_admin, acme_member, receiver, monkeypatch
):
    monkeypatch.setitem(app.config, "CRM_WEBHOOK_RETRY_MINUTES", "1,5,30")
    monkeypatch.setitem(app.config, "CRM_WEBHOOK_DISABLE_AFTER", 1)
    receiver.status = 500
    endpoint_id = _register(api, acme_admin, receiver.url, ["customer.created"])
    factories.customer(app, acme)
    assert len(receiver.received) == 1  # the first attempt, at once

    [delivery] = _rows(app, WebhookDelivery)
    assert delivery.status == "pending" and delivery.attempt_count == 1
    start = utcnow()

    # Before the first minute is up nothing is due.
    assert webhook_jobs.send_due(app, start + dt.timedelta(seconds=30)) == {}
    assert len(receiver.received) == 1
    # After it, the second attempt; then after 5 more minutes, then after 30 more.
    clock = start
    for minutes, attempts in ((1, 2), (5, 3), (30, 4)):
        clock += dt.timedelta(minutes=minutes, seconds=1)
        assert webhook_jobs.send_due(app, clock - dt.timedelta(seconds=2)) == {}
        sent = webhook_jobs.send_due(app, clock)
        assert list(sent) == [delivery.id]
        assert len(receiver.received) == attempts

    [delivery] = _rows(app, WebhookDelivery)
    assert delivery.status == "failed" and delivery.attempt_count == 4
    attempts = _rows(app, WebhookAttempt, WebhookAttempt.delivery_id == delivery.id)
    assert [a.response_code for a in attempts] == [500, 500, 500, 500]
    assert all(a.status == "failed" and a.error for a in attempts)
    gaps = [
        (b.attempted_at - a.attempted_at).total_seconds() / 60
        for a, b in zip(attempts, attempts[1:])
    ]
    assert [round(g) for g in gaps] == [1, 5, 30]
    assert attempts[0].next_retry_at is not None and attempts[-1].next_retry_at is None

    [endpoint] = _rows(app, WebhookEndpoint)
    assert endpoint.is_active is False and endpoint.disabled_reason
    notes = _rows(app, Notification, Notification.tenant_id == acme.id)
    assert [n.user_id for n in notes] == [acme_admin.id]
    assert receiver.url in notes[0].message
    assert notes[0].link == f"/webhooks/show/{endpoint_id}"

    # A disabled endpoint receives nothing more.
    factories.customer(app, acme, name="After Disable Ltd")
    assert len(receiver.received) == 4


def test_a_delivery_that_succeeds_on_retry_resets_the_failure_count(
    app, api, acme, acme_admin, receiver
):
    receiver.status = 503
    _register(api, acme_admin, receiver.url, ["customer.created"])
    factories.customer(app, acme)
    receiver.status = 204
    sent = webhook_jobs.send_due(app, utcnow() + dt.timedelta(minutes=2))
    assert list(sent.values()) == ["delivered"]
    [endpoint] = _rows(app, WebhookEndpoint)
    assert endpoint.is_active and endpoint.consecutive_failures == 0


def test_a_delivery_is_sent_again_from_the_deliveries_screen(
    app, api, browser, acme, acme_admin, receiver
):
    endpoint_id = _register(api, acme_admin, receiver.url, ["customer.created"])
    factories.customer(app, acme)
    [delivery] = _rows(app, WebhookDelivery)
    b = browser(acme_admin)
    page = b.get(f"/webhooks/show/{endpoint_id}").get_data(as_text=True)
    assert "customer.created" in page
    shown = b.get(f"/webhook-deliveries/show/{delivery.id}").get_data(as_text=True)
    assert "200" in shown and delivery.uuid in shown

    r = b.post("/webhook-deliveries/action_post", {"action": "resend", "rowid": delivery.id})
    assert r.status_code == 302
    assert len(receiver.received) == 2
    first, again = (json.loads(c.body) for c in receiver.received)
    assert again["id"] == first["id"]  # the same event
    assert receiver.received[1].headers["X-Ledgerline-Delivery"] != delivery.uuid

    # Deleting the endpoint deletes its deliveries and their attempts.
    assert api(acme_admin).delete(f"/api/v1/webhook/{endpoint_id}").status_code == 200
    assert _rows(app, WebhookDelivery) == [] and _rows(app, WebhookAttempt) == []


def test_a_private_address_is_refused_at_send_time_too(app, api, acme, acme_admin, receiver):
    """Saved while private addresses were allowed; no longer allowed when it is sent."""
    _register(api, acme_admin, receiver.url, ["customer.created"])
    app.config["CRM_WEBHOOKS_ALLOW_PRIVATE"] = False  # restored by the fixture's monkeypatch
    factories.customer(app, acme)
    assert receiver.received == []
    [attempt] = _rows(app, WebhookAttempt)
    assert "127.0.0.1" in attempt.error and attempt.response_code is None


def test_a_converted_lead_sends_lead_converted_and_the_new_customer(
    app, api, acme, acme_admin, receiver
):
    lead_id = factories.lead(
        app,
        acme,
        "Office fit-out",
        status="Qualified",
        contact_name="Ada Lovelace",
        contact_email="ada@engines.example",
        company_name="Analytical Engines",
    )
    _register(api, acme_admin, receiver.url, ["lead.converted", "customer.created"])
    r = api(acme_admin).post(f"/api/v1/lead/{lead_id}/convert", json={})
    assert r.status_code == 201, r.json
    sent = {c.headers["X-Ledgerline-Event"]: json.loads(c.body) for c in receiver.received}
    assert set(sent) == {"lead.converted", "customer.created"}
    assert sent["lead.converted"]["data"]["id"] == lead_id
    assert sent["customer.created"]["data"]["email"] == "ada@engines.example"


def test_deliveries_are_recorded_and_queued_only_after_the_commit(
    app, api, acme, acme_admin, receiver, monkeypatch
):
    """When the queue is handed a delivery, the customer and the delivery are already
    committed: another connection reads both."""
    _register(api, acme_admin, receiver.url, ["customer.created"])
    hooks = app.extensions["crm_webhooks"]
    seen = []

    def queued(delivery_id):
        with app.app_context():
            engine = db.engine
        with Session(bind=engine) as other:
            seen.append(
                (
                    other.scalar(select(func.count(Customer.id))),
                    other.scalar(
                        select(WebhookDelivery.event).where(WebhookDelivery.id == delivery_id)
                    ),
                )
            )

    monkeypatch.setattr(hooks, "send", queued)
    r = api(acme_admin).post(
        "/api/v1/customer/", json={"name": "Committed Co", "email": "c@committed.example"}
    )
    assert r.status_code == 201
    assert seen == [(1, "customer.created")]
    assert receiver.received == []  # the queue (here: the test) sends it, not the request


def test_the_signing_secret_stays_out_of_the_audit_trail(app, api, acme_admin):
    r = api(acme_admin).post(
        "/api/v1/webhook/",
        json={"url": "https://93.184.215.14/hooks", "events": ["deal.won"]},
    )
    assert r.status_code == 201, r.json
    secret = api(acme_admin).get(f"/api/v1/webhook/{r.json['id']}").json["result"]["secret"]
    entries = _rows(app, AuditEntry, AuditEntry.entity == "webhook_endpoint")
    assert len(entries) == 1 and "url" in entries[0].changes
    assert secret not in json.dumps(entries[0].changes)


def test_invoice_and_payment_events_carry_their_amounts_unmasked(
    app, api, acme, acme_admin, receiver
):
    """The record as the API shows it to an Admin, who sees every figure."""
    customer_id = factories.customer(app, acme)
    _register(api, acme_admin, receiver.url, ["invoice.created", "payment.created"])
    invoice_id = factories.saved_invoice(app, acme, customer_id, Decimal("120.00"))
    factories.payment(app, acme, customer_id, Decimal("50.00"))
    sent = {c.headers["X-Ledgerline-Event"]: json.loads(c.body) for c in receiver.received}
    assert set(sent) == {"invoice.created", "payment.created"}
    assert sent["invoice.created"]["data"]["id"] == invoice_id
    assert sent["invoice.created"]["data"]["total"] == "120.00"
    assert sent["payment.created"]["data"]["amount"] == "50.00"
