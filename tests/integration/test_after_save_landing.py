"""Where every CRM screen lands after an add, edit or delete, and what it says there."""

from crm.extensions import db
from crm.models import Customer, Note, Segment
from crm.security.tenancy import tenant_scope
from tests import factories
from tests.factories import form_errors, load

PROFILE = {"kind": "company", "currency": "EUR", "discount_rate": "0", "email": "info@acme.example"}


def _flashes(response):
    return response.get_data(as_text=True)


def _customer_with_a_note(app, acme):
    """A customer whose delete is refused (notes_block_customers)."""
    pk = factories.customer(app, acme, "Has History")
    with app.app_context(), tenant_scope(acme.id):
        db.session.add(Note(tenant_id=acme.id, customer_id=pk, body="kept"))
        db.session.commit()
        db.session.remove()
    return pk


def test_add_opens_the_new_record_with_its_name(app, browser, acme_admin, db_session):
    b = browser(acme_admin)
    r = b.post("/customers/add", {**PROFILE, "name": "Acme GmbH"})
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    with db_session() as s:
        pk = s.query(Customer).one().id
    assert r.headers["Location"].endswith(f"/customers/show/{pk}")
    page = b.get(r.headers["Location"])
    html = _flashes(page)
    assert "Customer Acme GmbH created" in html
    assert "Added Row" not in html


def test_the_rule_holds_for_other_screens_too(app, browser, acme_admin, db_session):
    b = browser(acme_admin)
    r = b.post("/segments/add", {"name": "Retail"})
    with db_session() as s:
        pk = s.query(Segment).filter_by(name="Retail").one().id
    assert r.headers["Location"].endswith(f"/segments/show/{pk}")
    assert "Segment Retail created" in _flashes(b.get(r.headers["Location"]))


def test_edit_says_the_record_was_saved(app, browser, acme, acme_admin):
    pk = factories.customer(app, acme, "Old Name")
    b = browser(acme_admin)
    b.get(f"/customers/show/{pk}")
    r = b.post(
        f"/customers/edit/{pk}",
        {**PROFILE, "name": "New Name"},
        follow_redirects=True,
    )
    html = r.get_data(as_text=True)
    assert "Customer New Name saved" in html
    assert "Changed Row" not in html


def test_delete_goes_back_to_the_list_with_the_name(app, browser, acme, acme_admin):
    pk = factories.customer(app, acme, "Short Lived")
    b = browser(acme_admin)
    b.get(f"/customers/show/{pk}")
    r = b.post(f"/customers/delete/{pk}")
    assert r.status_code == 302 and r.headers["Location"].endswith("/customers/list/")
    html = _flashes(b.get(r.headers["Location"]))
    assert "Customer Short Lived deleted" in html
    assert load(app, Customer, pk) is None


def test_refused_delete_returns_to_the_page_the_user_was_on(
    app, browser, acme, acme_admin, notes_block_customers
):
    pk = _customer_with_a_note(app, acme)
    b = browser(acme_admin)
    show = f"http://localhost/customers/show/{pk}"
    r = b.post(f"/customers/delete/{pk}", headers={"Referer": show})
    assert r.status_code == 302 and r.headers["Location"] == show
    html = _flashes(b.get(show))
    assert "Archive it instead" in html
    assert load(app, Customer, pk) is not None


def test_refused_delete_never_follows_a_foreign_referrer(
    app, browser, acme, acme_admin, notes_block_customers
):
    pk = _customer_with_a_note(app, acme)
    r = browser(acme_admin).post(
        f"/customers/delete/{pk}", headers={"Referer": "https://evil.example/x"}
    )
    assert r.headers["Location"].endswith("/customers/list/")


def test_a_row_added_from_a_customers_tab_returns_to_the_customer(app, browser, acme, acme_admin):
    pk = factories.customer(app, acme, "Parent GmbH")
    b = browser(acme_admin)
    b.get(f"/customers/show/{pk}")
    add = f"/contacts/add?_flt_0_customer={pk}"
    b.get(add)
    r = b.post(add, {"name": "Jo Buyer", "email": "jo@parent.example"})
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    assert r.headers["Location"].endswith(f"/customers/show/{pk}")
    assert "Contact Jo Buyer created" in _flashes(b.get(r.headers["Location"]))
