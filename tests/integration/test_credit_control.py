"""Credit limit and credit hold at order confirmation and invoice issue: the refusal
names limit, exposure and shortfall; an Admin overrides with a reason (audited); a
Manager cannot; the tenant chooses where the limit is checked."""

from decimal import Decimal

import pytest
from flask_appbuilder.security.sqla.models import PermissionView, Role

from crm.extensions import db
from crm.models import AuditEntry, Invoice, SalesOrder
from crm.security.roles import CREDIT_OVERRIDE
from crm.security.tenancy import tenant_scope
from tests import factories
from tests.conftest import make_user

OVER = [{"description": "Big machine", "quantity": 1, "unit_price": "700.00"}]


def buyer_owing_400(app, acme, **fields):
    """Limit €1,000.00 and an issued invoice of €400.00: €600.00 of room left."""
    customer = factories.buyer(app, acme, credit_limit=Decimal("1000"), **fields)
    factories.draft_invoice(
        app, acme, customer, [{"description": "Earlier", "unit_price": "400"}], issue=True
    )
    return customer


def test_confirm_over_the_limit_is_refused_with_the_figures(app, acme, acme_manager, api):
    customer = buyer_owing_400(app, acme)
    pk = factories.quote(app, acme, customer, OVER)
    r = api(acme_manager).post(f"/api/v1/sales_order/{pk}/confirm")
    assert r.status_code == 409
    assert "limit €1,000.00" in r.json["message"] and "exposure €400.00" in r.json["message"]
    assert "shortfall €100.00" in r.json["message"]
    assert (r.json["limit"], r.json["exposure"], r.json["amount"], r.json["shortfall"]) == (
        "1000.00",
        "400.00",
        "700.00",
        "100.00",
    )
    assert r.json["currency"] == "EUR" and r.json["on_hold"] is False
    assert factories.read(app, acme, SalesOrder, pk, "status") == "quote"


