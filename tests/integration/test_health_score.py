"""The customer health score end to end: customers built to sit in each band (and at the
band edges), refreshed by `flask crm refresh-health` and `refresh_health`, shown on the
customer page and list, filtered by band on the screen and in the API; never computed from
another tenant's data."""

import datetime as dt
from decimal import Decimal as D

import pytest
from sqlalchemy import insert

from crm.extensions import db
from crm.models import Contract, Customer, SupportTicket, Tenant
from crm.models.base import utcnow
from crm.services.customers import support_tickets
from crm.services.insight import health
from crm.services.ledger import contracts
from tests import factories
from tests.factories import at, books, interaction, invoice

TODAY = utcnow().date()


def _contract(app, tenant, customer_id, value, status="active", start=None, end=None):
    with books(app, tenant) as s:
        item = Contract(
            tenant_id=tenant.id,
            customer_id=customer_id,
            title="Support",
            value=D(value),
            status=status,
            start_date=start or TODAY - dt.timedelta(days=100),
            end_date=end,
        )
        contracts.prepare(s, item)
        s.add(item)
        s.commit()


def _tickets(app, tenant, customer_id, *statuses):
    with books(app, tenant) as s:
        for n, status in enumerate(statuses):
            item = SupportTicket(
                tenant_id=tenant.id, customer_id=customer_id, subject=f"Problem {n}", status=status
            )
            support_tickets.prepare(s, item)
            s.add(item)
        s.commit()


def _invoices(app, tenant, customer_id, *specs):
    """specs: (status, days until due — negative when past due)."""
    with books(app, tenant) as s:
        for status, due_in in specs:
            due = TODAY + dt.timedelta(days=due_in)
            invoice(
                s,
                customer_id,
                total=100,
                issue_date=due - dt.timedelta(days=30),
                due_date=due,
                status=status,
            )
        s.commit()


def _last_interaction(app, customer_id, days_ago):
    with app.app_context():
        db.session.get(Customer, customer_id).last_interaction_at = at(days_ago)
        db.session.commit()
        db.session.remove()


def _health(app, customer_id):
    with app.app_context():
        c = db.session.get(Customer, customer_id)
        result = (c.health_score, c.health_band, c.health_factors)
        db.session.remove()
    return result


@pytest.fixture
def book(app, acme):
    """Acme's customers, one per band plus the band edges; {label: id}."""
    ids = {}
    # Healthy: talked to 3 days ago, pays on time, 50k of active contracts, no open ticket.
    ids["healthy"] = factories.customer(app, acme, "Happy Buyer")
    interaction(app, acme, ids["healthy"], when=at(3))
    _invoices(
        app,
        acme,
        ids["healthy"],
        ("paid", -40),
        ("paid", -10),
        ("issued", 20),
        ("draft", -90),
        ("void", -90),
    )
    _contract(app, acme, ids["healthy"], "30000")
    _contract(app, acme, ids["healthy"], "20000")
    _contract(app, acme, ids["healthy"], "90000", status="draft")  # not active: not counted
    _tickets(app, acme, ids["healthy"], "closed", "closed")
    # Watch: never contacted, nothing owed or signed, no tickets.
    ids["watch"] = factories.customer(app, acme, "Quiet Buyer")
    # At risk: 200 days since the last call, half its invoices 90+ days overdue, an
    # expired contract, three open or pending tickets.
    ids["at_risk"] = factories.customer(app, acme, "Unhappy Buyer")
    interaction(app, acme, ids["at_risk"], when=at(200))
    _invoices(app, acme, ids["at_risk"], ("paid", -200), ("partly_paid", -95))
    _contract(
        app,
        acme,
        ids["at_risk"],
        "80000",
        start=TODAY - dt.timedelta(days=400),
        end=TODAY - dt.timedelta(days=1),
    )
    _tickets(app, acme, ids["at_risk"], "open", "pending", "open", "closed")
    # Edges. 78 days -> recency 35 -> 70.5 -> 71 (healthy); 79 days -> 34 -> 70 (watch).
    for label, days in (("edge_71", 78), ("edge_70", 79)):
        ids[label] = factories.customer(app, acme, f"Edge {label}")
        _last_interaction(app, ids[label], days)
        _contract(app, acme, ids[label], "10000")
    # Never contacted, pays, five open tickets: 30 + contracts/5: 10k -> 40 (watch), 9k -> 39.
    for label, value in (("edge_40", "10000"), ("edge_39", "9000")):
        ids[label] = factories.customer(app, acme, f"Edge {label}")
        _contract(app, acme, ids[label], value)
        _tickets(app, acme, ids[label], *["open"] * 5)
    return ids


