"""The customer search finds a customer by the names of its contacts, whichever way a
contact is written (contact screen and API, the customer form, an import), and follows
renames, moves and deletes without touching the customer's version."""

from sqlalchemy import select

from crm.models import Customer
from crm.security.tenancy import tenant_scope
from crm.services.bulk.imports import runs
from crm.services.core.audit import acting_as
from tests import factories
from tests.factories import counted, form_errors
from tests.integration import import_files


def _found(b, query):
    return factories.customers_found(b, query, ("Kramerica Ltd", "Pendant Publishing", "Acme GmbH"))


def _version(db_session, pk):
    with db_session() as s:
        return s.scalar(
            select(Customer.version).where(Customer.id == pk).execution_options(all_tenants=True)
        )


def test_contacts_names_find_their_customer_and_follow_every_change(
    app, api, browser, acme, acme_manager, acme_admin, db_session
):
    kramerica = factories.customer(app, acme, "Kramerica Ltd")
    pendant = factories.customer(app, acme, "Pendant Publishing")
    version = _version(db_session, kramerica)
    client = api(acme_manager)
    r = client.post("/api/v1/contact/", json={"customer": kramerica, "name": "Cosmo Kramer"})
    assert r.status_code == 201, r.json
    contact = r.json["id"]
    b = browser(acme_manager)
    assert _found(b, "cosmo") == {"Kramerica Ltd"}
    assert _found(b, "kramerica cosmo") == {"Kramerica Ltd"}
    assert _version(db_session, kramerica) == version  # an open customer form stays current

    assert (
        client.put(f"/api/v1/contact/{contact}", json={"name": "Bob Sacamano"}).status_code == 200
    )
    assert _found(b, "cosmo") == set()
    assert _found(b, "sacamano") == {"Kramerica Ltd"}

    r = client.put(f"/api/v1/contact/{contact}", json={"customer": pendant, "is_primary": True})
    assert r.status_code == 200, r.json
    assert _found(b, "sacamano") == {"Pendant Publishing"}

    assert api(acme_admin).delete(f"/api/v1/contact/{contact}").status_code == 200
    assert _found(b, "sacamano") == set()
    assert _found(b, "pendant") == {"Pendant Publishing"}  # its own fields still find it


def test_a_contact_added_on_its_screen_finds_the_customer(
    app, browser, acme, acme_manager, acme_member
):
    kramerica = factories.customer(app, acme, "Kramerica Ltd")
    factories.customer(app, acme, "Pendant Publishing")
    b = browser(acme_manager)
    r = b.post("/contacts/add", {"customer": kramerica, "name": "Élaine Benes"})
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    # Upper-case non-ASCII letters are lower-cased as the search terms are.
    assert _found(browser(acme_member), "élaine") == {"Kramerica Ltd"}
    assert _found(browser(acme_member), "ÉLAINE") == {"Kramerica Ltd"}


def test_the_customer_form_s_contact_finds_the_new_customer(app, browser, acme_admin):
    b = browser(acme_admin)
    r = b.post(
        "/customers/add",
        {
            "kind": "company",
            "name": "Acme GmbH",
            "email": "info@acme.example",
            "currency": "EUR",
            "discount_rate": "0",
            "contact_first_name": "Jo",
            "contact_last_name": "Peterman",
        },
    )
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    assert _found(b, "peterman") == {"Acme GmbH"}


def test_only_the_first_contacts_are_searched(app, browser, acme, acme_member, db_session):
    from crm.services.customers.customer_text import SEARCHED_CONTACTS

    kramerica = factories.customer(app, acme, "Kramerica Ltd")
    for n in range(SEARCHED_CONTACTS + 1):
        factories.contact(app, acme, kramerica, f"Person{n:02d} Example")
    b = browser(acme_member)
    assert _found(b, "person00") == {"Kramerica Ltd"}  # the primary
    assert _found(b, f"person{SEARCHED_CONTACTS - 1:02d}") == {"Kramerica Ltd"}
    assert _found(b, f"person{SEARCHED_CONTACTS:02d}") == set()


def _import(app, tenant_id, path):
    from crm.extensions import db

    with app.app_context(), tenant_scope(tenant_id), acting_as("test"):
        run = runs.create_run(
            db.session, "customers", path.name, path.read_bytes(), username="test"
        )
        runs.begin(db.session, run, "valid_rows")
        run = runs.execute(db.session, run)
        outcome = (run.status, run.created_count, run.updated_count, run.message)
        db.session.remove()
    return outcome


def test_imported_contacts_find_their_customers(app, browser, acme, acme_member, tmp_path):
    head = ["Name", "Email", "Contact name"]
    first = import_files.csv_file(
        tmp_path / "first.csv", [head, ["Kramerica Ltd", "k@kramerica.example", "Cosmo Kramer"]]
    )
    assert _import(app, acme.id, first)[:3] == ("done", 1, 0)
    b = browser(acme_member)
    assert _found(b, "cosmo") == {"Kramerica Ltd"}
    renamed = import_files.csv_file(
        tmp_path / "renamed.csv",
        [head, ["Kramerica Ltd", "k@kramerica.example", "Bob Sacamano"]],
    )
    assert _import(app, acme.id, renamed)[:3] == ("done", 0, 1)
    assert _found(b, "cosmo") == set()
    assert _found(b, "sacamano") == {"Kramerica Ltd"}


def test_a_merged_customers_contacts_find_the_survivor(app, api, browser, acme, acme_admin):
    keep = factories.customer(app, acme, "Kramerica Ltd", email="k@kramerica.example")
    dupe = factories.customer(app, acme, "Kramerica Limited", email="k2@kramerica.example")
    factories.contact(app, acme, dupe, "Cosmo Kramer")
    r = api(acme_admin).post(
        "/api/v1/customer/merge", json={"survivor_id": keep, "other_ids": [dupe]}
    )
    assert r.status_code == 200, r.json
    assert _found(browser(acme_admin), "cosmo") == {"Kramerica Ltd"}


def test_a_company_rename_keeps_its_customers_contacts_and_reads_them_at_once(
    app, api, browser, acme, acme_manager
):
    """Renaming a company rewrites its customers' search text: their contacts' names stay
    in it, read in one statement however many customers the company has."""
    parent = factories.company(app, acme, "Vandelay Industries")

    def rename_with(count, name):
        for n in range(count):
            pk = factories.customer(app, acme, f"Buyer {name} {n}", company_id=parent)
            factories.contact(app, acme, pk, f"Contact{name}{n} Person")
        client = api(acme_manager)
        with counted(app) as statements:
            r = client.put(f"/api/v1/company/{parent}", json={"name": f"Kruger {name}"})
        assert r.status_code == 200, r.json
        return [s for s in statements if "crm_contact" in s and s.lstrip().startswith("SELECT")]

    few = rename_with(2, "One")
    more = rename_with(5, "Two")
    assert len(few) == len(more) == 1
    b = browser(acme_manager)
    html = b.get("/customers/list/?_flt_0_search_text=contacttwo4").get_data(as_text=True)
    assert "Buyer Two 4" in html
    html = b.get("/customers/list/?_flt_0_search_text=kruger two").get_data(as_text=True)
    assert "Buyer One 0" in html and "Buyer Two 4" in html
