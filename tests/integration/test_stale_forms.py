"""Edit screens with their own forms (orders and invoices with lines, the CRM settings):
a form saved after someone else's change is shown again with the user's input and
refused; nothing is overwritten. A fresh form saves."""

import html
import re

from crm.extensions import db
from crm.models import Customer, Invoice, SalesOrder
from crm.security.tenancy import tenant_scope
from crm.services.core.errors import CHANGED_MEANWHILE
from tests import factories, pipeline_settings_support as support
from tests.integration.test_sales_orders import LINE_KEYS

CHANGED = html.escape(str(CHANGED_MEANWHILE), quote=False)


def _loaded_version(page):
    text = page.get_data(as_text=True)
    match = re.search(r'<input[^>]*name="record_version"[^>]*>', text)
    assert match, "the edit form carries the version it was loaded with"
    return html.unescape(re.search(r'value="([^"]*)"', match.group(0)).group(1))


def _document_form(customer, description, version, **header):
    data = {
        "customer": str(customer),
        "number": "",
        "currency": "",
        "payment_term": "",
        "reference": "",
        "notes": "",
        "record_version": version,
        **header,
    }
    line = {"description": description, "quantity": "2", "unit_price": "100"}
    for key in LINE_KEYS:
        data[f"line-{key}"] = [line.get(key, "")]
    return data


def _read_lines(app, acme, model, pk):
    with app.app_context(), tenant_scope(acme.id):
        document = db.session.get(model, pk)
        found = (document.reference, [line.description for line in document.lines])
        db.session.remove()
    return found


DOCUMENTS = (
    ("sales_orders", SalesOrder, factories.quote, {"order_date": "2026-03-02"}),
    ("invoices", Invoice, factories.draft_invoice, {"issue_date": "2026-03-02", "due_date": ""}),
)


def _stale_document_edit_is_refused(app, acme, acme_manager, browser, route, model, make, dates):
    customer = factories.buyer(app, acme)
    pk = make(app, acme, customer)
    first, second = browser(acme_manager), browser(acme_manager)
    first_version = _loaded_version(first.get(f"/{route}/edit/{pk}"))
    second_version = _loaded_version(second.get(f"/{route}/edit/{pk}"))
    saved = second.post(
        f"/{route}/edit/{pk}",
        _document_form(customer, "Gears", second_version, reference="PO-2", **dates),
    )
    assert saved.status_code == 302

    stale = first.post(
        f"/{route}/edit/{pk}",
        _document_form(customer, "Sprockets", first_version, reference="PO-1", **dates),
    )

    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert CHANGED in page
    assert 'value="Sprockets"' in page and 'value="PO-1"' in page  # the user's input, kept
    assert _loaded_version(stale) == first_version
    assert _read_lines(app, acme, model, pk) == ("PO-2", ["Gears"])


def _fresh_document_edit_saves(app, acme, acme_manager, browser, route, model, make, dates):
    customer = factories.buyer(app, acme)
    pk = make(app, acme, customer)
    b = browser(acme_manager)
    version = _loaded_version(b.get(f"/{route}/edit/{pk}"))
    assert (
        b.post(
            f"/{route}/edit/{pk}",
            _document_form(customer, "Gears", version, reference="PO-2", **dates),
        ).status_code
        == 302
    )
    assert _read_lines(app, acme, model, pk) == ("PO-2", ["Gears"])
    assert _loaded_version(b.get(f"/{route}/edit/{pk}")) != version


def test_a_stale_sales_order_form_is_refused_and_keeps_the_other_change(
    app, acme, acme_manager, browser
):
    _stale_document_edit_is_refused(app, acme, acme_manager, browser, *DOCUMENTS[0])


def test_a_fresh_sales_order_form_saves(app, acme, acme_manager, browser):
    _fresh_document_edit_saves(app, acme, acme_manager, browser, *DOCUMENTS[0])


def test_a_stale_invoice_form_is_refused_and_keeps_the_other_change(
    app, acme, acme_manager, browser
):
    _stale_document_edit_is_refused(app, acme, acme_manager, browser, *DOCUMENTS[1])


def test_a_fresh_invoice_form_saves(app, acme, acme_manager, browser):
    _fresh_document_edit_saves(app, acme, acme_manager, browser, *DOCUMENTS[1])


def test_a_stale_settings_form_is_refused_and_keeps_the_other_change(
    app, acme, acme_admin, browser
):
    first, second = browser(acme_admin), browser(acme_admin)
    first_version = _loaded_version(first.get("/crm-settings/"))
    second_version = _loaded_version(second.get("/crm-settings/"))
    assert (
        second.post(
            "/crm-settings/",
            {
                "kanban_page_size": "35",
                "default_deal_currency": "USD",
                "record_version": second_version,
            },
        ).status_code
        == 302
    )

    stale = first.post(
        "/crm-settings/",
        {"kanban_page_size": "50", "default_deal_currency": "GBP", "record_version": first_version},
    )

    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert CHANGED in page and 'value="50"' in page
    settings = support.configuration(app, acme)["settings"]
    assert (settings["kanban_page_size"], settings["default_deal_currency"]) == (35, "USD")


