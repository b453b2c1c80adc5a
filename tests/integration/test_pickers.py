"""Record pickers: forms name one customer or company by id and never list the table;
lookup endpoints find active records of the user's tenant as they type."""

import contextlib
import re

from sqlalchemy import event
from sqlalchemy.engine import Engine

from crm.models import Contact, Customer
from tests import factories
from tests.factories import load


def _field_error(html, name):
    """The message shown right after the picker named ``name``, or None."""
    match = re.search(
        rf'<select[^>]*name="{name}".*?</select>\s*<span class="help-block">.*?</span>'
        r'\s*<div class="alert alert-danger">(.*?)</div>',
        html,
        re.S,
    )
    return match and re.sub(r"\s+", " ", match.group(1)).strip()


def _texts(response):
    assert response.status_code == 200, response.status_code
    return [r["text"] for r in response.json["results"]]


def _contacts(db_session):
    with db_session() as s:
        return sorted(
            (c.name, c.customer_id) for c in s.query(Contact).execution_options(all_tenants=True)
        )


def _company_of(app, customer_id):
    return load(app, Customer, customer_id).company_id


@contextlib.contextmanager
def _statements():
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(re.sub(r"\s+", " ", statement))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def test_forms_read_no_more_than_the_chosen_row(app, browser, acme, acme_manager):
    company = factories.company(app, acme, "Parent Holding")
    customer = factories.customer(app, acme, "Chosen Buyer", company_id=company)
    contact = factories.contact(app, acme, customer, "Ann Lee")
    b = browser(acme_manager)
    for url, table in (
        ("/contacts/add", "crm_customer"),
        ("/customers/add", "crm_company"),
        (f"/contacts/edit/{contact}", "crm_customer"),
        (f"/customers/edit/{customer}", "crm_company"),
    ):
        with _statements() as seen:
            assert b.get(url).status_code == 200
        reads = [s for s in seen if f"FROM {table}" in s]
        # An add form reads none; an edit form its one current row, by id (the record's
        # relationship, then the picker's tenant-checked load).
        assert all(f"{table}.id = " in s for s in reads), (url, reads)
        assert len(reads) <= (0 if url.endswith("/add") else 2), (url, reads)


# --- lookups ------------------------------------------------------------------------


def test_customer_lookup_finds_active_customers_of_the_tenant(
    app, browser, acme, globex, acme_manager
):
    mine = factories.customer(app, acme, "Harbour Freight", phone="+49 40 1234567")
    factories.customer(app, acme, "Harbour Sleepers", is_active=False)
    factories.customer(app, acme, "Inland Goods")
    factories.customer(app, globex, "Harbour Spies")
    b = browser(acme_manager)
    body = b.get("/customers/lookup?q=harbour").json
    assert body == {
        "results": [{"id": mine, "text": "Harbour Freight (C%06d)" % mine}],
        "more": False,
    }
    # Any word of the search text: code, email, phone.
    assert _texts(b.get("/customers/lookup?q=harbour.freight@example")) == [
        body["results"][0]["text"]
    ]
    assert _texts(b.get("/customers/lookup?q=1234567")) == [body["results"][0]["text"]]
    assert _texts(b.get("/customers/lookup?q=nothing-like-this")) == []
    for odd in ("%22quoted%22", "%25_%5C", "a%20%22b", "x" * 300):
        assert _texts(b.get(f"/customers/lookup?q={odd}&page=99999999999999999999")) == []


def test_customer_lookup_pages_by_name_with_an_empty_term(app, browser, acme, acme_manager):
    for n in range(23):
        factories.customer(app, acme, f"Buyer {n:02d}")
    factories.customer(app, acme, "Aardvark Archived", is_active=False)
    b = browser(acme_manager)
    first = b.get("/customers/lookup").json
    assert [r["text"].split(" (")[0] for r in first["results"]] == [
        f"Buyer {n:02d}" for n in range(20)
    ]
    assert first["more"] is True
    second = b.get("/customers/lookup?q=&page=2").json
    assert [r["text"].split(" (")[0] for r in second["results"]] == [
        "Buyer 20",
        "Buyer 21",
        "Buyer 22",
    ]
    assert second["more"] is False


