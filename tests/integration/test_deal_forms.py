"""Deals through their screens: add and edit forms, the deal page with its stage control, and
who may do what. The stage rule behind the form and the control is the board's."""

import datetime as dt
import re

import pytest

from crm.extensions import db
from crm.models import Deal
from tests import factories
from tests.factories import form_errors

TODAY = dt.date.today()


@pytest.fixture
def sales(app, acme):
    return factories.sales(app, acme)


def deal_form(pipeline_id, **fields):
    form = {
        "title": "Fleet renewal",
        "description": "",
        "value": "12500.50",
        "expected_close_date": "",
        "probability": "",
        "pipeline": str(pipeline_id),
        "stage": "__None",
        "company": "",
        "customer": "",
        "assigned_to": "__None",
    }
    form.update({k: str(v) for k, v in fields.items()})
    return form


def only_deal(app):
    with app.app_context():
        pk = db.session.query(Deal.id).one()[0]
        db.session.remove()
    return factories.load_deal(app, pk)


# --- adding ------------------------------------------------------------------------------------


def test_a_deal_added_without_a_stage_starts_in_the_default_stage(
    app, acme, acme_manager, browser, sales
):
    b = browser(acme_manager)
    page = b.get("/deals/add").get_data(as_text=True)
    assert re.search(
        rf'<option selected value="{sales.id}">Sales</option>|'
        rf'<option value="{sales.id}" selected>Sales',
        page,
    ), "default pipeline preselected"
    r = b.post("/deals/add", deal_form(sales.id, expected_close_date="2030-01-31", probability=40))
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    deal = only_deal(app)
    assert (deal.stage_name, deal.pipeline_id, str(deal.value), deal.currency) == (
        "Lead",
        sales.id,
        "12500.50",
        "EUR",
    )
    assert (deal.expected_close_date, deal.probability, deal.actual_close_date) == (
        dt.date(2030, 1, 31),
        40,
        None,
    )


def test_the_customer_sets_the_currency_and_links_show_on_the_deal_page(
    app, acme, acme_manager, browser, sales
):
    customer = factories.customer(app, acme, "Dollar Buyer Inc", currency="USD")
    company = factories.company(app, acme, "Dollar Holding")
    b = browser(acme_manager)
    r = b.post(
        "/deals/add",
        deal_form(sales.id, customer=customer, company=company, assigned_to=acme_manager.id),
    )
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    deal = only_deal(app)
    assert (deal.currency, deal.customer_id, deal.company_id, deal.assigned_to_id) == (
        "USD",
        customer,
        company,
        acme_manager.id,
    )
    html = b.get(f"/deals/show/{deal.id}").get_data(as_text=True)
    assert f'href="/customers/show/{customer}">Dollar Buyer Inc</a>' in html
    assert f'href="/companies/show/{company}">Dollar Holding</a>' in html
    assert "$12,500.50" in html


def test_form_errors_show_next_to_their_fields(app, acme, acme_manager, browser, sales):
    other = factories.pipeline(app, acme)
    r = browser(acme_manager).post(
        "/deals/add",
        deal_form(sales.id, title=" ", value="-5", probability="150", stage=other.stages["Intro"]),
    )
    assert r.status_code == 200
    errors = " ".join(form_errors(r.get_data(as_text=True)))
    for expected in (
        "title is required",
        "cannot be negative",
        "between 0 and 100",
        "stage of another pipeline",
    ):
        assert expected in errors, errors
    with app.app_context():
        assert db.session.query(Deal).count() == 0
        db.session.remove()


def test_an_archived_customer_cannot_be_chosen(app, acme, acme_manager, browser, sales, db_session):
    customer = factories.customer(app, acme, "Closed Shop")
    with db_session() as s:
        from crm.models import Customer

        s.get(Customer, customer).is_active = False
        s.commit()
    r = browser(acme_manager).post("/deals/add", deal_form(sales.id, customer=customer))
    assert r.status_code == 200
    assert any("archived" in e for e in form_errors(r.get_data(as_text=True)))


# --- editing: a change of stage follows the board's rule ---------------------------------------


