"""Logging interactions: against a customer, optionally one of its deals and contacts;
the customer's last_interaction_at always equals its newest interaction's time."""

import datetime as dt
import re

from sqlalchemy import event
from sqlalchemy.engine import Engine

from crm.extensions import db
from crm.models import Customer, Interaction
from tests import factories
from tests.factories import (
    at,
    deal,
    interaction,
    last_interaction_at,
    load,
    newest_occurred_at,
    utc,
)


def _form_time(value):
    return value.strftime("%Y-%m-%dT%H:%M")


def _field_error(html, name):
    match = re.search(rf'name="{name}".*?<div class="alert alert-danger">(.*?)</div>', html, re.S)
    return match and re.sub(r"\s+", " ", match.group(1)).strip()


def _interaction_ids_all(app):
    with app.app_context():
        ids = sorted(
            i.id for i in db.session.query(Interaction).execution_options(all_tenants=True)
        )
        db.session.remove()
    return ids


# --- the customer page ------------------------------------------------------------------


def test_log_interaction_from_the_customer_tab_fills_in_the_customer(
    app, browser, acme, acme_manager
):
    customer = factories.customer(app, acme, "Tabbed Buyer")
    b = browser(acme_manager)
    page = factories.with_tabs(b, f"/customers/show/{customer}")
    link = re.search(
        r'<a class="btn btn-sm btn-primary crm-log-interaction" href="([^"]+)"', page
    ).group(1)
    assert link == f"/interactions/add?_flt_0_customer={customer}"
    form = b.get(link).get_data(as_text=True)
    assert 'name="customer"' not in form  # taken from the tab, not asked again
    assert 'type="datetime-local"' in form
    r = b.post(link, {"kind": "meeting", "summary": "Site visit", "occurred_at": _form_time(at(1))})
    assert r.status_code == 302
    (pk,) = _interaction_ids_all(app)
    saved = load(app, Interaction, pk)
    assert (saved.customer_id, saved.kind, saved.user_id) == (customer, "meeting", acme_manager.id)
    assert last_interaction_at(app, customer) == at(1)


def test_the_customer_page_lists_interactions_newest_first(app, browser, acme, acme_member):
    customer = factories.customer(app, acme, "Chatty Buyer")
    for days, summary in ((5, "Oldest call"), (0, "Newest call"), (2, "Middle call")):
        interaction(app, acme, customer, summary, when=at(days))
    html = factories.with_tabs(browser(acme_member), f"/customers/show/{customer}")
    tab = html[html.index('id="InteractionView"') :]
    positions = [tab.index(s) for s in ("Newest call", "Middle call", "Oldest call")]
    assert positions == sorted(positions)
    assert "crm-log-interaction" not in html  # Members read only


def test_blank_time_is_now_and_more_than_a_day_ahead_is_refused(app, browser, acme, acme_manager):
    customer = factories.customer(app, acme)
    # Two hours ahead, whatever the hour the suite runs at (a user ahead of UTC).
    later = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0) + dt.timedelta(hours=2)
    b = browser(acme_manager)
    r = b.post(
        "/interactions/add",
        {
            "customer": customer,
            "kind": "call",
            "summary": "Too soon",
            "occurred_at": _form_time(at(-3)),
        },
    )
    assert r.status_code == 200
    assert "more than a day ahead" in _field_error(r.get_data(as_text=True), "occurred_at")
    assert _interaction_ids_all(app) == []
    r = b.post(
        "/interactions/add",
        {
            "customer": customer,
            "kind": "call",
            "summary": "Later today",
            "occurred_at": _form_time(later),
        },
    )
    assert r.status_code == 302  # within a day ahead: a user ahead of UTC
    r = b.post(
        "/interactions/add",
        {"customer": customer, "kind": "note", "summary": "Now", "occurred_at": ""},
    )
    assert r.status_code == 302
    assert last_interaction_at(app, customer) == later