def test_company_lookup_finds_active_companies_prefix_first(
    app, browser, acme, globex, acme_manager
):
    factories.company(app, acme, "Northern Steel")
    factories.company(app, acme, "Steel Works")
    factories.company(app, acme, "Steel Sleepers", is_active=False)
    factories.company(app, acme, "Copper Mill")
    factories.company(app, globex, "Steel Spies")
    b = browser(acme_manager)
    assert _texts(b.get("/companies/lookup?q=steel")) == ["Steel Works", "Northern Steel"]
    assert _texts(b.get("/companies/lookup?q=STEEL%20north")) == ["Northern Steel"]
    assert _texts(b.get("/companies/lookup?q=50%25")) == []  # LIKE wildcards are literal
    assert _texts(b.get("/companies/lookup")) == ["Copper Mill", "Northern Steel", "Steel Works"]


def test_a_member_may_look_up_and_anonymous_is_sent_to_login(app, browser, acme, acme_member):
    factories.customer(app, acme, "Visible Buyer")
    factories.company(app, acme, "Visible Company")
    b = browser(acme_member)
    assert any("Visible Buyer" in t for t in _texts(b.get("/customers/lookup?q=visible")))
    assert _texts(b.get("/companies/lookup?q=visible")) == ["Visible Company"]
    anonymous = app.test_client()
    for url in ("/customers/lookup?q=visible", "/companies/lookup?q=visible"):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login/" in response.headers["Location"]


# --- the customer picker on the parts of a customer ------------------------------------


def test_add_forms_list_no_customers(app, browser, acme, acme_manager):
    factories.customer(app, acme, "Quiet Buyer")
    b = browser(acme_manager)
    for url in (
        "/contacts/add",
        "/addresses/add",
        "/plants/add",
        "/bank-accounts/add",
        "/notes/add",
    ):
        html = b.get(url).get_data(as_text=True)
        assert 'data-lookup-url="/customers/lookup"' in html, url
        assert "Quiet Buyer" not in html, url
        assert "my_select2" not in re.search(r'<select[^>]*name="customer"[^>]*>', html).group(0)


def test_a_contact_needs_an_active_customer_of_the_tenant(
    app, browser, acme, globex, acme_manager, db_session
):
    archived = factories.customer(app, acme, "Sleeping Buyer", is_active=False)
    foreign = factories.customer(app, globex, "Foreign Buyer")
    b = browser(acme_manager)
    refused = {
        str(archived): "Sleeping Buyer (C%06d) is archived. Choose an active customer." % archived,
        "999999": "No such customer. Choose one from the list.",
        str(foreign): "No such customer. Choose one from the list.",
        "not-a-number": "No such customer. Choose one from the list.",
        "99999999999999999999": "No such customer. Choose one from the list.",
        "-1": "No such customer. Choose one from the list.",
        "": "Choose the customer.",
    }
    for value, message in refused.items():
        r = b.post("/contacts/add", {"customer": value, "name": "Ann Lee"})
        assert r.status_code == 200, value
        html = r.get_data(as_text=True)
        assert _field_error(html, "customer") == message, value
        assert "Foreign Buyer" not in html
    assert _contacts(db_session) == []


def test_every_part_of_a_customer_is_saved_through_the_picker(
    app, browser, acme, acme_manager, db_session
):
    pk = factories.customer(app, acme, "Busy Buyer")
    b = browser(acme_manager)
    posts = {
        "/contacts/add": {"name": "Ann Lee"},
        "/addresses/add": {"kind": "billing", "line1": "1 Quay", "city": "Kiel", "country": "DE"},
        "/plants/add": {"name": "Plant Nord", "country": "DE"},
        "/bank-accounts/add": {
            "bank_name": "Bank",
            "account_holder": "Busy",
            "account_number": "DE89 3704 0044 0532 0130 00",
        },
        "/notes/add": {"body": "Calls on Mondays."},
    }
    for url, data in posts.items():
        assert b.post(url, {"customer": pk, **data}).status_code == 302, url
    with db_session() as s:
        customer = s.get(Customer, pk)
        assert [
            len(customer.contacts),
            len(customer.addresses),
            len(customer.plants),
            len(customer.bank_accounts),
            len(customer.note_entries),
        ] == [1, 1, 1, 1, 1]


def test_editing_a_contact_shows_its_customer_selected(
    app, browser, acme, acme_manager, db_session
):
    pk = factories.customer(app, acme, "Chosen Buyer")
    factories.customer(app, acme, "Other Buyer")
    contact = factories.contact(app, acme, pk, "Ann Lee")
    html = browser(acme_manager).get(f"/contacts/edit/{contact}").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="customer".*?</select>', html, re.S).group(0)
    assert f'<option value="{pk}" selected>Chosen Buyer (C{pk:06d})</option>' in select
    assert "Other Buyer" not in html


