"""The dashboard's figures are kept for a minute in the shared cache: a second view (from
any web worker) reads them without running the aggregates, the page says how old they are,
Refresh computes them again; entries never cross tenants, languages or what a role may see."""

import redis

from app import create_app
from config import TestConfig
from crm.extensions import db
from tests import factories
from tests.conftest import Browser, redis_url
from tests.factories import counted

REDIS_URL = redis_url("cache")


def customers_card(client, query=""):
    response = client.get("/dashboard/data" + query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json["cards"]["customers"]["total"], response.json["computed_at"]


def statements_of(app, call):
    """How many SQL statements ``call`` runs on ``app``'s engine."""
    with counted(app) as statements:
        call()
    return len(statements)


def test_figures_are_kept_until_refreshed(app, acme, acme_admin, browser):
    factories.customer(app, acme, "First Buyer")
    b = browser(acme_admin)
    first, at = customers_card(b)
    assert first == 1
    factories.customer(app, acme, "Second Buyer")
    assert customers_card(b) == (1, at)
    page = b.get("/dashboard/").get_data(as_text=True)
    assert "Figures as of" in page and "fresh=1" in page
    fresh, fresh_at = customers_card(b, "?fresh=1")
    assert fresh == 2 and fresh_at > at
    assert customers_card(b) == (2, fresh_at)  # the refresh replaced the kept figures


def test_a_kept_view_runs_fewer_statements(app, acme, acme_admin, browser):
    factories.customer(app, acme, "First Buyer")
    b = browser(acme_admin)
    computing = statements_of(app, lambda: b.get("/dashboard/data?fresh=1"))
    kept = statements_of(app, lambda: b.get("/dashboard/data"))
    assert computing - kept >= 10  # the aggregates were not run again


def test_no_cache_when_the_setting_is_zero(app, acme, acme_admin, browser, monkeypatch):
    monkeypatch.setitem(app.config, "CRM_DASHBOARD_CACHE_SECONDS", 0)
    b = browser(acme_admin)
    assert customers_card(b)[0] == 0
    factories.customer(app, acme, "First Buyer")
    assert customers_card(b)[0] == 1


def test_entries_never_cross_tenants_or_roles(
    app, acme, acme_admin, acme_member, globex_admin, browser
):
    factories.customer(app, acme, "First Buyer")
    admin = browser(acme_admin).get("/dashboard/data").json
    assert any(chart["key"] == "receivables" for chart in admin["charts"])
    member = browser(acme_member).get("/dashboard/data").json
    assert not any(chart["key"] == "receivables" for chart in member["charts"])
    assert customers_card(browser(globex_admin))[0] == 0


def _worker(app, **config):
    """Another web worker of the same installation: its own app over the same database."""
    keys = ("SQLALCHEMY_DATABASE_URI", "CRM_DOCUMENT_DIR", "CRM_JOB_DIR", "CRM_CACHE_DIR")
    values = {key: app.config[key] for key in keys}
    return create_app(type("Worker", (TestConfig,), {**values, **config}))


def _shared_between_workers(one, two, acme, acme_admin):
    factories.customer(one, acme, "First Buyer")
    first, at = customers_card(Browser(one.test_client()).login(acme_admin.username))
    factories.customer(one, acme, "Second Buyer")
    other = Browser(two.test_client()).login(acme_admin.username)
    assert customers_card(other) == (first, at)


def test_another_worker_reads_the_kept_figures(app, acme, acme_admin):
    _shared_between_workers(app, _worker(app), acme, acme_admin)


def test_workers_share_the_figures_through_redis(app, acme, acme_admin):
    redis.Redis.from_url(REDIS_URL).flushdb()
    one, two = _worker(app, CRM_REDIS_URL=REDIS_URL), _worker(app, CRM_REDIS_URL=REDIS_URL)
    try:
        _shared_between_workers(one, two, acme, acme_admin)
        assert redis.Redis.from_url(REDIS_URL).keys("ledgerline:cache:dashboard:*")
    finally:
        redis.Redis.from_url(REDIS_URL).flushdb()
        for worker in (one, two):
            with worker.app_context():
                db.engine.dispose()