def test_a_fresh_settings_form_saves_and_moves_the_version_on(app, acme, acme_admin, browser):
    b = browser(acme_admin)
    version = _loaded_version(b.get("/crm-settings/"))
    assert (
        b.post(
            "/crm-settings/",
            {"kanban_page_size": "35", "default_deal_currency": "USD", "record_version": version},
        ).status_code
        == 302
    )
    newer = _loaded_version(b.get("/crm-settings/"))
    assert newer != version
    assert (
        b.post(
            "/crm-settings/",
            {"kanban_page_size": "40", "default_deal_currency": "USD", "record_version": newer},
        ).status_code
        == 302
    )
    assert support.configuration(app, acme)["settings"]["kanban_page_size"] == 40


def _define_custom_fields(b):
    for field in (
        {
            "label": "Tier",
            "name": "tier",
            "field_type": "choice",
            "choices": "Gold\nSilver",
            "position": "1",
            "is_active": "y",
        },
        {
            "label": "Employees",
            "name": "employees",
            "field_type": "number",
            "position": "2",
            "is_active": "y",
        },
    ):
        assert b.post("/custom-fields/add", field).status_code == 302


def _custom_values(app, acme, pk):
    with app.app_context(), tenant_scope(acme.id):
        found = {v.definition.name: v.value for v in db.session.get(Customer, pk).custom_values}
        db.session.remove()
    return found


def test_a_stale_custom_fields_form_is_refused_and_keeps_the_other_change(
    app, acme, acme_admin, browser
):
    first, second = browser(acme_admin), browser(acme_admin)
    _define_custom_fields(first)
    pk = factories.customer(app, acme)
    first_version = _loaded_version(first.get(f"/customers/show/{pk}"))
    second_version = _loaded_version(second.get(f"/customers/show/{pk}"))
    assert (
        second.post(
            f"/customers/custom-fields/{pk}",
            {"cf_tier": "Gold", "cf_employees": "250", "record_version": second_version},
        ).status_code
        == 302
    )

    stale = first.post(
        f"/customers/custom-fields/{pk}",
        {"cf_tier": "Silver", "cf_employees": "12", "record_version": first_version},
    )

    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert CHANGED in page and 'value="12"' in page and "<option selected>Silver</option>" in page
    assert _custom_values(app, acme, pk) == {"tier": "Gold", "employees": "250"}


def test_a_fresh_custom_fields_form_saves_and_moves_the_version_on(app, acme, acme_admin, browser):
    b = browser(acme_admin)
    _define_custom_fields(b)
    pk = factories.customer(app, acme)
    for tier, employees in (("Gold", "250"), ("Silver", "300")):
        version = _loaded_version(b.get(f"/customers/show/{pk}"))
        assert (
            b.post(
                f"/customers/custom-fields/{pk}",
                {"cf_tier": tier, "cf_employees": employees, "record_version": version},
            ).status_code
            == 302
        )
    assert _custom_values(app, acme, pk) == {"tier": "Silver", "employees": "300"}


def _two_duplicates(app, acme):
    return (
        factories.customer(app, acme, "Umbrella Corp", email="info@umbrella.example"),
        factories.customer(app, acme, "Umbrella Corporation", email="sales@umbrella.example"),
    )


def _rename(app, acme, pk, name):
    """Someone else's save of the customer."""
    with app.app_context(), tenant_scope(acme.id):
        db.session.get(Customer, pk).name = name
        db.session.commit()
        db.session.remove()


def _names_and_states(app, acme, *pks):
    with app.app_context(), tenant_scope(acme.id):
        found = [
            (db.session.get(Customer, pk).name, db.session.get(Customer, pk).is_active)
            for pk in pks
        ]
        db.session.remove()
    return found


def test_a_merge_of_customers_changed_since_the_wizard_is_refused(app, acme, acme_manager, browser):
    keep, dupe = _two_duplicates(app, acme)
    b = browser(acme_manager)
    version = _loaded_version(b.get(f"/duplicates/merge?ids={keep},{dupe}"))
    form = {
        "ids": f"{keep},{dupe}",
        "survivor": keep,
        "choice_name": dupe,
        "record_version": version,
    }
    preview = b.post("/duplicates/merge/preview", form)
    assert preview.status_code == 200 and _loaded_version(preview) == version
    _rename(app, acme, dupe, "Umbrella Corporation plc")

    refused = b.post("/duplicates/merge/confirm", form)

    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert CHANGED in page and "Umbrella Corporation plc" in page  # the wizard, reloaded
    assert _names_and_states(app, acme, keep, dupe) == [
        ("Umbrella Corp", True),
        ("Umbrella Corporation plc", True),
    ]
    assert b.post("/duplicates/merge/preview", form).status_code == 409
    fresh = {**form, "record_version": _loaded_version(refused)}
    assert b.post("/duplicates/merge/confirm", fresh).status_code == 302
    assert _names_and_states(app, acme, keep, dupe) == [
        ("Umbrella Corporation plc", True),
        ("Umbrella Corporation plc", False),
    ]