def test_each_band_and_its_edges(app, acme, book):
    with app.app_context():
        assert health.refresh_health(db.session, acme.id) == len(book)
        db.session.remove()
    assert _health(app, book["healthy"]) == (
        96,
        "healthy",
        {"recency": 100, "payment": 100, "contracts": 80, "tickets": 100},
    )
    assert _health(app, book["watch"]) == (
        50,
        "watch",
        {"recency": 0, "payment": 100, "contracts": 0, "tickets": 100},
    )
    # payment: 1 of 2 paid = 50, less 50 for 95 days overdue = 0; tickets: 3 open -> 40.
    assert _health(app, book["at_risk"]) == (
        8,
        "at_risk",
        {"recency": 0, "payment": 0, "contracts": 0, "tickets": 40},
    )
    assert _health(app, book["edge_71"])[:2] == (71, "healthy")
    assert _health(app, book["edge_71"])[2]["recency"] == 35
    assert _health(app, book["edge_70"])[:2] == (70, "watch")
    assert _health(app, book["edge_40"]) == (
        40,
        "watch",
        {"recency": 0, "payment": 100, "contracts": 50, "tickets": 0},
    )
    assert _health(app, book["edge_39"]) == (
        39,
        "at_risk",
        {"recency": 0, "payment": 100, "contracts": 45, "tickets": 0},
    )


def test_the_payment_factor_counts_days_overdue(app, acme):
    late = factories.customer(app, acme, "Late Payer")
    _invoices(app, acme, late, ("paid", -60), ("paid", -50), ("paid", -40), ("issued", -30))
    with app.app_context():
        health.refresh_health(db.session, acme.id)
        db.session.remove()
    # 3 of 4 paid = 75, less 20 for 30 days past due.
    assert _health(app, late)[2]["payment"] == 55


def test_cli_refreshes_one_tenant_and_records_when(app, runner, acme, globex, book):
    other = factories.customer(app, globex, "Globex Buyer")
    result = runner.invoke(args=["crm", "refresh-health", "--tenant", "Acme Trading"])
    assert result.exit_code == 0, result.output
    assert f"Refreshed the health score of {len(book)} customers." in result.output
    assert _health(app, other) == (None, None, None)  # another tenant: untouched
    with app.app_context():
        assert db.session.get(Tenant, acme.id).health_refreshed_at is not None
        assert db.session.get(Tenant, globex.id).health_refreshed_at is None
        db.session.remove()
    result = runner.invoke(args=["crm", "refresh-health"])
    assert result.exit_code == 0 and f"of {len(book) + 1} customers" in result.output
    assert _health(app, other)[:2] == (50, "watch")
    result = runner.invoke(args=["crm", "refresh-health", "--tenant", "Nobody"])
    assert result.exit_code == 1 and "There is no tenant called" in result.output


def test_a_score_is_never_computed_from_another_tenants_rows(app, acme, globex):
    mine = factories.customer(app, acme, "Mine")
    # A Globex row pointing at an Acme customer (it cannot be made through the app) must not
    # count: every read of the refresh is scoped to the tenant being refreshed.
    with app.app_context():
        for n in range(5):
            db.session.execute(
                insert(SupportTicket).values(
                    tenant_id=globex.id,
                    customer_id=mine,
                    subject=f"Stray {n}",
                    status="open",
                    priority="normal",
                    opened_at=utcnow(),
                    created_at=utcnow(),
                    updated_at=utcnow(),
                )
            )
        db.session.execute(
            insert(Contract).values(
                tenant_id=globex.id,
                customer_id=mine,
                number="CT-X",
                title="Stray",
                value=D("99999"),
                currency="EUR",
                status="active",
                start_date=TODAY,
                created_at=utcnow(),
                updated_at=utcnow(),
            )
        )
        db.session.commit()
        health.refresh_health(db.session, acme.id)
        db.session.remove()
    assert _health(app, mine)[2] == {"recency": 0, "payment": 100, "contracts": 0, "tickets": 100}


