"""One date format on every screen: a record's dates read as the reader's locale writes a
medium date (``Mar 14, 2026``, ``14.03.2026``), points in time as that date and a short
time, on the customer, deal, invoice and task pages and in the timeline, in English and
German, and no other way of writing the same day (ISO, short, long) appears beside it."""

import datetime as dt

import pytest
from babel.dates import format_date

from crm.extensions import db
from crm.models import Customer, Deal
from crm.security.tenancy import tenant_scope
from tests import factories

DAY = dt.date(2026, 3, 14)
MOMENT = dt.datetime(2026, 3, 14, 12, 30, tzinfo=dt.UTC)  # midday: the same day in any tenant zone


def _other_ways(language):
    """How the same day is written by formats the screens must not use."""
    return {
        DAY.isoformat(),
        DAY.strftime("%m/%d/%Y"),
        f"{DAY.month}/{DAY.day}/{DAY:%y}",
        format_date(DAY, "short", locale=language),
        format_date(DAY, "long", locale=language),
        format_date(DAY, "full", locale=language),
    } - {format_date(DAY, "medium", locale=language)}


@pytest.fixture
def dated_records(app, acme, acme_manager):
    customer = factories.customer(app, acme, "Datum Handel GmbH")
    deal = factories.deal(app, acme, "Datum rollout", customer_id=customer)
    factories.interaction(app, acme, customer, "Datum call", when=MOMENT, deal=deal)
    task = factories.task(
        app, acme, "Datum follow-up", due_date=DAY, deal_id=deal, assignee_id=acme_manager.id
    )
    invoice = factories.draft_invoice(
        app, acme, customer, issue_date=DAY.isoformat(), due_date=DAY.isoformat()
    )
    with app.app_context():
        with tenant_scope(acme.id):
            db.session.get(Deal, deal).expected_close_date = DAY
            # last: the invoice above refreshes the customer's order figures
            db.session.get(Customer, customer).last_order_date = DAY
            db.session.commit()
        db.session.remove()
    return {
        "customer": f"/customers/show/{customer}",
        "deal": f"/deals/show/{deal}",
        "invoice": f"/invoices/show/{invoice}",
        "task": f"/tasks/show/{task}",
        "my tasks": "/my-tasks/",
        "invoice list": "/invoices/list/",
        "task list": "/tasks/list/",
    }


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_page_writes_the_day_one_way(app, acme_manager, browser, dated_records, language):
    b = browser(acme_manager)
    assert b.post(f"/language/{language}", {"next": "/"}).status_code == 302
    medium = format_date(DAY, "medium", locale=language)
    for name, url in dated_records.items():
        page = b.get(url).get_data(as_text=True)
        assert medium in page, f"{name} ({language}) does not show {medium}"
        written = [other for other in _other_ways(language) if other in page]
        assert not written, f"{name} ({language}) also writes the day as {written}"


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_timeline_writes_a_moment_as_its_medium_date_and_short_time(
    app, acme_manager, browser, dated_records, language
):
    b = browser(acme_manager)
    b.post(f"/language/{language}", {"next": "/"})
    page = b.get(dated_records["deal"]).get_data(as_text=True)
    medium = format_date(DAY, "medium", locale=language)
    assert f"{medium}, " in page  # "Mar 14, 2026, 1:30 PM", "14.03.2026, 13:30"
    assert format_date(DAY, "short", locale=language) + "," not in page
