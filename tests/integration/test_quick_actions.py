"""Quick actions: an interaction logged through the API from a lead, a deal or a customer
(what the quick-log modal sends), refused to Members; the buttons only for those who may
log; a task marked done and reopened through the API; the lead page's interactions."""

import re

import pytest

from crm.models import Interaction, Task
from tests import factories
from tests.factories import load


def _saved(app, pk):
    item = load(app, Interaction, pk)
    return item.kind, item.summary, item.customer_id, item.deal_id, item.lead_id, item.contact_id


def test_api_logs_a_call_against_a_lead(app, api, acme, acme_manager):
    lead = factories.lead(app, acme, "Harbour cranes")
    client = api(acme_manager)
    r = client.post(
        "/api/v1/interaction/", json={"kind": "call", "summary": "First call", "lead": lead}
    )
    assert r.status_code == 201, r.get_data(as_text=True)
    assert _saved(app, r.json["id"]) == ("call", "First call", None, None, lead, None)
    shown = client.get(f"/api/v1/interaction/{r.json['id']}").json["result"]
    assert shown["lead"] == {"id": lead, "title": "Harbour cranes"}


def test_api_logs_against_a_deal_and_takes_the_deals_customer(app, api, acme, acme_manager):
    customer = factories.customer(app, acme, "Dockside Ltd")
    contact = factories.contact(app, acme, customer, "Dee Buyer")
    deal = factories.deal(app, acme, "Dock gates", customer_id=customer)
    r = api(acme_manager).post(
        "/api/v1/interaction/",
        json={
            "kind": "meeting",
            "summary": "On site",
            "deal": deal,
            "contact": contact,
            "follow_up": "Send drawings",
        },
    )
    assert r.status_code == 201, r.get_data(as_text=True)
    assert _saved(app, r.json["id"]) == ("meeting", "On site", customer, deal, None, contact)
    assert load(app, Interaction, r.json["id"]).follow_up == "Send drawings"


def test_api_logs_a_note_against_a_customer(app, api, acme, acme_manager):
    customer = factories.customer(app, acme, "Quayside plc")
    r = api(acme_manager).post(
        "/api/v1/interaction/",
        json={"kind": "note", "summary": "Prefers email", "customer": customer},
    )
    assert r.status_code == 201, r.get_data(as_text=True)
    assert _saved(app, r.json["id"]) == ("note", "Prefers email", customer, None, None, None)


def test_api_names_the_field_of_a_missing_summary(app, api, acme, acme_manager):
    lead = factories.lead(app, acme)
    r = api(acme_manager).post(
        "/api/v1/interaction/", json={"kind": "call", "summary": "  ", "lead": lead}
    )
    assert r.status_code == 422, r.get_data(as_text=True)
    assert set(r.json["errors"]) == {"summary"}


def test_a_member_may_not_log_and_sees_no_quick_log_buttons(app, api, browser, acme, acme_member):
    deal = factories.deal(app, acme, "Members watch")
    r = api(acme_member).post(
        "/api/v1/interaction/", json={"kind": "call", "summary": "Sneaky", "deal": deal}
    )
    assert r.status_code == 403
    b = browser(acme_member)
    for url in (f"/deals/show/{deal}", "/deals/list/", "/customers/list/"):
        page = b.get(url).get_data(as_text=True)
        assert "data-quick-log=" not in page, url
        assert 'id="crm-quick-log"' not in page, url
    cards = b.get(f"/deal-board/cards/{_stage_of(app, deal)}").json["cards"]
    assert cards and all("data-quick-log" not in c["html"] for c in cards)


def _stage_of(app, deal):
    return factories.load_deal(app, deal).stage_id


