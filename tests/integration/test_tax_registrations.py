"""Several tax registrations per customer (an Indian customer's GSTIN and PAN), each checked
by its regime; exactly one is used on invoices and copied onto the customer."""

from sqlalchemy import select

from crm.extensions import db
from crm.models import Customer, TaxRegime, TaxRegistration
from crm.security.tenancy import tenant_scope
from tests import factories
from tests.factories import form_errors

GSTIN = "27AAPFU0939F1ZV"
PAN = "AAPFU0939F"


def registrations(app, tenant, customer_id):
    """{regime: (number, for invoices)} and the customer's own (regime, number)."""
    with app.app_context(), tenant_scope(tenant.id):
        rows = db.session.scalars(
            select(TaxRegistration).where(TaxRegistration.customer_id == customer_id)
        )
        found = {r.regime: (r.number, r.for_invoices) for r in rows}
        customer = db.session.get(Customer, customer_id)
        own = (customer.tax_regime, customer.tax_number)
        db.session.remove()
    return found, own


def test_gstin_and_pan_on_one_customer_through_the_form(app, acme, acme_manager, browser):
    pk = factories.customer(app, acme, "Mumbai Traders Pvt Ltd")
    b = browser(acme_manager)
    r = b.post("/tax-registrations/add", {"customer": pk, "regime": "GSTIN", "number": GSTIN})
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    r = b.post(
        "/tax-registrations/add",
        {"customer": pk, "regime": "PAN", "number": PAN.lower(), "for_invoices": "y"},
    )
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    found, own = registrations(app, acme, pk)
    assert found == {"GSTIN": (GSTIN, False), "PAN": (PAN, True)}
    assert own == ("PAN", PAN)
    tab = b.get(f"/customers/tab/{pk}/TaxRegistrationView").get_data(as_text=True)
    assert GSTIN in tab and PAN in tab


def test_the_first_registration_is_used_on_invoices_and_deleting_it_moves_that_on(
    app, acme, acme_admin, browser
):
    pk = factories.customer(app, acme, "Pune Steel")
    b = browser(acme_admin)
    b.post("/tax-registrations/add", {"customer": pk, "regime": "GSTIN", "number": GSTIN})
    b.post("/tax-registrations/add", {"customer": pk, "regime": "PAN", "number": PAN})
    found, own = registrations(app, acme, pk)
    assert found == {"GSTIN": (GSTIN, True), "PAN": (PAN, False)} and own == ("GSTIN", GSTIN)
    with app.app_context(), tenant_scope(acme.id):
        gstin_id = db.session.scalar(
            select(TaxRegistration.id).where(TaxRegistration.regime == "GSTIN")
        )
        db.session.remove()
    assert b.post(f"/tax-registrations/delete/{gstin_id}").status_code == 302
    found, own = registrations(app, acme, pk)
    assert found == {"PAN": (PAN, True)} and own == ("PAN", PAN)


def test_an_invalid_gstin_is_refused_with_a_clear_message(app, acme, acme_manager, browser, api):
    pk = factories.customer(app, acme, "Chennai Exports")
    r = browser(acme_manager).post(
        "/tax-registrations/add", {"customer": pk, "regime": "GSTIN", "number": "27AAPFU0939F1ZX"}
    )
    assert r.status_code == 200
    assert "“27AAPFU0939F1ZX” is not a valid GSTIN (India)." in r.get_data(as_text=True)
    r = api(acme_manager).post(
        "/api/v1/tax_registration/",
        json={"customer": pk, "regime": "GSTIN", "number": "27AAPFU0939F1ZX"},
    )
    assert r.status_code == 422, r.json
    assert "is not a valid GSTIN (India)" in str(r.json["errors"]["number"])
    assert registrations(app, acme, pk) == ({}, (None, None))


def test_gstin_and_pan_through_the_api(app, acme, acme_manager, api):
    pk = factories.customer(app, acme, "Delhi Textiles")
    client = api(acme_manager)
    r = client.post(
        "/api/v1/tax_registration/", json={"customer": pk, "regime": "GSTIN", "number": GSTIN}
    )
    assert r.status_code == 201, r.json
    r = client.post(
        "/api/v1/tax_registration/",
        json={"customer": pk, "regime": "PAN", "number": PAN, "for_invoices": True},
    )
    assert r.status_code == 201, r.json
    listed = client.get(
        f"/api/v1/tax_registration/?q=(filters:!((col:customer,opr:rel_o_m,value:{pk})))"
    ).json["result"]
    assert sorted((row["regime"], row["number"], row["for_invoices"]) for row in listed) == [
        ("GSTIN", GSTIN, False),
        ("PAN", PAN, True),
    ]
    assert client.get(f"/api/v1/customer/{pk}").json["result"]["tax_number"] == PAN
    r = client.post(
        "/api/v1/tax_registration/", json={"customer": pk, "regime": "PAN", "number": PAN}
    )
    assert r.status_code == 422 and "already has a PAN" in str(r.json)