def test_summary_and_customer_are_required(app, browser, acme, acme_manager):
    b = browser(acme_manager)
    r = b.post("/interactions/add", {"kind": "call", "summary": "Lost"})
    assert r.status_code == 200 and _field_error(r.get_data(as_text=True), "customer")
    customer = factories.customer(app, acme)
    r = b.post("/interactions/add", {"customer": customer, "kind": "call", "summary": "   "})
    assert r.status_code == 200 and _field_error(r.get_data(as_text=True), "summary")
    assert _interaction_ids_all(app) == []


# --- deals and contacts of another customer ---------------------------------------------


def test_a_deal_or_contact_of_another_customer_is_refused(app, browser, api, acme, acme_manager):
    mine = factories.customer(app, acme, "Mine Ltd")
    other = factories.customer(app, acme, "Other Ltd")
    other_deal = deal(app, acme, "Other's deal", customer_id=other)
    other_contact = factories.contact(app, acme, other, "Olga Other")
    my_deal = deal(app, acme, "My deal", customer_id=mine)
    my_contact = factories.contact(app, acme, mine, "Mia Mine")
    b = browser(acme_manager)
    r = b.post(
        "/interactions/add",
        {
            "customer": mine,
            "kind": "call",
            "summary": "x",
            "deal": other_deal,
            "contact": other_contact,
        },
    )
    html = r.get_data(as_text=True)
    assert "not one of Mine Ltd" in _field_error(html, "deal")
    assert "does not belong to Mine Ltd" in _field_error(html, "contact")
    client = api(acme_manager)
    r = client.post(
        "/api/v1/interaction/", json={"customer": mine, "summary": "x", "deal": other_deal}
    )
    assert r.status_code == 422 and list(r.json["errors"]) == ["deal"]
    r = client.post(
        "/api/v1/interaction/", json={"customer": mine, "summary": "x", "contact": other_contact}
    )
    assert r.status_code == 422 and list(r.json["errors"]) == ["contact"]
    assert _interaction_ids_all(app) == []
    r = b.post(
        "/interactions/add",
        {
            "customer": mine,
            "kind": "call",
            "summary": "Fine",
            "deal": my_deal,
            "contact": my_contact,
        },
    )
    assert r.status_code == 302
    saved = load(app, Interaction, _interaction_ids_all(app)[0])
    assert (saved.deal_id, saved.contact_id) == (my_deal, my_contact)


def test_moving_an_interaction_keeps_its_deal_only_if_it_fits(app, browser, acme, acme_manager):
    first = factories.customer(app, acme, "First Co")
    second = factories.customer(app, acme, "Second Co")
    pk = interaction(app, acme, first, deal=deal(app, acme, customer_id=first))
    r = browser(acme_manager).post(
        f"/interactions/edit/{pk}",
        {
            "customer": second,
            "kind": "call",
            "summary": "Moved",
            "deal": load(app, Interaction, pk).deal_id,
        },
    )
    assert "not one of Second Co" in _field_error(r.get_data(as_text=True), "deal")
    assert load(app, Interaction, pk).customer_id == first


def test_an_archived_customer_takes_no_new_interactions(app, api, acme, acme_manager):
    archived = factories.customer(app, acme, "Gone Ltd", is_active=False)
    r = api(acme_manager).post("/api/v1/interaction/", json={"customer": archived, "summary": "x"})
    assert r.status_code == 422 and "archived" in r.json["errors"]["customer"][0]


# --- last_interaction_at ------------------------------------------------------------------


