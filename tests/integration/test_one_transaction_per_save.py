"""A save and what follows from it (a renamed company's customers found by the new name,
the customer's city from its main address, a new primary contact when the primary is
deleted) are written in one transaction: the database commits once per save."""

import contextlib

from sqlalchemy import event

from crm.extensions import db
from crm.models import Contact, Customer
from tests import factories
from tests.factories import form_errors, load


@contextlib.contextmanager
def commits(app):
    """The COMMITs the database receives inside the block."""
    seen = []
    with app.app_context():
        engine = db.engine

    def commit(connection):
        seen.append(connection)

    event.listen(engine, "commit", commit)
    try:
        yield seen
    finally:
        event.remove(engine, "commit", commit)


def test_renaming_a_company_on_screen_reindexes_its_customers_in_the_same_commit(
    app, browser, acme, acme_manager
):
    parent = factories.company(app, acme, "Vandelay Industries")
    pk = factories.customer(app, acme, "Pendant Publishing", company_id=parent)
    b = browser(acme_manager)
    with commits(app) as seen:
        r = b.post(f"/companies/edit/{parent}", {"name": "Kruger Industrial", "country": "US"})
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    assert len(seen) == 1
    assert "kruger industrial" in load(app, Customer, pk).search_text


def test_renaming_a_company_through_the_api_reindexes_its_customers_in_the_same_commit(
    app, api, acme, acme_manager
):
    parent = factories.company(app, acme, "Vandelay Industries")
    pk = factories.customer(app, acme, "Pendant Publishing", company_id=parent)
    client = api(acme_manager)
    with commits(app) as seen:
        r = client.put(f"/api/v1/company/{parent}", json={"name": "Kruger Industrial"})
    assert r.status_code == 200, r.get_data(as_text=True)
    assert len(seen) == 1
    assert "kruger industrial" in load(app, Customer, pk).search_text


def test_a_refused_company_rename_leaves_its_customers_as_they_were(app, api, acme, acme_manager):
    parent = factories.company(app, acme, "Vandelay Industries")
    pk = factories.customer(app, acme, "Pendant Publishing", company_id=parent)
    r = api(acme_manager).put(
        f"/api/v1/company/{parent}",
        json={"name": "Kruger Industrial", "office_email": "not-an-email"},
    )
    assert r.status_code == 422
    assert "vandelay industries" in load(app, Customer, pk).search_text


def test_adding_an_address_through_the_api_sets_the_customers_city_in_the_same_commit(
    app, api, acme, acme_manager
):
    pk = factories.customer(app, acme)
    client = api(acme_manager)
    with commits(app) as seen:
        r = client.post(
            "/api/v1/address/",
            json={"customer": pk, "kind": "billing", "city": "Hamburg", "country": "DE"},
        )
    assert r.status_code == 201, r.get_data(as_text=True)
    assert len(seen) == 1
    customer = load(app, Customer, pk)
    assert (customer.city, customer.country) == ("Hamburg", "DE")


def test_deleting_an_address_on_screen_clears_the_customers_city_in_the_same_commit(
    app, browser, acme, acme_admin
):
    pk = factories.customer(app, acme)
    address = factories.address(app, acme, pk, city="Bremen")
    assert load(app, Customer, pk).city == "Bremen"
    b = browser(acme_admin)
    with commits(app) as seen:
        assert b.post(f"/addresses/delete/{address}").status_code == 302
    assert len(seen) == 1
    assert load(app, Customer, pk).city is None


def test_deleting_the_primary_contact_through_the_api_promotes_another_in_the_same_commit(
    app, api, acme, acme_admin
):
    pk = factories.customer(app, acme)
    ann = factories.contact(app, acme, pk, "Ann Lee")
    bob = factories.contact(app, acme, pk, "Bob Ray")
    client = api(acme_admin)
    with commits(app) as seen:
        assert client.delete(f"/api/v1/contact/{ann}").status_code == 200
    assert len(seen) == 1
    assert load(app, Contact, bob).is_primary
