"""The company, contact, lead, deal and invoice lists are searched through an index kept in
step by the database (an FTS5 trigram table on SQLite, a pg_trgm GIN index on PostgreSQL),
as the customer list is: by a fragment from the middle of a word, by the columns the list
searched before, never another tenant's rows, and the edited text at once."""

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event, text

from crm.extensions import db
from crm.security.tenancy import tenant_scope
from crm.services.ledger import invoices
from tests import factories
from tests.integration import import_files


@dataclass
class Row:
    """One searchable record: its list, its API resource, its id and the text that shows
    it in the list."""

    list_url: str
    resource: str
    pk: int
    shown: str


def _company(app, tenant, word):
    pk = factories.company(
        app,
        tenant,
        f"Zyx{word}corp Holding",
        office_email=f"office@{word}mail.example",
        industry="Shipbuilding",
    )
    return Row("/companies/list/", "company", pk, f"Zyx{word}corp Holding")


def _contact(app, tenant, word):
    customer = factories.customer(app, tenant, f"Owner of {word}")
    pk = factories.contact(
        app, tenant, customer, name=f"Jo {word}smith", role="Purchasing", email=f"jo@{word}.example"
    )
    return Row("/contacts/list/", "contact", pk, f"Jo {word}smith")


def _lead(app, tenant, word):
    pk = factories.lead(
        app,
        tenant,
        f"Fleet {word}renewal",
        contact_name="Frank Costanza",
        contact_email=f"frank@{word}.example",
        company_name="Costanza Imports",
    )
    return Row("/leads/list/", "lead", pk, f"Fleet {word}renewal")


def _deal(app, tenant, word):
    pk = factories.deal(app, tenant, f"Rollout {word}phase")
    return Row("/deals/list/", "deal", pk, f"Rollout {word}phase")


def _invoice(app, tenant, word):
    customer = factories.customer(app, tenant, f"Billed {word}")
    pk = factories.draft_invoice(
        app, tenant, customer, number=f"INV-{word}-7", reference=f"PO-{word}77"
    )
    return Row("/invoices/list/", "invoice", pk, f"INV-{word}-7")


MAKERS = {
    "companies": _company,
    "contacts": _contact,
    "leads": _lead,
    "deals": _deal,
    "invoices": _invoice,
}
# (list, search that finds the row by another column the list searched before)
OTHER_COLUMNS = [
    ("companies", "mail.exam"),
    ("companies", "shipbuild"),
    ("contacts", "purchas"),
    ("contacts", "jo@"),
    ("leads", "costanza"),  # the lead's contact name and company name
    ("leads", "imports"),
    ("leads", "frank@"),
    ("invoices", "po-"),
]
# (list, field the API edits, its new value containing "quetzal")
EDITS = {
    "companies": ("name", "Quetzal Freight"),
    "contacts": ("name", "Ana Quetzalcoatl"),
    "leads": ("title", "Quetzal expansion"),
    "deals": ("title", "Quetzal upgrade"),
    "invoices": ("reference", "PO-QUETZAL"),
}


def _search(client, row, term, param="_flt_0_search_text"):
    param = "q" if row.resource == "lead" else param
    response = client.get(f"{row.list_url}?{param}={term}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _found(client, row, term):
    return row.shown in _search(client, row, term)


@pytest.mark.parametrize("name", MAKERS)
def test_a_fragment_from_the_middle_of_a_word_finds_the_row(app, browser, acme, acme_admin, name):
    row = MAKERS[name](app, acme, "kramer")
    client = browser(acme_admin)
    assert _found(client, row, "rame")
    assert _found(client, row, "KRAMER")
    assert not _found(client, row, "elaine")


@pytest.mark.parametrize("name", MAKERS)
def test_terms_shorter_than_three_characters_still_match(app, browser, acme, acme_admin, name):
    row = MAKERS[name](app, acme, "kramer")
    client = browser(acme_admin)
    assert _found(client, row, "kr")
    assert _found(client, row, "kr rame")
    assert not _found(client, row, "kx")


@pytest.mark.parametrize(("name", "term"), OTHER_COLUMNS)
def test_the_columns_searched_before_still_find_the_row(app, browser, acme, acme_admin, name, term):
    row = MAKERS[name](app, acme, "kramer")
    assert _found(browser(acme_admin), row, term)


@pytest.mark.parametrize("name", MAKERS)
def test_after_an_edit_the_new_text_matches_and_the_old_does_not(
    app, browser, api, acme, acme_admin, name
):
    row = MAKERS[name](app, acme, "kramer")
    field, value = EDITS[name]
    response = api(acme_admin).put(f"/api/v1/{row.resource}/{row.pk}", json={field: value})
    assert response.status_code == 200, response.json
    client = browser(acme_admin)
    html = _search(client, row, "quetzal")
    assert f"/show/{row.pk}" in html
    if field != "reference":
        assert not _found(client, row, "kramer")
        assert not _found(client, row, "rame")


@pytest.mark.parametrize("name", MAKERS)
def test_another_tenants_rows_never_match(app, browser, acme, globex, globex_admin, name):
    row = MAKERS[name](app, acme, "kramer")
    client = browser(globex_admin)
    for term in ("kramer", "kr"):
        assert f"/show/{row.pk}" not in _search(client, row, term)


@pytest.mark.parametrize("name", MAKERS)
def test_the_api_search_filter_uses_the_same_index(app, api, acme, globex, acme_admin, name):
    row = MAKERS[name](app, acme, "kramer")
    MAKERS[name](app, globex, "kramer")
    client = api(acme_admin)
    found = client.get(
        f"/api/v1/{row.resource}/?q=(filters:!((col:search_text,opr:srch,value:rame)))"
    )
    assert found.status_code == 200, found.json
    assert found.json["ids"] == [row.pk]
    missed = client.get(
        f"/api/v1/{row.resource}/?q=(filters:!((col:search_text,opr:srch,value:elaine)))"
    )
    assert missed.json["ids"] == []


def test_a_deleted_row_leaves_the_index(app, api, acme, acme_admin):
    row = _company(app, acme, "kramer")
    client = api(acme_admin)
    assert client.delete(f"/api/v1/company/{row.pk}").status_code == 200
    found = client.get("/api/v1/company/?q=(filters:!((col:search_text,opr:srch,value:rame)))")
    assert found.json["ids"] == []


def test_an_edit_through_the_invoice_service_reaches_the_index(app, browser, acme, acme_admin):
    row = _invoice(app, acme, "kramer")
    with app.app_context(), tenant_scope(acme.id):
        invoice = db.session.get(invoices.Invoice, row.pk)
        invoices.save_invoice(
            db.session,
            invoice,
            {"customer": invoice.customer_id, "number": "INV-QZ-1", "reference": "Z"},
            [{"description": "Widgets", "quantity": "1", "unit_price": "10"}],
        )
        db.session.remove()
    client = browser(acme_admin)
    assert "INV-QZ-1" in _search(client, row, "qz-1")
    assert f"/show/{row.pk}" not in _search(client, row, "kramer")


# --- the plan --------------------------------------------------------------------------


TABLES = {
    "companies": "crm_company",
    "contacts": "crm_contact",
    "leads": "crm_lead",
    "deals": "crm_deal",
    "invoices": "crm_invoice",
}


def _statements_of(app, call):
    """The SQL statements (with their parameters) ``call`` runs."""
    seen: list[tuple[str, Any]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def _many(app, tenant, model_name, count=3000):
    """Copies of the tenant's row matching none of its words, enough that a database would
    rather use the index than read them all, and statistics that say so."""
    table = TABLES[model_name]
    with app.app_context():
        template = (
            db.session.execute(text(f"SELECT * FROM {table} ORDER BY id LIMIT 1")).mappings().one()
        )
        rows = [
            {
                k: v.replace("kramer", f"f{n:05d}") if isinstance(v, str) else v
                for k, v in template.items()
                if k != "id"
            }
            for n in range(count)
        ]
        names = ", ".join(rows[0])
        marks = ", ".join(f":{k}" for k in rows[0])
        db.session.execute(text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), rows)
        db.session.commit()
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            # As autovacuum would: the new rows move from the GIN index's pending list
            # (which a search reads whole) into the index proper.
            with db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    f"VACUUM ANALYZE {table}"
                )
    return table