def test_the_refresh_writes_no_audit_entries(app, acme, book):
    from crm.models import AuditEntry

    with app.app_context():
        before = db.session.query(AuditEntry).execution_options(all_tenants=True).count()
        health.refresh_health(db.session, acme.id)
        after = db.session.query(AuditEntry).execution_options(all_tenants=True).count()
        db.session.remove()
    assert after == before


def test_the_customer_page_shows_the_score_and_why(app, browser, acme, acme_member, book):
    b = browser(acme_member)
    html = b.get(f"/customers/show/{book['at_risk']}").get_data(as_text=True)
    assert "Not scored yet" in html and "Not refreshed yet (runs nightly)" in html
    with app.app_context():
        health.refresh_health(db.session, acme.id)
        db.session.remove()
    html = b.get(f"/customers/show/{book['at_risk']}").get_data(as_text=True)
    assert 'data-band="at_risk"' in html and "At risk 8" in html
    panel = html[html.index('id="health-panel"') :]
    panel = panel[: panel.index("</table>")]
    assert "Last refreshed" in panel
    for label, weight, score in (
        ("Recency of the last interaction", 30, 0),
        ("Payment history", 30, 0),
        ("Active contract value", 20, 0),
        ("Open support tickets", 20, 40),
    ):
        row = panel[panel.index(label) :]
        row = row[: row.index("</tr>")]
        assert f"{weight} %" in row and f'crm-health-subscore">{score}<' in row
    html = b.get(f"/customers/show/{book['healthy']}").get_data(as_text=True)
    assert 'data-band="healthy"' in html and "Healthy 96" in html


def test_the_list_shows_badges_and_filters_by_band(app, browser, acme, acme_member, book):
    with app.app_context():
        health.refresh_health(db.session, acme.id)
        db.session.remove()
    b = browser(acme_member)
    html = b.get("/customers/list/").get_data(as_text=True)
    assert "Healthy 96" in html and "At risk 8" in html and "Watch 50" in html
    assert 'name="_flt_0_health_band"' in html
    html = b.get("/customers/list/?_flt_0_health_band=at_risk").get_data(as_text=True)
    assert "Unhappy Buyer" in html and "Edge edge_39" in html
    assert "Happy Buyer" not in html and "Quiet Buyer" not in html and "Edge edge_40" not in html
    html = b.get("/customers/list/?_flt_0_health_band=healthy").get_data(as_text=True)
    assert "Happy Buyer" in html and "Edge edge_71" in html and "Edge edge_70" not in html
    html = b.get("/customers/list/?_flt_0_health_band=").get_data(as_text=True)
    assert "Unhappy Buyer" in html and "Happy Buyer" in html


def test_the_api_filters_by_band_and_refuses_unknown_bands(app, api, acme, acme_member, book):
    with app.app_context():
        health.refresh_health(db.session, acme.id)
        db.session.remove()
    client = api(acme_member)

    def names(band):
        r = client.get(
            f"/api/v1/customer/?q=(filters:!((col:health_band,opr:health_band_is,value:{band})))"
        )
        assert r.status_code == 200, r.json
        return sorted(row["name"] for row in r.json["result"])

    assert names("watch") == ["Edge edge_40", "Edge edge_70", "Quiet Buyer"]
    assert names("healthy") == ["Edge edge_71", "Happy Buyer"]
    assert names("at_risk") == ["Edge edge_39", "Unhappy Buyer"]
    r = client.get(
        "/api/v1/customer/?q=(filters:!((col:health_band,opr:health_band_is,value:great)))"
    )
    assert r.status_code == 400
    shown = client.get(f"/api/v1/customer/{book['healthy']}").json["result"]
    assert (shown["health_score"], shown["health_band"]) == (96, "healthy")
    assert shown["health_factors"]["contracts"] == 80