def test_refusal_on_the_page_offers_admins_the_override(app, acme, acme_admin, browser):
    pk = factories.quote(app, acme, buyer_owing_400(app, acme), OVER)
    b = browser(acme_admin)
    r = b.post(f"/sales_orders/confirm/{pk}", follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "Credit limit exceeded" in page and "shortfall €100.00" in page
    assert 'name="override_reason"' in page
    b.post(f"/sales_orders/confirm/{pk}", {"override_reason": "CFO approved by phone"})
    assert factories.read(app, acme, SalesOrder, pk, "status") == "pending"
    with app.app_context(), tenant_scope(acme.id):
        entry = (
            db.session.query(AuditEntry)
            .filter_by(entity="sales_order", entity_id=pk, action="credit_override")
            .one()
        )
        assert entry.summary == "CFO approved by phone" and entry.username == "acme-admin"
        db.session.remove()


def test_manager_cannot_override(app, acme, acme_manager, api, browser):
    pk = factories.quote(app, acme, buyer_owing_400(app, acme), OVER)
    r = api(acme_manager).post(
        f"/api/v1/sales_order/{pk}/confirm", json={"override_reason": "trust me"}
    )
    assert r.status_code == 409 and "Only an Admin can override" in r.json["message"]
    page = browser(acme_manager).post(f"/sales_orders/confirm/{pk}", follow_redirects=True)
    assert 'name="override_reason"' not in page.get_data(as_text=True)
    assert factories.read(app, acme, SalesOrder, pk, "status") == "quote"


def test_admin_override_through_the_api(app, acme, acme_admin, api):
    customer = buyer_owing_400(app, acme)
    pk = factories.draft_invoice(app, acme, customer, OVER)
    client = api(acme_admin)
    assert client.post(f"/api/v1/invoice/{pk}/issue").status_code == 409
    r = client.post(f"/api/v1/invoice/{pk}/issue", json={"override_reason": "Paid upfront"})
    assert r.status_code == 200 and r.json["result"]["status"] == "issued"
    assert factories.customer_figures(app, acme, customer)[0] == Decimal("1100.00")


def test_credit_hold_refuses_confirm_and_issue_but_allows_drafts(app, acme, acme_manager, api):
    customer = factories.buyer(app, acme, credit_hold=True)
    client = api(acme_manager)
    order = client.post("/api/v1/sales_order/", json={"customer": customer, "lines": OVER})
    invoice = client.post("/api/v1/invoice/", json={"customer": customer, "lines": OVER})
    assert order.status_code == 201 and invoice.status_code == 201
    r = client.post(f"/api/v1/sales_order/{order.json['id']}/confirm")
    assert r.status_code == 409 and "credit hold" in r.json["message"] and r.json["on_hold"]
    r = client.post(f"/api/v1/invoice/{invoice.json['id']}/issue")
    assert r.status_code == 409 and "credit hold" in r.json["message"]


@pytest.mark.parametrize(
    "setting, order_refused, invoice_refused",
    [("both", True, True), ("order", True, False), ("invoice", False, True)],
)
def test_tenant_chooses_where_the_limit_is_checked(
    app, acme, acme_admin, acme_manager, api, setting, order_refused, invoice_refused
):
    r = api(acme_admin).put("/api/v1/crm_settings/", json={"credit_check_on": setting})
    assert r.status_code == 200
    customer = buyer_owing_400(app, acme)
    order, invoice = (
        factories.quote(app, acme, customer, OVER),
        factories.draft_invoice(app, acme, customer, OVER),
    )
    client = api(acme_manager)
    assert (client.post(f"/api/v1/sales_order/{order}/confirm").status_code == 409) == order_refused
    assert (client.post(f"/api/v1/invoice/{invoice}/issue").status_code == 409) == invoice_refused


def test_bad_setting_value_is_refused(app, acme, acme_admin, api):
    r = api(acme_admin).put("/api/v1/crm_settings/", json={"credit_check_on": "never"})
    assert r.status_code == 422 and "credit_check_on" in r.json["message"]


def test_within_the_limit_passes(app, acme, acme_manager, api):
    customer = buyer_owing_400(app, acme)
    pk = factories.quote(app, acme, customer, [{"description": "Exactly", "unit_price": "600.00"}])
    assert api(acme_manager).post(f"/api/v1/sales_order/{pk}/confirm").status_code == 200
    assert (
        factories.read(app, acme, Invoice, factories.draft_invoice(app, acme, customer), "status")
        == "draft"
    )


@pytest.fixture
def credit_controller(app, acme):
    """A Manager whose second, custom role holds just the credit-override permission."""
    user = make_user(app, acme, "Manager", "acme-credit-controller")
    entity, permission = CREDIT_OVERRIDE
    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.add_role("Credit Controller")
        sm.add_permission_role(role, sm.find_permission_view_menu(permission, entity))
        account = db.session.get(sm.user_model, user.id)
        account.roles.append(role)
        db.session.commit()
        db.session.remove()
    yield user
    with app.app_context():
        role = db.session.query(Role).filter_by(name="Credit Controller").one()
        role.permissions = []
        role.user = []
        db.session.delete(role)
        db.session.commit()
        db.session.remove()


def test_a_role_given_the_override_permission_overrides(app, acme, credit_controller, api, browser):
    customer = buyer_owing_400(app, acme)
    order, invoice = (
        factories.quote(app, acme, customer, OVER),
        factories.draft_invoice(app, acme, customer, OVER),
    )
    page = (
        browser(credit_controller)
        .post(f"/sales_orders/confirm/{order}", follow_redirects=True)
        .get_data(as_text=True)
    )
    assert 'name="override_reason"' in page
    r = api(credit_controller).post(
        f"/api/v1/invoice/{invoice}/issue",
        json={"override_reason": "Guaranteed by the parent company"},
    )
    assert r.status_code == 200 and r.json["result"]["status"] == "issued"
    with app.app_context(), tenant_scope(acme.id):
        entry = (
            db.session.query(AuditEntry)
            .filter_by(entity="invoice", entity_id=invoice, action="credit_override")
            .one()
        )
        assert entry.username == "acme-credit-controller"
        db.session.remove()


def test_sync_roles_keeps_the_override_permission_for_admins_only(app, runner):
    entity, permission = CREDIT_OVERRIDE
    with app.app_context():
        db.session.query(PermissionView).filter(PermissionView.view_menu.has(name=entity)).delete(
            synchronize_session=False
        )
        db.session.commit()
        db.session.remove()
    assert runner.invoke(args=["crm", "sync-roles"]).exit_code == 0
    with app.app_context():
        holders = {
            role.name
            for role in db.session.query(Role)
            if any(
                pv.view_menu.name == entity and pv.permission.name == permission
                for pv in role.permissions
            )
        }
        db.session.remove()
    assert holders == {"Admin"}