def test_a_number_saved_on_the_customer_form_keeps_the_other_registrations(
    app, acme, acme_manager, browser
):
    """Saving a PAN on the customer no longer replaces its GSTIN: it becomes a second
    registration, the one used on invoices."""
    pk = factories.customer(app, acme, "Kolkata Jute", tax_regime="GSTIN", tax_number=GSTIN)
    b = browser(acme_manager)
    page = b.get(f"/customers/edit/{pk}").get_data(as_text=True)
    assert GSTIN in page
    customer = factories.load(app, Customer, pk)
    form = {
        "kind": "company",
        "name": customer.name,
        "email": customer.email,
        "code": customer.code,
        "currency": "EUR",
        "discount_rate": "0",
        "tax_regime": "PAN",
        "tax_number": PAN,
    }
    r = b.post(f"/customers/edit/{pk}", form)
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    found, own = registrations(app, acme, pk)
    assert found == {"GSTIN": (GSTIN, False), "PAN": (PAN, True)} and own == ("PAN", PAN)


def test_tax_regimes_are_settings_an_admin_adds(app, acme, acme_admin, acme_manager, browser):
    admin = browser(acme_admin)
    page = admin.get("/tax-regimes/list/").get_data(as_text=True)
    assert "GSTIN (India)" in page and "PAN (India)" in page
    regime = {"code": "nz_gst", "name": "GST number (New Zealand)", "country": "NZ"}
    r = admin.post("/tax-regimes/add", {**regime, "validator": "OTHER", "is_active": "y"})
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    assert browser(acme_manager).post("/tax-regimes/add", regime).status_code == 403
    pk = factories.customer(app, acme, "Auckland Wool")
    r = admin.post(
        "/tax-registrations/add", {"customer": pk, "regime": "NZ_GST", "number": "49-091-850"}
    )
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    assert registrations(app, acme, pk)[1] == ("NZ_GST", "49-091-850")
    with app.app_context(), tenant_scope(acme.id):
        regime_id = db.session.scalar(select(TaxRegime.id).where(TaxRegime.code == "NZ_GST"))
        db.session.remove()
    admin.post(f"/tax-regimes/delete/{regime_id}")
    page = admin.get("/tax-regimes/list/").get_data(as_text=True)
    assert "“NZ_GST” is in use by customers" in page and "GST number (New Zealand)" in page


def test_an_inactive_regime_takes_no_new_numbers(app, acme, acme_admin, browser):
    """Deactivated, a regime is refused for new numbers; a customer already holding one
    is still shown and saved with it."""
    holder = factories.customer(app, acme, "Ohio Tools", tax_regime="EIN", tax_number="04-2103594")
    with app.app_context(), tenant_scope(acme.id):
        db.session.scalar(select(TaxRegime).where(TaxRegime.code == "EIN")).is_active = False
        db.session.commit()
        db.session.remove()
    pk = factories.customer(app, acme, "Austin Parts")
    b = browser(acme_admin)
    r = b.post("/tax-registrations/add", {"customer": pk, "regime": "EIN", "number": "04-2103594"})
    assert r.status_code == 200 and "no longer in use" in r.get_data(as_text=True)
    assert registrations(app, acme, pk)[0] == {}
    customer = factories.load(app, Customer, holder)
    page = b.get(f"/customers/edit/{holder}").get_data(as_text=True)
    assert "EIN (United States) (no longer in use)" in page
    form = {
        "kind": "company",
        "name": customer.name,
        "email": customer.email,
        "code": customer.code,
        "currency": "EUR",
        "discount_rate": "0",
        "tax_regime": "EIN",
        "tax_number": customer.tax_number,
        "notes": "Still with its EIN",
    }
    r = b.post(f"/customers/edit/{holder}", form)
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    assert registrations(app, acme, holder)[1] == ("EIN", customer.tax_number)
    r = b.post(
        "/customers/add",
        {**form, "name": "New Ohio", "email": "new@ohio.example", "code": ""},
    )
    assert r.status_code == 200 and "“EIN” is no longer in use" in r.get_data(as_text=True)