@pytest.mark.parametrize("name", MAKERS)
def test_a_search_of_three_characters_or_more_reads_the_index(
    app, browser, acme, globex, acme_admin, name
):
    row = MAKERS[name](app, acme, "kramer")
    MAKERS[name](app, globex, "seinfeld")
    table = _many(app, acme, name)
    client = browser(acme_admin)
    seen = _statements_of(app, lambda: _search(client, row, "kramer"))
    with app.app_context():
        dialect = db.engine.dialect.name
        searches = [
            (s, p)
            for s, p in seen
            if f"{table}_fts" in s or ("lower(coalesce(" in s and table in s)
        ]
        assert searches, "the list's search did not query its index"
        conn = db.session.connection()
        for statement, parameters in searches:
            if dialect == "sqlite":
                plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
                assert any(f"{table}_fts VIRTUAL TABLE INDEX" in step[-1] for step in plan), plan
            else:
                plan = conn.exec_driver_sql("EXPLAIN " + statement, parameters).all()
                text_of_plan = "\n".join(step[0] for step in plan)
                assert "_search_trgm" in text_of_plan, text_of_plan
        db.session.remove()


def test_imported_companies_and_leads_are_found(app, acme, acme_admin, browser, runner, tmp_path):
    companies = import_files.csv_file(
        tmp_path / "companies.csv",
        [["Name", "Email"], ["Kessler Logistics", "office@kessler.example"]],
    )
    result = runner.invoke(
        args=["crm", "import", "companies", str(companies), "--tenant", acme.name]
    )
    assert result.exit_code == 0, result.output
    leads = import_files.csv_file(
        tmp_path / "leads.csv",
        [["Title", "Email", "Company"], ["Fleet renewal", "jean@example.com", "Brandtwerke AG"]],
    )
    result = runner.invoke(args=["crm", "import", "leads", str(leads), "--tenant", acme.name])
    assert result.exit_code == 0, result.output
    client = browser(acme_admin)
    assert "Kessler Logistics" in client.get("/companies/list/?_flt_0_search_text=essle").get_data(
        as_text=True
    )
    assert "Fleet renewal" in client.get("/leads/list/?q=brandtwer").get_data(as_text=True)
    assert "Fleet renewal" not in client.get("/leads/list/?q=kessler").get_data(as_text=True)


def test_merged_customers_contacts_are_found_under_the_survivor(
    app, acme, acme_admin, api, browser
):
    keep = factories.customer(app, acme, "Vandelay Industries")
    other = factories.customer(app, acme, "Vandelay Ind")
    factories.contact(app, acme, other, name="Art Vandelay", email="art@vandelay.example")
    response = api(acme_admin).post(
        "/api/v1/customer/merge", json={"survivor_id": keep, "other_ids": [other]}
    )
    assert response.status_code == 200, response.json
    html = (
        browser(acme_admin).get("/contacts/list/?_flt_0_search_text=rt vand").get_data(as_text=True)
    )
    assert html.count("art@vandelay.example") == 1
    assert "Vandelay Industries" in html
