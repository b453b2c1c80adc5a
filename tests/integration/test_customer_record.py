"""Creating and editing the customer master record through its screens."""

from crm.models import AuditEntry, Customer
from tests import factories
from tests.factories import form_errors, load

VALID = {
    "kind": "company",
    "name": "Zeta GmbH",
    "email": "Info@Zeta.example",
    "currency": "EUR",
    "discount_rate": "5",
    "phone": "+49 30 1234567",
    "tax_regime": "VAT",
    "tax_number": "DE 136 695 976",
}


def _customers(app, db_session):
    with db_session() as s:
        return [(c.name, c.email) for c in s.query(Customer).execution_options(all_tenants=True)]


def test_manager_creates_a_customer_with_normalised_fields(app, browser, acme_manager, db_session):
    b = browser(acme_manager)
    r = b.post("/customers/add", VALID)
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    with db_session() as s:
        customer = s.query(Customer).one()
        assert customer.tenant_id == acme_manager.tenant_id
        assert customer.phone == "+49301234567"
        assert customer.tax_number == "DE136695976"
        assert customer.code.startswith("C")
        assert customer.email == "info@zeta.example"
        entry = s.query(AuditEntry).filter_by(entity="customer", entity_id=customer.id).one()
        assert entry.action == "create" and entry.username == "acme-manager"
        assert entry.changes["name"] == [None, "Zeta GmbH"]


def test_invalid_email_is_refused_and_the_form_keeps_the_input(
    app, browser, acme_admin, db_session
):
    r = browser(acme_admin).post("/customers/add", {**VALID, "email": "not-an-email"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert any("not a valid email address" in e for e in form_errors(html))
    assert 'value="Zeta GmbH"' in html
    assert _customers(app, db_session) == []


def test_duplicate_email_in_another_case_is_refused(app, browser, acme, acme_admin, db_session):
    factories.customer(app, acme, "First Co", email="sales@first.example")
    r = browser(acme_admin).post("/customers/add", {**VALID, "email": "SALES@First.Example"})
    assert any("already uses" in e for e in form_errors(r.get_data(as_text=True)))
    assert len(_customers(app, db_session)) == 1


def test_same_email_is_allowed_in_another_tenant(app, browser, globex, acme_admin, db_session):
    factories.customer(app, globex, "Globex Buyer", email="info@zeta.example")
    r = browser(acme_admin).post("/customers/add", VALID)
    assert r.status_code == 302
    assert len(_customers(app, db_session)) == 2


def test_bad_tax_number_is_refused(app, browser, acme_admin, db_session):
    r = browser(acme_admin).post("/customers/add", {**VALID, "tax_number": "DE136695977"})
    assert any("not a valid VAT number" in e for e in form_errors(r.get_data(as_text=True)))
    assert _customers(app, db_session) == []


def test_tax_number_needs_its_regime(app, browser, acme_admin):
    r = browser(acme_admin).post("/customers/add", {**VALID, "tax_regime": ""})
    assert any("tax regime" in e for e in form_errors(r.get_data(as_text=True)))


def test_indian_gstin_and_us_ein_are_checked(app, browser, acme_admin, db_session):
    b = browser(acme_admin)
    ok = b.post("/customers/add", {**VALID, "tax_regime": "GSTIN", "tax_number": "27AAPFU0939F1ZV"})
    assert ok.status_code == 302
    bad = b.post(
        "/customers/add",
        {**VALID, "email": "x@y.example", "tax_regime": "EIN", "tax_number": "00-0000000"},
    )
    assert any("EIN" in e for e in form_errors(bad.get_data(as_text=True)))


def test_phone_and_discount_rules_report_together(app, browser, acme_admin, db_session):
    r = browser(acme_admin).post(
        "/customers/add", {**VALID, "phone": "12345", "discount_rate": "150"}
    )
    errors = " ".join(form_errors(r.get_data(as_text=True)))
    assert "phone number" in errors
    assert "between 0 and 100" in errors
    assert _customers(app, db_session) == []


def test_unknown_currency_is_refused(app, browser, acme_admin, db_session):
    r = browser(acme_admin).post("/customers/add", {**VALID, "currency": "XYZ"})
    assert form_errors(r.get_data(as_text=True))
    assert _customers(app, db_session) == []


def test_edit_is_audited_with_old_and_new_values(app, browser, acme, acme_admin, db_session):
    pk = factories.customer(app, acme, "Old Name Ltd", email="old@name.example")
    b = browser(acme_admin)
    form = {
        **VALID,
        "name": "New Name Ltd",
        "email": "old@name.example",
        "code": load(app, Customer, pk).code,
    }
    r = b.post(f"/customers/edit/{pk}", form)
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    with db_session() as s:
        entry = (
            s.query(AuditEntry).filter_by(entity="customer", entity_id=pk, action="update").one()
        )
        assert entry.changes["name"] == ["Old Name Ltd", "New Name Ltd"]
        assert entry.changes["phone"] == [None, "+49301234567"]


def test_customer_code_is_unique_per_tenant(app, browser, acme, acme_admin):
    factories.customer(app, acme, "Holder", code="K-1")
    r = browser(acme_admin).post("/customers/add", {**VALID, "code": "K-1"})
    assert any("already in use" in e for e in form_errors(r.get_data(as_text=True)))


def test_list_shows_columns_sorted_by_name(app, browser, acme, acme_member):
    b_id = factories.customer(app, acme, "Bravo Ltd", phone="+442079460958")
    factories.address(app, acme, b_id, kind="contact", city="London", country="GB")
    factories.customer(app, acme, "Alpha AG")
    html = browser(acme_member).get("/customers/list/").get_data(as_text=True)
    assert html.index("Alpha AG") < html.index("Bravo Ltd")
    for text in ("+442079460958", "bravo.ltd@example.com", "London", "United Kingdom"):
        assert text in html


def test_detail_page_has_every_tab(app, browser, acme, acme_member):
    pk = factories.customer(app, acme, "Tabbed Ltd")
    html = browser(acme_member).get(f"/customers/show/{pk}").get_data(as_text=True)
    for tab in (
        "Details",
        "Contacts",
        "Addresses",
        "Plants",
        "Bank accounts",
        "Documents",
        "Notes",
        "Custom fields",
        "Deals",
        "All activity",
    ):
        assert f">{tab}<" in html, tab