def test_last_interaction_at_follows_create_edit_move_and_delete(
    app, browser, acme, acme_manager, acme_admin
):
    first = factories.customer(app, acme, "First Co")
    second = factories.customer(app, acme, "Second Co")
    b = browser(acme_manager)
    assert last_interaction_at(app, first) is None

    def log(customer, days):
        assert (
            b.post(
                "/interactions/add",
                {
                    "customer": customer,
                    "kind": "call",
                    "summary": f"{days}",
                    "occurred_at": _form_time(at(days)),
                },
            ).status_code
            == 302
        )
        return max(_interaction_ids_all(app))

    old = log(first, 10)
    assert last_interaction_at(app, first) == at(10)
    new = log(first, 2)
    assert last_interaction_at(app, first) == at(2)
    log(first, 6)  # older than the newest: no change
    assert last_interaction_at(app, first) == at(2)

    def edit(pk, customer, days):
        assert (
            b.post(
                f"/interactions/edit/{pk}",
                {
                    "customer": customer,
                    "kind": "call",
                    "summary": "e",
                    "occurred_at": _form_time(at(days)),
                },
            ).status_code
            == 302
        )

    edit(new, first, 8)  # the newest moves back in time: the next one takes over
    assert last_interaction_at(app, first) == at(6)
    edit(old, first, 1)
    assert last_interaction_at(app, first) == at(1)
    edit(old, second, 1)  # moved to another customer
    assert (last_interaction_at(app, first), last_interaction_at(app, second)) == (at(6), at(1))
    admin = browser(acme_admin)
    assert admin.post(f"/interactions/delete/{old}").status_code == 302
    assert last_interaction_at(app, second) is None
    for customer in (first, second):
        assert last_interaction_at(app, customer) == newest_occurred_at(app, customer)


def test_last_interaction_at_follows_the_api_too(app, api, acme, acme_manager, acme_admin):
    first = factories.customer(app, acme, "First Co")
    second = factories.customer(app, acme, "Second Co")
    client = api(acme_manager)
    r = client.post(
        "/api/v1/interaction/",
        json={"customer": first, "summary": "Call", "occurred_at": at(3).isoformat()},
    )
    assert r.status_code == 201, r.json
    pk = r.json["id"]
    assert last_interaction_at(app, first) == at(3)
    assert (
        client.put(f"/api/v1/interaction/{pk}", json={"occurred_at": at(4).isoformat()}).status_code
        == 200
    )
    assert last_interaction_at(app, first) == at(4)
    assert client.put(f"/api/v1/interaction/{pk}", json={"customer": second}).status_code == 200
    assert (last_interaction_at(app, first), last_interaction_at(app, second)) == (None, at(4))
    assert api(acme_admin).delete(f"/api/v1/interaction/{pk}").status_code == 200
    assert last_interaction_at(app, second) is None


def test_the_api_refuses_bad_input_naming_the_field(app, api, acme, acme_manager):
    customer = factories.customer(app, acme)
    client = api(acme_manager)
    for body, field in (
        ({"customer": customer, "summary": ""}, "summary"),
        ({"customer": customer}, "summary"),
        ({"summary": "x"}, "customer"),
        ({"customer": customer, "summary": "x", "kind": "fax"}, "kind"),
        ({"customer": customer, "summary": "x", "occurred_at": at(-5).isoformat()}, "occurred_at"),
        ({"customer": customer, "summary": "x", "occurred_at": "soon"}, "occurred_at"),
        ({"customer": 999999, "summary": "x"}, "customer"),
    ):
        r = client.post("/api/v1/interaction/", json=body)
        assert r.status_code == 422, (body, r.json)
        assert field in r.json["errors"], (body, r.json)


def test_interactions_are_listed_newest_first_in_the_api(app, api, acme, acme_member):
    customer = factories.customer(app, acme)
    for days in (3, 1, 2):
        interaction(app, acme, customer, f"{days} days ago", when=at(days))
    body = api(acme_member).get("/api/v1/interaction/").json
    assert [i["summary"] for i in body["result"]] == ["1 days ago", "2 days ago", "3 days ago"]


# --- deleting a customer with history ------------------------------------------------------