def edit(b, pk, sales, **fields):
    deal = factories.load_deal(b.client.application, pk)
    form = deal_form(
        deal.pipeline_id,
        title=deal.title,
        value=deal.value,
        stage=deal.stage_id,
        lost_reason=deal.lost_reason or "",
    )
    form.update({k: str(v) for k, v in fields.items()})
    response = b.post(f"/deals/edit/{pk}", form)
    assert response.status_code == 302, form_errors(response.get_data(as_text=True))
    return factories.load_deal(b.client.application, pk)


def test_editing_into_won_lost_and_back_sets_and_clears_the_close_date(
    app, acme, acme_manager, browser, sales
):
    pk = factories.deal(app, acme, stage="Proposal")
    b = browser(acme_manager)
    won = edit(b, pk, sales, stage=sales.stages["Won"])
    assert (won.stage_name, won.actual_close_date, won.lost_reason) == ("Won", TODAY, None)
    lost = edit(b, pk, sales, stage=sales.stages["Lost"], lost_reason="Chose a competitor")
    assert (lost.stage_name, lost.actual_close_date, lost.lost_reason) == (
        "Lost",
        TODAY,
        "Chose a competitor",
    )
    reopened = edit(b, pk, sales, stage=sales.stages["Negotiation"])
    assert (reopened.stage_name, reopened.actual_close_date, reopened.lost_reason) == (
        "Negotiation",
        None,
        None,
    )


def test_editing_other_fields_keeps_the_close_date(
    app, acme, acme_manager, browser, sales, db_session
):
    pk = factories.deal(app, acme, stage="Won")
    last_week = TODAY - dt.timedelta(days=7)
    with db_session() as s:
        s.get(Deal, pk).actual_close_date = last_week
        s.commit()
    deal = edit(browser(acme_manager), pk, sales, title="Renamed", value="99")
    assert (deal.title, deal.actual_close_date, str(deal.value)) == ("Renamed", last_week, "99.00")


def test_an_edit_cannot_pick_a_stage_of_another_pipeline(app, acme, acme_manager, browser, sales):
    other = factories.pipeline(app, acme)
    pk = factories.deal(app, acme, stage="Proposal")
    r = browser(acme_manager).post(
        f"/deals/edit/{pk}", deal_form(sales.id, stage=other.stages["Signed"])
    )
    assert r.status_code == 200
    assert any("another pipeline" in e for e in form_errors(r.get_data(as_text=True)))
    assert factories.load_deal(app, pk).stage_name == "Proposal"


def test_an_edit_may_move_the_deal_to_another_pipeline_with_one_of_its_stages(
    app, acme, acme_manager, browser, sales
):
    other = factories.pipeline(app, acme)
    pk = factories.deal(app, acme, stage="Proposal")
    deal = edit(browser(acme_manager), pk, sales, pipeline=other.id, stage=other.stages["Signed"])
    assert (deal.pipeline_id, deal.stage_name, deal.actual_close_date) == (
        other.id,
        "Signed",
        TODAY,
    )


# --- the deal page ------------------------------------------------------------------------------