def test_a_contact_keeps_its_archived_customer_but_cannot_move_to_one(
    app, browser, acme, acme_manager, db_session
):
    home = factories.customer(app, acme, "Home Buyer")
    elsewhere = factories.customer(app, acme, "Closed Buyer", is_active=False)
    contact = factories.contact(app, acme, home, "Ann Lee")
    b = browser(acme_manager)
    assert b.post(f"/customers/archive/{home}").status_code == 302
    assert load(app, Customer, home).is_active is False
    r = b.post(
        f"/contacts/edit/{contact}", {"customer": home, "name": "Ann Lee-Smith", "is_primary": "y"}
    )
    assert r.status_code == 302
    r = b.post(
        f"/contacts/edit/{contact}", {"customer": elsewhere, "name": "Ann", "is_primary": "y"}
    )
    assert "Closed Buyer" in _field_error(r.get_data(as_text=True), "customer")
    assert _contacts(db_session) == [("Ann Lee-Smith", home)]


def test_the_add_link_on_a_customers_tab_fills_the_hidden_customer(
    app, browser, acme, acme_manager, db_session
):
    pk = factories.customer(app, acme, "Tabbed Buyer")
    archived = factories.customer(app, acme, "Sleeping Buyer", is_active=False)
    b = browser(acme_manager)
    html = b.get(f"/contacts/add?_flt_0_customer={pk}").get_data(as_text=True)
    assert 'name="customer"' not in html
    assert b.post(f"/contacts/add?_flt_0_customer={pk}", {"name": "Ann Lee"}).status_code == 302
    r = b.post(f"/contacts/add?_flt_0_customer={archived}", {"name": "Bob Ray"})
    assert r.status_code == 200
    assert "is archived" in r.get_data(as_text=True)  # flashed: the field itself is hidden
    assert _contacts(db_session) == [("Ann Lee", pk)]


# --- the company picker on the customer form ---------------------------------------------


def _customer_form(n, **fields):
    return {
        "kind": "company",
        "name": f"Picked {n}",
        "email": f"picked{n}@x.example",
        "currency": "EUR",
        "discount_rate": "0",
        **fields,
    }


def test_the_customer_form_picks_an_active_company_of_the_tenant(
    app, browser, acme, globex, acme_manager, db_session
):
    active = factories.company(app, acme, "Live Holding")
    inactive = factories.company(app, acme, "Dormant Holding", is_active=False)
    foreign = factories.company(app, globex, "Foreign Holding")
    b = browser(acme_manager)
    html = b.get("/customers/add").get_data(as_text=True)
    assert 'data-lookup-url="/companies/lookup"' in html and "Live Holding" not in html
    refused = {
        inactive: "Dormant Holding is inactive. Choose an active company.",
        foreign: "No such company. Choose one from the list.",
        999999: "No such company. Choose one from the list.",
    }
    for n, (value, message) in enumerate(refused.items()):
        r = b.post("/customers/add", _customer_form(n, company=value))
        assert _field_error(r.get_data(as_text=True), "company") == message
    assert b.post("/customers/add", _customer_form(10, company="")).status_code == 302
    assert b.post("/customers/add", _customer_form(11, company=active)).status_code == 302
    with db_session() as s:
        saved = {
            c.name: c.company_id for c in s.query(Customer).execution_options(all_tenants=True)
        }
    assert saved == {"Picked 10": None, "Picked 11": active}


def test_editing_a_customer_shows_and_keeps_its_company(app, browser, acme, acme_manager):
    company = factories.company(app, acme, "Parent Holding")
    factories.company(app, acme, "Unrelated Holding")
    pk = factories.customer(app, acme, "Child Buyer", company_id=company)
    b = browser(acme_manager)
    html = b.get(f"/customers/edit/{pk}").get_data(as_text=True)
    assert f'<option value="{company}" selected>Parent Holding</option>' in html
    assert "Unrelated Holding" not in html
    # Deactivating the company later does not force the customer off it...
    assert (
        b.post("/companies/action_post", {"action": "archive", "rowid": company}).status_code == 302
    )
    form = _customer_form(1, name="Child Buyer", email="child.buyer@example.com", company=company)
    assert b.post(f"/customers/edit/{pk}", form).status_code == 302
    assert _company_of(app, pk) == company
    # ...and clearing the optional picker removes it.
    assert b.post(f"/customers/edit/{pk}", {**form, "company": ""}).status_code == 302
    assert _company_of(app, pk) is None
