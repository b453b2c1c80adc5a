"""Reading back what tests wrote: rows detached for assertions, single attributes, and the
validation messages a re-rendered form shows."""

import contextlib
import re

from sqlalchemy import event

from crm.extensions import db
from crm.models import Customer
from crm.security.tenancy import tenant_scope

# A figure the reader may not see, as every screen writes it: dots, the reason on hover.
MASKED = '<span class="crm-masked" title="Your role may not see financial figures">••••</span>'


def load(app, model, pk):
    """Read a row back (all tenants), detached, for assertions."""
    with app.app_context():
        item = db.session.get(model, pk)
        if item is not None:
            db.session.refresh(item)
            db.session.expunge(item)
        db.session.remove()
    return item


def read(app, tenant, model, pk, *attrs):
    """Attributes of one row, read in a fresh session."""
    with app.app_context(), tenant_scope(tenant.id):
        row = db.session.get(model, pk)
        values = tuple(getattr(row, a) for a in attrs)
        db.session.remove()
    return values if len(values) > 1 else values[0]


def customer_figures(app, tenant, pk):
    return read(app, tenant, Customer, pk, "balance", "order_total", "last_order_date")


def form_errors(html):
    """The validation messages a re-rendered FAB form shows."""
    return [
        re.sub(r"\s+", " ", m).strip()
        for m in re.findall(r'<div class="alert alert-danger">(.*?)</div>', html, re.S)
    ]


TAB_URL = re.compile(r'data-tab-url="([^"]+)"')


def tab_urls(html):
    """The fragment URLs of a page's tabs that load when shown."""
    return [url.replace("&amp;", "&") for url in TAB_URL.findall(html)]


def with_tabs(client, url):
    """A page with every tab opened, as a browser shows it: the page, then each tab's
    fragment fetched with the page's query (what static/customer_tabs.js does)."""
    page = client.get(url)
    html = page.get_data(as_text=True)
    query = url.partition("?")[2]
    for tab in tab_urls(html):
        fragment = client.get(tab + ("?" + query if query else ""))
        assert fragment.status_code == 200, (tab, fragment.status_code)
        html += fragment.get_data(as_text=True)
    return html


@contextlib.contextmanager
def counted(app):
    """The SQL statements ``app`` runs inside the block, as a list filled while it runs."""
    statements = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def customers_found(browser, query, names):
    """Which of ``names`` the customers list shows for the search box's ``query``."""
    html = browser.get(f"/customers/list/?_flt_0_search_text={query}").get_data(as_text=True)
    return {name for name in names if f">{name}<" in html or f"{name}</" in html}