def test_the_deal_page_shows_the_pipeline_its_tasks_interactions_and_history(
    app, acme, acme_manager, browser, sales
):
    customer = factories.customer(app, acme, "Page Buyer")
    pk = factories.deal(
        app, acme, title="Warehouse fit-out", stage="Proposal", customer_id=customer
    )
    factories.task(app, acme, "Call the architect", deal_id=pk)
    factories.task(app, acme, "Old finished task", deal_id=pk, status="done")
    factories.interaction(app, acme, customer, "Discussed the floor plan", deal=pk)
    b = browser(acme_manager)
    b.post(f"/deals/stage/{pk}", {"stage_id": sales.stages["Negotiation"]})
    html = b.get(f"/deals/show/{pk}").get_data(as_text=True)
    path = re.search(r'<ol class="crm-stage-path".*?</ol>', html, re.S).group(0)
    names = re.findall(r"<li[^>]*>\s*([^<\n]+?)\s*(?:<i|</li>)", path)
    assert names == ["Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]
    assert re.search(r'<li class="current[^"]*"[^>]*aria-current="step"[^>]*>\s*Negotiation', path)
    assert "fa-trophy" in path and "fa-times-circle" in path
    assert "Call the architect" in html and "Old finished task" not in html
    assert "Discussed the floor plan" in html
    assert "Stage: Proposal → Negotiation" in html  # the timeline names stages, not ids
    assert 'action="/deals/stage/%d"' % pk in html


def test_the_stage_control_moves_the_deal_like_the_board(app, acme, acme_manager, browser, sales):
    pk = factories.deal(app, acme, stage="Negotiation")
    b = browser(acme_manager)
    r = b.post(f"/deals/stage/{pk}", {"stage_id": sales.stages["Lost"], "lost_reason": "Timing"})
    assert r.status_code == 302
    deal = factories.load_deal(app, pk)
    assert (deal.stage_name, deal.actual_close_date, deal.lost_reason) == ("Lost", TODAY, "Timing")
    b.post(f"/deals/stage/{pk}", {"stage_id": sales.stages["Won"]})
    assert (
        factories.load_deal(app, pk).actual_close_date,
        factories.load_deal(app, pk).lost_reason,
    ) == (TODAY, None)
    b.post(f"/deals/stage/{pk}", {"stage_id": sales.stages["Lead"]})
    assert factories.load_deal(app, pk).actual_close_date is None


def test_the_stage_control_refuses_a_stage_of_another_pipeline(app, acme, acme_manager, browser):
    other = factories.pipeline(app, acme)
    pk = factories.deal(app, acme, stage="Proposal")
    b = browser(acme_manager)
    r = b.post(f"/deals/stage/{pk}", {"stage_id": other.stages["Signed"]})
    assert r.status_code == 302
    assert "another pipeline" in b.get(r.location).get_data(as_text=True)
    assert factories.load_deal(app, pk).stage_name == "Proposal"


# --- roles ------------------------------------------------------------------------------------


def test_members_read_deals_but_change_nothing(app, acme, acme_member, browser, sales):
    pk = factories.deal(app, acme, stage="Proposal")
    b = browser(acme_member)
    listing = b.get("/deals/list/")
    assert listing.status_code == 200
    menu = listing.get_data(as_text=True)
    assert 'href="/deals/list/"' in menu and 'href="/deal-board/"' in menu  # Sales menu entries
    html = b.get(f"/deals/show/{pk}").get_data(as_text=True)
    assert "Change stage" not in html and "fa-edit" not in html and "fa-trash" not in html
    assert b.get("/deals/add").status_code == 403
    assert b.post("/deals/add", deal_form(sales.id)).status_code == 403
    assert b.post(f"/deals/edit/{pk}", deal_form(sales.id, title="Hijacked")).status_code == 403
    assert b.post(f"/deals/stage/{pk}", {"stage_id": sales.stages["Won"]}).status_code == 403
    assert b.post(f"/deals/delete/{pk}").status_code == 403
    deal = factories.load_deal(app, pk)
    assert (deal.title, deal.stage_name) == ("Big rollout", "Proposal")


def test_managers_add_edit_and_move_but_never_delete(app, acme, acme_manager, browser, sales):
    pk = factories.deal(app, acme)
    b = browser(acme_manager)
    assert b.post(f"/deals/stage/{pk}", {"stage_id": sales.stages["Won"]}).status_code == 302
    assert b.post(f"/deals/delete/{pk}").status_code == 403
    assert factories.load_deal(app, pk).stage_name == "Won"


def test_admins_delete_deals_without_history_only(app, acme, acme_admin, browser):
    free = factories.deal(app, acme, title="Free")
    busy = factories.deal(app, acme, title="Busy")
    factories.task(app, acme, deal_id=busy)
    b = browser(acme_admin)
    assert b.post(f"/deals/delete/{free}").status_code == 302
    assert factories.load_deal(app, free) is None
    r = b.post(f"/deals/delete/{busy}")
    assert "cannot be deleted" in b.get(r.location, follow_redirects=True).get_data(as_text=True)
    assert factories.load_deal(app, busy) is not None