def test_a_customer_with_interactions_cannot_be_deleted(app, browser, api, acme, acme_admin):
    customer = factories.customer(app, acme, "Historic Ltd")
    interaction(app, acme, customer)
    r = browser(acme_admin).post(f"/customers/delete/{customer}", follow_redirects=True)
    assert "1 interactions" in r.get_data(as_text=True)
    r = api(acme_admin).delete(f"/api/v1/customer/{customer}")
    assert r.status_code == 409 and "interactions" in r.json["message"]
    assert load(app, Customer, customer) is not None


# --- pickers ----------------------------------------------------------------------------------


def test_deal_and_contact_lookups_offer_only_the_customers_own(app, browser, acme, acme_member):
    mine = factories.customer(app, acme, "Mine Ltd")
    other = factories.customer(app, acme, "Other Ltd")
    deal(app, acme, "Mine: renewal", customer_id=mine)
    deal(app, acme, "Mine: won upsell", customer_id=mine, stage="Won")
    deal(app, acme, "Other: renewal", customer_id=other)
    factories.contact(app, acme, mine, "Mia Mine")
    factories.contact(app, acme, other, "Olga Other")
    b = browser(acme_member)
    texts = lambda url: [r["text"] for r in b.get(url).json["results"]]  # noqa: E731
    assert texts(f"/interactions/lookup_deals?customer={mine}") == [
        "Mine: renewal · Mine Ltd",
        "Mine: won upsell · Mine Ltd",
    ]  # open first
    assert texts(f"/interactions/lookup_deals?customer={mine}&q=upsell") == [
        "Mine: won upsell · Mine Ltd"
    ]
    assert texts(f"/interactions/lookup_contacts?customer={mine}")[0].startswith("Mia Mine")
    assert len(texts(f"/interactions/lookup_contacts?customer={mine}")) == 1
    assert texts("/interactions/lookup_contacts") == []  # no customer chosen yet
    assert b.get("/interactions/lookup_deals?customer=abc").status_code == 404


def test_logging_from_a_deal_fills_in_its_customer(app, browser, acme, acme_manager):
    customer = factories.customer(app, acme, "Deal Owner Ltd")
    pk = deal(app, acme, "The deal", customer_id=customer)
    b = browser(acme_manager)
    form = b.get(f"/interactions/add?_flt_0_deal={pk}").get_data(as_text=True)
    assert re.search(rf'<option value="{customer}" selected>Deal Owner Ltd', form)
    r = b.post(
        f"/interactions/add?_flt_0_deal={pk}",
        {"customer": customer, "kind": "email", "summary": "Sent the proposal"},
    )
    assert r.status_code == 302
    saved = load(app, Interaction, _interaction_ids_all(app)[0])
    assert (saved.customer_id, saved.deal_id) == (customer, pk)


# --- roles --------------------------------------------------------------------------------------


def test_members_read_managers_log_and_edit_admins_delete(
    app, browser, api, acme, acme_member, acme_manager, acme_admin
):
    customer = factories.customer(app, acme)
    pk = interaction(app, acme, customer)
    body = {"customer": customer, "kind": "call", "summary": "By role"}
    member, manager, admin = browser(acme_member), browser(acme_manager), browser(acme_admin)
    assert member.get("/interactions/list/").status_code == 200
    assert member.get(f"/interactions/show/{pk}").status_code == 200
    assert member.get("/interactions/add").status_code == 403
    assert member.post("/interactions/add", body).status_code == 403
    assert member.post(f"/interactions/edit/{pk}", body).status_code == 403
    assert api(acme_member).post("/api/v1/interaction/", json=body).status_code == 403
    assert manager.post(f"/interactions/edit/{pk}", body).status_code == 302
    assert manager.post(f"/interactions/delete/{pk}").status_code == 403
    assert api(acme_manager).delete(f"/api/v1/interaction/{pk}").status_code == 403
    assert load(app, Interaction, pk).summary == "By role"
    assert admin.post(f"/interactions/delete/{pk}").status_code == 302
    assert load(app, Interaction, pk) is None


