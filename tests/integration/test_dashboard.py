"""The dashboard: every card and chart payload checked against a hand-computed fixture,
the six-month window at a month boundary, the empty tenant, filters, the links behind the
charts, the xlsx download and who may see what."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from crm.charts.queries import month_starts
from crm.models import Deal, Lead, LeadSource, LeadStatus, Stage, Task
from tests import factories
from tests.conftest import make_user
from tests.factories import books, invoice

UTC = dt.timezone.utc
TODAY = dt.date.today()
NOW = dt.datetime.now(UTC)


def _stage(session, tenant, name):
    return session.scalar(select(Stage).where(Stage.tenant_id == tenant.id, Stage.name == name))


def _named(session, model, tenant, name):
    return session.scalar(select(model.id).where(model.tenant_id == tenant.id, model.name == name))


def add_deal(
    session,
    tenant,
    title,
    stage,
    value,
    currency="EUR",
    created_at=None,
    owner=None,
    pipeline_stage=None,
):
    row = pipeline_stage or _stage(session, tenant, stage)
    deal = Deal(
        tenant_id=tenant.id,
        title=title,
        value=Decimal(value),
        currency=currency,
        pipeline_id=row.pipeline_id,
        stage_id=row.id,
        assigned_to_id=owner,
        created_at=created_at or NOW,
    )
    session.add(deal)
    session.flush()
    return deal.id


@pytest.fixture
def seller(app, acme):
    return make_user(app, acme, "Manager", "acme-seller")


@pytest.fixture
def books_of_acme(app, acme, globex, seller):
    """Acme's records (hand-counted in the tests below) and a few of Globex's, which must
    never show."""
    eur = factories.customer(app, acme, "Euro Buyer")
    factories.customer(app, acme, "Second Euro Buyer")
    usd = factories.customer(app, acme, "Dollar Buyer", currency="USD", owner_id=seller.id)
    factories.customer(app, acme, "Fourth Buyer")
    factories.customer(app, acme, "Archived Buyer", is_active=False)  # not counted
    factories.company(app, acme, "Active One")
    factories.company(app, acme, "Active Two", assigned_to_id=seller.id)
    factories.company(app, acme, "Dormant", is_active=False)
    factories.lead(app, acme, "Web one", source_id=None)
    with books(app, acme) as s:
        website, referral = (_named(s, LeadSource, acme, n) for n in ("Website", "Referral"))
        for title, source, status in (
            ("Web qualified", website, "Qualified"),
            ("Web new", website, None),
            ("Referral qualified", referral, "Qualified"),
        ):
            s.add(
                Lead(
                    tenant_id=acme.id,
                    title=title,
                    source_id=source,
                    status_id=_named(s, LeadStatus, acme, status or "New"),
                    assigned_to_id=seller.id if title == "Web new" else None,
                )
            )
        deals = {}
        for title, stage, value, currency in (
            ("Proposal EUR", "Proposal", "1000.00", "EUR"),
            ("Negotiation EUR", "Negotiation", "500.50", "EUR"),
            ("Won EUR 1", "Won", "2000.00", "EUR"),
            ("Won EUR 2", "Won", "1001.00", "EUR"),
            ("Won USD", "Won", "300.00", "USD"),
            ("Lost EUR", "Lost", "700.00", "EUR"),
            ("Lead USD", "Lead", "50.00", "USD"),
        ):
            deals[title] = add_deal(
                s, acme, title, stage, value, currency, owner=seller.id if "USD" in title else None
            )
        for title, status, due in (
            ("Call back", "open", 1),
            ("Draft contract", "in_progress", 3),
            ("Sent quote", "done", None),
            ("Dropped", "cancelled", None),
            ("Late follow-up", "open", -1),
        ):
            s.add(
                Task(
                    tenant_id=acme.id,
                    title=title,
                    status=status,
                    assignee_id=seller.id if status == "in_progress" else None,
                    due_date=TODAY + dt.timedelta(days=due) if due is not None else None,
                )
            )
        # Receivables: EUR 100 not yet due, EUR 250 45 days overdue; USD 80 10 days overdue.
        invoice(s, eur, total="100", due_date=TODAY + dt.timedelta(days=5))
        invoice(
            s,
            eur,
            total="250",
            issue_date=TODAY - dt.timedelta(days=75),
            due_date=TODAY - dt.timedelta(days=45),
        )
        invoice(
            s,
            usd,
            total="80",
            issue_date=TODAY - dt.timedelta(days=40),
            due_date=TODAY - dt.timedelta(days=10),
        )
        invoice(s, eur, total="999", status="draft")  # not posted: no receivable
        s.commit()
    # Globex: one of everything, in the way of every figure.
    g_customer = factories.customer(app, globex, "Globex Buyer")
    factories.company(app, globex, "Globex Co")
    factories.lead(app, globex, "Globex lead")
    with books(app, globex) as s:
        add_deal(s, globex, "Globex won", "Won", "99999.00")
        s.add(Task(tenant_id=globex.id, title="Globex task", status="open", due_date=TODAY))
        invoice(s, g_customer, total="5000", due_date=TODAY - dt.timedelta(days=100))
        s.commit()
    return {"deals": deals, "usd_customer": usd}


def data(client, query=""):
    response = client.get("/dashboard/data" + query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def chart(payload, key):
    found = [c for c in payload["charts"] if c["key"] == key]
    return found[0] if found else None


def series(payload, key):
    c = chart(payload, key)
    return {label: [ds["data"][i] for ds in c["datasets"]] for i, label in enumerate(c["labels"])}


def test_cards_match_the_hand_computed_figures(app, acme, acme_admin, browser, books_of_acme):
    cards = data(browser(acme_admin))["cards"]
    assert cards["companies"] == {"total": 3, "active": 2}
    assert cards["customers"] == {"total": 4}
    assert cards["leads"] == {"total": 4, "qualified": 2}
    assert cards["deals"] == {"total": 7, "open": 3, "won": 3, "lost": 1}
    assert cards["tasks"] == {"total": 5, "pending": 3, "completed": 1}
    # Per currency, never added across currencies.
    assert cards["revenue"] == {"EUR": "3001.00", "USD": "300.00"}
    assert cards["potential"] == {"EUR": "1500.50", "USD": "50.00"}
    assert cards["average_deal"] == {"EUR": "1500.50", "USD": "300.00"}


def test_chart_payloads_match_the_hand_computed_figures(
    app, acme, acme_admin, browser, books_of_acme
):
    payload = data(browser(acme_admin))
    assert [c["key"] for c in payload["charts"]] == [
        "deals_by_month",
        "leads_by_source",
        "tasks_by_status",
        "open_deals",
        "customers_by_health",
        "receivables",
    ]
    assert series(payload, "leads_by_source") == {"Website": [2], "Referral": [1], "No source": [1]}
    assert series(payload, "tasks_by_status") == {
        "Open": [2],
        "In progress": [1],
        "Done": [1],
        "Cancelled": [1],
    }
    assert series(payload, "open_deals") == {
        "Sales · Lead": [1],
        "Sales · Proposal": [1],
        "Sales · Negotiation": [1],
    }
    health = series(payload, "customers_by_health")
    assert health == {"Not scored yet": [4]}
    months = chart(payload, "deals_by_month")
    assert len(months["labels"]) == 6 and months["labels"][-1] == TODAY.strftime("%b %Y")
    assert [ds["label"] for ds in months["datasets"]] == [
        "Deals",
        "Won",
        "Lost",
        "Revenue (EUR)",
        "Revenue (USD)",
    ]
    this_month = series(payload, "deals_by_month")[months["labels"][-1]]
    assert this_month == [7, 3, 1, "3001.00", "300.00"]
    assert all(
        row == [0, 0, 0, "0.00", "0.00"]
        for label, row in series(payload, "deals_by_month").items()
        if label != months["labels"][-1]
    )
    receivables = chart(payload, "receivables")
    assert [ds["label"] for ds in receivables["datasets"]] == ["EUR", "USD"]
    assert series(payload, "receivables") == {
        "Not yet due": ["100.00", "0.00"],
        "1–30 days": ["0.00", "80.00"],
        "31–60 days": ["250.00", "0.00"],
        "61–90 days": ["0.00", "0.00"],
        "Over 90 days": ["0.00", "0.00"],
    }


def test_recent_records_and_upcoming_tasks(app, acme, acme_admin, browser, books_of_acme):
    factories.company(app, acme, "Newest Holding")
    recent = data(browser(acme_admin))["recent"]
    assert [r["name"] for r in recent["companies"]] == [
        "Newest Holding",
        "Dormant",
        "Active Two",
        "Active One",
    ]
    assert [r["name"] for r in recent["customers"]] == [
        "Fourth Buyer",
        "Dollar Buyer",
        "Second Euro Buyer",
        "Euro Buyer",
    ]
    assert [r["title"] for r in recent["deals"]] == [
        "Lead USD",
        "Lost EUR",
        "Won USD",
        "Won EUR 2",
        "Won EUR 1",
    ]
    # Open tasks due today or later, soonest first; done, cancelled and overdue ones are not.
    assert [r["title"] for r in recent["tasks"]] == ["Call back", "Draft contract"]


def test_deals_by_month_window_at_a_month_boundary(app, acme, acme_admin, browser):
    def at(*parts):
        return dt.datetime(*parts, tzinfo=UTC)

    with books(app, acme) as s:
        for title, stage, value, currency, created in (
            ("Just before the window", "Won", "1.00", "EUR", at(2025, 9, 30, 23, 59, 59)),
            ("First second of October", "Won", "10.00", "EUR", at(2025, 10, 1)),
            ("October lost", "Lost", "5.00", "EUR", at(2025, 10, 31, 23, 59, 59)),
            ("Turn of the year", "Proposal", "7.00", "EUR", at(2026, 1, 1)),
            ("New year's eve", "Won", "20.00", "USD", at(2025, 12, 31, 23, 0)),
            ("Last second of March", "Won", "30.00", "EUR", at(2026, 3, 31, 23, 59, 59)),
        ):
            add_deal(s, acme, title, stage, value, currency, created_at=created)
        add_deal(s, acme, "After the window", "Won", "100.00", created_at=at(2026, 4, 1))
        s.commit()
    payload = data(browser(acme_admin), "?to=2026-03-31")
    months = chart(payload, "deals_by_month")
    assert months["labels"] == [
        "Oct 2025",
        "Nov 2025",
        "Dec 2025",
        "Jan 2026",
        "Feb 2026",
        "Mar 2026",
    ]
    assert series(payload, "deals_by_month") == {
        "Oct 2025": [2, 1, 1, "10.00", "0.00"],
        "Nov 2025": [0, 0, 0, "0.00", "0.00"],
        "Dec 2025": [1, 1, 0, "0.00", "20.00"],
        "Jan 2026": [1, 0, 0, "0.00", "0.00"],
        "Feb 2026": [0, 0, 0, "0.00", "0.00"],
        "Mar 2026": [1, 1, 0, "30.00", "0.00"],
    }
    # The cards follow the same date range: everything created up to 31 March.
    assert data(browser(acme_admin), "?to=2026-03-31")["cards"]["deals"]["total"] == 6
    assert data(browser(acme_admin), "?from=2025-10-01&to=2025-12-31")["cards"]["deals"] == {
        "total": 3,
        "open": 0,
        "won": 2,
        "lost": 1,
    }


def test_month_starts_cross_the_year():
    assert month_starts(dt.date(2026, 2, 28)) == [
        dt.date(2025, 9, 1),
        dt.date(2025, 10, 1),
        dt.date(2025, 11, 1),
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
    ]
    assert month_starts(dt.date(2025, 12, 31))[-2:] == [dt.date(2025, 12, 1), dt.date(2026, 1, 1)]


def test_an_empty_tenant(app, acme, acme_admin, browser):
    b = browser(acme_admin)
    payload = data(b)
    cards = payload["cards"]
    assert cards["companies"] == {"total": 0, "active": 0}
    assert cards["customers"] == {"total": 0} and cards["leads"] == {"total": 0, "qualified": 0}
    assert cards["deals"] == {"total": 0, "open": 0, "won": 0, "lost": 0}
    assert cards["tasks"] == {"total": 0, "pending": 0, "completed": 0}
    assert cards["revenue"] == cards["potential"] == cards["average_deal"] == {}
    assert all(v == [] for v in payload["recent"].values())
    assert series(payload, "deals_by_month") == {
        label: [0, 0, 0] for label in chart(payload, "deals_by_month")["labels"]
    }
    for key in ("leads_by_source", "tasks_by_status", "open_deals", "customers_by_health"):
        assert chart(payload, key)["labels"] == [], key
    assert all(
        ds["data"] == [] or set(ds["data"]) == {"0.00"}
        for ds in chart(payload, "receivables")["datasets"]
    )
    page = b.get("/dashboard/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Nothing to show yet." in html and "None yet." in html and "Nothing due." in html


def test_owner_and_pipeline_filters(app, acme, acme_admin, browser, seller, books_of_acme):
    b = browser(acme_admin)
    mine = data(b, f"?owner={seller.id}")
    assert mine["cards"]["deals"] == {"total": 2, "open": 1, "won": 1, "lost": 0}
    assert mine["cards"]["revenue"] == {"USD": "300.00"}
    assert mine["cards"]["companies"] == {"total": 1, "active": 1}
    assert mine["cards"]["customers"] == {"total": 1}
    assert mine["cards"]["leads"] == {"total": 1, "qualified": 0}
    assert mine["cards"]["tasks"] == {"total": 1, "pending": 1, "completed": 0}
    assert [t["title"] for t in mine["recent"]["tasks"]] == ["Draft contract"]
    other = factories.pipeline(app, acme)
    with books(app, acme) as s:
        add_deal(
            s,
            acme,
            "Enterprise intro",
            None,
            "4000.00",
            pipeline_stage=s.get(Stage, other.stages["Intro"]),
        )
        s.commit()
    enterprise = data(b, f"?pipeline={other.id}")
    assert enterprise["cards"]["deals"] == {"total": 1, "open": 1, "won": 0, "lost": 0}
    assert enterprise["cards"]["potential"] == {"EUR": "4000.00"}
    assert series(enterprise, "open_deals") == {"Enterprise · Intro": [1]}
    assert enterprise["cards"]["leads"]["total"] == 4  # the pipeline narrows deals only


def test_each_chart_links_to_the_filtered_list_behind_it(
    app, acme, acme_admin, browser, seller, books_of_acme
):
    b = browser(acme_admin)
    payload = data(b)

    def link(key, label):
        c = chart(payload, key)
        return c["links"][c["labels"].index(label)]

    html = b.get(link("leads_by_source", "Website")).get_data(as_text=True)
    assert "Web qualified" in html and "Web new" in html and "Referral qualified" not in html
    html = b.get(link("tasks_by_status", "In progress")).get_data(as_text=True)
    assert "Draft contract" in html and "Call back" not in html
    html = b.get(link("open_deals", "Sales · Proposal")).get_data(as_text=True)
    assert "Proposal EUR" in html and "Negotiation EUR" not in html
    assert link("receivables", "Not yet due") is None
    assert "_flt_0_balance=overdue" in link("receivables", "31–60 days")
    filtered = data(b, f"?owner={seller.id}")
    url = chart(filtered, "open_deals")["links"][0]
    assert f"owner={seller.id}" in url
    html = b.get(url).get_data(as_text=True)
    assert "Lead USD" in html and "Proposal EUR" not in html


def test_the_page_shows_cards_tables_and_formatted_money(
    app, acme, acme_admin, browser, books_of_acme
):
    html = browser(acme_admin).get("/dashboard/").get_data(as_text=True)
    for text in (
        "€3,001.00",
        "$300.00",
        "€1,500.50",
        'data-chart="deals_by_month"',
        'data-chart="receivables"',
        "crm-chart-table",
        "vendor/chartjs/chart.umd.min.js",
        "dashboard.js",
        "Euro Buyer",
        "Call back",
        "Receivables by aging",
    ):
        assert text in html, text
    assert "Globex" not in html and "99,999" not in html


def test_members_see_the_dashboard_without_receivables(
    app, acme, acme_member, browser, books_of_acme
):
    b = browser(acme_member)
    response = b.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard/")
    payload = data(b)
    assert chart(payload, "receivables") is None
    assert payload["cards"]["deals"]["total"] == 7
    html = b.get("/dashboard/").get_data(as_text=True)
    assert "Receivables by aging" not in html and ">Dashboard<" in html


def test_anonymous_users_are_sent_to_sign_in(app):
    response = app.test_client().get("/dashboard/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]


def test_xlsx_download_holds_every_charts_numbers(app, acme, acme_admin, browser, books_of_acme):
    b = browser(acme_admin)
    response = b.get("/dashboard/xlsx?chart=receivables")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Receivables by aging"]
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("Label", "EUR", "USD")
    assert rows[1] == ("Not yet due", 100, 0) and rows[3] == ("31–60 days", 250, 0)
    everything = openpyxl.load_workbook(io.BytesIO(b.get("/dashboard/xlsx").data))
    assert everything.sheetnames == [
        "Deals by month",
        "Leads by source",
        "Tasks by status",
        "Open deals per pipeline and sta",
        "Customers by health",
        "Receivables by aging",
    ]
    sources = list(everything["Leads by source"].iter_rows(values_only=True))
    assert sources == [("Label", "Leads"), ("Website", 2), ("Referral", 1), ("No source", 1)]
    assert b.get("/dashboard/xlsx?chart=nonsense").status_code == 404


def test_unreadable_filters_are_reported_and_ignored(app, acme, acme_admin, browser, books_of_acme):
    b = browser(acme_admin)
    html = b.get("/dashboard/?from=yesterday&owner=x").get_data(as_text=True)
    assert "is not a date" in html
    assert data(b, "?from=yesterday&owner=x")["cards"]["deals"]["total"] == 7
    html = b.get("/dashboard/?from=2026-05-01&to=2026-01-01").get_data(as_text=True)
    assert "ends before it starts" in html


def test_customers_by_health_band(app, acme, acme_admin, browser):
    for name, band in (
        ("Healthy One", "healthy"),
        ("Healthy Two", "healthy"),
        ("Watched", "watch"),
        ("At Risk", "at_risk"),
        ("Unscored", None),
    ):
        factories.customer(app, acme, name, health_band=band)
    factories.customer(app, acme, "Archived At Risk", health_band="at_risk", is_active=False)
    payload = data(browser(acme_admin))
    c = chart(payload, "customers_by_health")
    assert c["labels"] == ["Healthy", "Watch", "At risk", "Not scored yet"]
    assert c["datasets"][0]["data"] == [2, 1, 1, 1]
    assert "_flt_0_health_band=at_risk" in c["links"][2]
    html = browser(acme_admin).get(c["links"][2]).get_data(as_text=True)
    assert "At Risk" in html and "Healthy One" not in html