def test_a_manager_gets_the_buttons_on_rows_cards_and_headers(app, browser, acme, acme_manager):
    customer = factories.customer(app, acme, "Buttons Ltd")
    deal = factories.deal(app, acme, "Buttoned deal", customer_id=customer)
    lead = factories.lead(app, acme, "Buttoned lead")
    b = browser(acme_manager)
    expected = {
        "/customers/list/": f'data-quick-log="call"\n        data-customer="{customer}"',
        "/deals/list/": f'data-quick-log="call"\n        data-deal="{deal}"',
        "/leads/list/": f'data-quick-log="call"\n        data-lead="{lead}"',
        f"/customers/show/{customer}": f'data-customer="{customer}"',
        f"/deals/show/{deal}": f'data-deal="{deal}"',
        f"/leads/show/{lead}": f'data-lead="{lead}"',
    }
    for url, button in expected.items():
        page = b.get(url).get_data(as_text=True)
        assert button in page, url
        assert 'id="crm-quick-log"' in page, url
    (card,) = b.get(f"/deal-board/cards/{_stage_of(app, deal)}").json["cards"]
    assert re.search(rf'data-quick-log="call"\s+data-deal="{deal}"', card["html"])


def test_the_lead_page_lists_the_leads_interactions(app, api, browser, acme, acme_manager):
    lead = factories.lead(app, acme, "Listed lead")
    api(acme_manager).post(
        "/api/v1/interaction/", json={"kind": "call", "summary": "Spoke to the buyer", "lead": lead}
    )
    page = browser(acme_manager).get(f"/leads/show/{lead}").get_data(as_text=True)
    assert "Spoke to the buyer" in page
    assert re.search(r"data-quick-log-count>1<", page)


def test_the_contacts_lookup_takes_a_deals_customer(app, browser, acme, acme_manager):
    customer = factories.customer(app, acme, "Contacts Ltd")
    contact = factories.contact(app, acme, customer, "Cee Contact")
    deal = factories.deal(app, acme, "Contact deal", customer_id=customer)
    answer = browser(acme_manager).get(f"/interactions/lookup_contacts?deal={deal}").json
    assert answer["results"] == [{"id": contact, "text": "Cee Contact"}]


@pytest.mark.parametrize("page", ["deal", "lead", "task"])
def test_record_pages_offer_mark_done_on_open_tasks(app, browser, acme, acme_manager, page):
    deal = factories.deal(app, acme, "Tasked deal")
    lead = factories.lead(app, acme, "Tasked lead")
    task = factories.task(app, acme, "Ring back", deal_id=deal, lead_id=lead)
    url = {
        "deal": f"/deals/show/{deal}",
        "lead": f"/leads/show/{lead}",
        "task": f"/tasks/show/{task}",
    }
    html = browser(acme_manager).get(url[page]).get_data(as_text=True)
    assert f'data-done-api="/api/v1/task/{task}/done"' in html


def test_the_company_page_offers_mark_done_on_its_open_tasks(app, browser, acme, acme_manager):
    company = factories.company(app, acme, "Tasked Holding")
    task = factories.task(app, acme, "Annual review", company_id=company)
    html = browser(acme_manager).get(f"/companies/show/{company}").get_data(as_text=True)
    assert f'data-done-api="/api/v1/task/{task}/done"' in html


def test_api_marks_a_task_done_and_reopens_it(app, api, acme, acme_manager):
    task = factories.task(app, acme, "Chase invoice")
    client = api(acme_manager)
    r = client.post(f"/api/v1/task/{task}/done")
    assert r.status_code == 200, r.get_data(as_text=True)
    saved = load(app, Task, task)
    assert saved.status == "done" and saved.completed_at is not None
    r = client.post(f"/api/v1/task/{task}/reopen")
    assert r.status_code == 200
    saved = load(app, Task, task)
    assert saved.status == "open" and saved.completed_at is None


def test_a_member_may_not_mark_a_task_done(app, api, acme, acme_member):
    task = factories.task(app, acme, "Not yours to close")
    assert api(acme_member).post(f"/api/v1/task/{task}/done").status_code == 403
    assert load(app, Task, task).status == "open"