def test_log_interaction_service_for_other_features(app, acme, db_session):
    """The statement e-mail (and any feature) logs through one call with ids."""
    from crm.security.tenancy import tenant_scope
    from crm.services.pipeline.interactions import log_interaction

    customer = factories.customer(app, acme)
    contact = factories.contact(app, acme, customer)
    with db_session() as s, tenant_scope(acme.id):
        item = log_interaction(
            s,
            customer,
            "Statement of account e-mailed",
            kind="email",
            contact=contact,
            user_id=None,
        )
        assert (item.kind, item.contact_id, item.customer_id) == ("email", contact, customer)
        assert utc(item.occurred_at) == last_interaction_at(app, customer)


def _statements_for(b, url):
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        assert b.get(url).status_code == 200
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    return len(seen)


def test_lists_read_linked_records_per_relation_not_per_row(app, browser, acme, acme_manager):
    """Each customer, deal, contact and assignee on a page comes from one query per relation."""
    from tests.factories import task

    b = browser(acme_manager)

    def add(n):
        customer = factories.customer(app, acme, f"Buyer {n}")
        the_deal = deal(app, acme, f"Deal {n}", customer_id=customer)
        interaction(
            app,
            acme,
            customer,
            f"Call {n}",
            deal=the_deal,
            contact=factories.contact(app, acme, customer, f"Contact {n}"),
        )
        task(
            app,
            acme,
            f"Task {n}",
            customer_id=customer,
            deal_id=the_deal,
            assignee_id=acme_manager.id,
        )

    add(0)
    few = {url: _statements_for(b, url) for url in ("/interactions/list/", "/tasks/list/")}
    for n in range(1, 8):
        add(n)
    many = {url: _statements_for(b, url) for url in few}
    assert many == few


def test_a_lead_and_a_customerless_deal_keep_interactions_of_their_own(app, acme, db_session):
    """Without a customer an interaction belongs to its lead or deal; with none of the
    three it is refused, and a contact needs a customer."""
    import pytest

    from crm.security.tenancy import tenant_scope
    from crm.services.core.errors import ValidationFailed
    from crm.services.pipeline.interactions import for_deal, for_lead, log_interaction

    lead = factories.lead(app, acme, "Walk-in enquiry", contact_email="walkin@example.org")
    bare_deal = deal(app, acme, "Deal without a customer")
    customer = factories.customer(app, acme)
    contact = factories.contact(app, acme, customer)
    with db_session() as s, tenant_scope(acme.id):
        on_lead = log_interaction(s, None, "Called back", kind="call", lead=lead)
        on_deal = log_interaction(s, None, "Sent the offer", kind="email", deal=bare_deal)
        assert on_lead.customer_id is None and on_deal.customer_id is None
        assert [i.id for i in for_lead(s, lead)] == [on_lead.id]
        assert [i.id for i in for_deal(s, bare_deal)] == [on_deal.id]
        with pytest.raises(ValidationFailed) as refused:
            log_interaction(s, None, "About nothing")
        assert "customer" in refused.value.errors
        with pytest.raises(ValidationFailed) as refused:
            log_interaction(s, None, "Wrong contact", lead=lead, contact=contact)
        assert "contact" in refused.value.errors


def test_a_deals_interaction_belongs_to_the_deals_customer(app, acme, db_session):
    from crm.security.tenancy import tenant_scope
    from crm.services.pipeline.interactions import log_interaction

    customer = factories.customer(app, acme, "Deal Owner Ltd")
    owned = deal(app, acme, "Owned deal", customer_id=customer)
    with db_session() as s, tenant_scope(acme.id):
        item = log_interaction(s, None, "Demo given", kind="meeting", deal=owned)
        assert item.customer_id == customer
        assert utc(item.occurred_at) == last_interaction_at(app, customer)
