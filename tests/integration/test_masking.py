"""Balances, credit limits, order totals, aging and bank account numbers are shown only to
roles that may "view financials" (Admin and Manager; any role given can_read on
Financials); everyone else sees them masked on pages and in API answers, cannot sort
by them and cannot read them back through a form."""

from decimal import Decimal

import pytest

from crm.extensions import db
from crm.models import BankAccount, CrmUser, Customer
from crm.security.masking import FINANCIALS, FINANCIALS_PERMISSION
from tests import factories
from tests.conftest import make_user
from tests.factories import MASKED, load

IBAN = "DE89370400440532013000"
MASKED_IBAN = "\u2022\u2022\u2022\u2022 3000"


def masked_cells(html):
    """How many values on the page are masked: dots, with the reason on hover."""
    return html.count(MASKED)


@pytest.fixture
def books(app, acme):
    """A customer with a credit limit, an overdue invoice part-paid, a credit note, two
    orders and a bank account: balance 1,000.00, order total 7,777.00 (figures no single
    document carries)."""
    pk = factories.customer(app, acme, "Ledger Labs", currency="EUR", credit_limit=Decimal("5000"))
    inv = factories.saved_invoice(app, acme, pk, "1234.56", days_overdue=45)
    factories.payment(app, acme, pk, "200.00", allocations={inv: "200.00"})
    factories.credit_note(app, acme, pk, "34.56")
    factories.order(app, acme, pk, "7000.00")
    factories.order(app, acme, pk, "777.00")
    account = factories.bank_account(app, acme, pk, IBAN)
    return {"customer": pk, "account": account}


def custom_role_user(app, tenant, username, role_name, grants):
    """A user whose only role is a role made on the Roles screen (not in FAB_ROLES),
    holding ``grants`` [(permission, view menu)] from the database."""
    user = make_user(app, tenant, "Member", username)
    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.find_role(role_name) or sm.add_role(role_name)
        for permission, view in grants:
            pv = sm.find_permission_view_menu(permission, view)
            assert pv is not None, (permission, view)
            sm.add_permission_role(role, pv)
        row = db.session.get(CrmUser, user.id)
        row.roles = [role]
        db.session.commit()
        db.session.remove()
    return user


CLERK_GRANTS = [
    ("can_read", "Customer"),
    ("can_edit", "Customer"),
    ("can_read", "BankAccount"),
    ("can_edit", "BankAccount"),
]


# --- the permission --------------------------------------------------------------------


def test_the_financials_permission_is_in_the_database_and_admin_holds_it(app):
    with app.app_context():
        sm = app.appbuilder.sm
        pv = sm.find_permission_view_menu(FINANCIALS_PERMISSION, FINANCIALS)
        assert pv is not None
        assert pv in sm.find_role("Admin").permissions
        db.session.remove()


@pytest.mark.parametrize("role, sees", [("Admin", True), ("Manager", True), ("Member", False)])
def test_roles_see_figures_or_masks_on_the_customer_page(app, acme, browser, books, role, sees):
    user = make_user(app, acme, role, f"acme-{role.lower()}")
    html = factories.with_tabs(browser(user), f"/customers/show/{books['customer']}")
    figures = ("€5,000.00", "€1,000.00", "€7,777.00")  # limit, balance, order total
    if sees:
        assert all(f in html for f in figures)
        assert masked_cells(html) == 0
    else:
        assert not any(f in html for f in figures)
        assert not any(f.replace("€", "") in html for f in figures)
        assert masked_cells(html) >= 3


def test_a_custom_role_without_financials_sees_masks_and_one_with_it_sees_figures(
    app, acme, browser, api, books
):
    clerk = custom_role_user(app, acme, "clerk", "Clerk", CLERK_GRANTS)
    controller = custom_role_user(
        app, acme, "controller", "Controller", CLERK_GRANTS + [(FINANCIALS_PERMISSION, FINANCIALS)]
    )
    url = f"/customers/show/{books['customer']}"
    assert "€1,000.00" not in browser(clerk).get(url).get_data(as_text=True)
    assert "€1,000.00" in browser(controller).get(url).get_data(as_text=True)
    assert (
        api(clerk).get(f"/api/v1/customer/{books['customer']}").json["result"]["balance"]
        == "hidden"
    )
    assert Decimal(
        str(api(controller).get(f"/api/v1/customer/{books['customer']}").json["result"]["balance"])
    ) == Decimal("1000.00")


# --- pages ---------------------------------------------------------------------------------


def test_member_sees_the_customer_list_balance_masked(
    app, acme, browser, books, acme_member, acme_manager
):
    member = browser(acme_member).get("/customers/list/").get_data(as_text=True)
    assert "Ledger Labs" in member and masked_cells(member) == 2 and "1,000.00" not in member
    assert "7,777.00" not in member
    manager = browser(acme_manager).get("/customers/list/").get_data(as_text=True)
    assert "€1,000.00" in manager and "€7,777.00" in manager


def test_member_sees_bank_account_numbers_masked_on_the_customer_page_and_the_account_page(
    app, acme, browser, books, acme_member, acme_manager
):
    b = browser(acme_member)
    for url in (
        f"/customers/show/{books['customer']}",
        f"/bank-accounts/show/{books['account']}",
        "/bank-accounts/list/",
    ):
        html = factories.with_tabs(b, url)
        assert MASKED_IBAN in html, url
        assert IBAN not in html and "370400440532" not in html, url
    assert IBAN in browser(acme_manager).get(f"/bank-accounts/show/{books['account']}").get_data(
        as_text=True
    )


def test_member_cannot_sort_the_list_by_masked_columns(
    app, acme, browser, acme_member, acme_manager
):
    # Names in the opposite order of balances: a balance sort would put Zulu first.
    low = factories.customer(app, acme, "Alpha Low")
    high = factories.customer(app, acme, "Zulu High")
    factories.saved_invoice(app, acme, low, "10.00")
    factories.saved_invoice(app, acme, high, "900.00")
    url = "/customers/list/?_oc_CustomerView=balance&_od_CustomerView=desc"
    manager = browser(acme_manager).get(url).get_data(as_text=True)
    assert manager.index("Zulu High") < manager.index("Alpha Low")
    member = browser(acme_member).get(url).get_data(as_text=True)
    assert member.index("Alpha Low") < member.index("Zulu High")  # by name, as if unsorted
    assert "_oc_CustomerView=balance" not in browser(acme_member).get("/customers/list/").get_data(
        as_text=True
    )
    assert "_oc_CustomerView=order_total" not in browser(acme_member).get(
        "/customers/list/"
    ).get_data(as_text=True)


def test_edit_form_leaves_the_credit_limit_out_and_keeps_it(app, acme, browser, books):
    clerk = custom_role_user(app, acme, "clerk", "Clerk", CLERK_GRANTS)
    b = browser(clerk)
    form = b.get(f"/customers/edit/{books['customer']}").get_data(as_text=True)
    assert 'name="name"' in form and 'name="credit_limit"' not in form and "5000" not in form
    r = b.post(
        f"/customers/edit/{books['customer']}",
        {
            "kind": "company",
            "name": "Ledger Labs Renamed",
            "email": "ledger.labs@example.com",
            "currency": "EUR",
            "discount_rate": "0",
        },
    )
    assert r.status_code == 302, factories.form_errors(r.get_data(as_text=True))
    customer = load(app, Customer, books["customer"])
    assert customer.name == "Ledger Labs Renamed"
    assert customer.credit_limit == Decimal("5000.00")
    assert 'name="credit_limit"' not in b.get("/customers/add").get_data(as_text=True)


def test_manager_edit_form_still_shows_the_credit_limit(app, acme, browser, books, acme_manager):
    form = browser(acme_manager).get(f"/customers/edit/{books['customer']}").get_data(as_text=True)
    assert 'name="credit_limit"' in form


def test_bank_account_edit_form_leaves_the_number_out_and_keeps_it(app, acme, browser, books):
    clerk = custom_role_user(app, acme, "clerk", "Clerk", CLERK_GRANTS)
    b = browser(clerk)
    form = b.get(f"/bank-accounts/edit/{books['account']}").get_data(as_text=True)
    assert 'name="account_number"' not in form and IBAN not in form
    r = b.post(
        f"/bank-accounts/edit/{books['account']}",
        {
            "customer": books["customer"],
            "bank_name": "Deutsche Bank",
            "account_holder": "Ledger Labs",
            "swift_bic": "DEUTDEFF",
            "currency": "EUR",
        },
    )
    assert r.status_code == 302, factories.form_errors(r.get_data(as_text=True))
    account = load(app, BankAccount, books["account"])
    assert account.bank_name == "Deutsche Bank" and account.account_number == IBAN


# --- API -----------------------------------------------------------------------------------


def test_member_gets_masked_figures_from_the_customer_api(
    app, acme, api, books, acme_member, acme_manager
):
    member = api(acme_member)
    one = member.get(f"/api/v1/customer/{books['customer']}").json["result"]
    assert (one["balance"], one["credit_limit"], one["order_total"]) == ("hidden",) * 3
    assert one["name"] == "Ledger Labs"
    listed = member.get("/api/v1/customer/").json["result"][0]
    assert listed["balance"] == "hidden" and listed["order_total"] == "hidden"
    chosen = member.get("/api/v1/customer/?q=(columns:!(name,balance))").json
    assert [row.get("balance") for row in chosen["result"]] in (["hidden"], [None])
    full = api(acme_manager).get(f"/api/v1/customer/{books['customer']}").json["result"]
    assert Decimal(str(full["balance"])) == Decimal("1000.00")
    assert Decimal(str(full["credit_limit"])) == Decimal("5000.00")


def test_member_gets_masked_account_numbers_from_the_bank_account_api(
    app, acme, api, books, acme_member, acme_manager
):
    member = api(acme_member)
    assert (
        member.get(f"/api/v1/bank_account/{books['account']}").json["result"]["account_number"]
        == MASKED_IBAN
    )
    assert [r["account_number"] for r in member.get("/api/v1/bank_account/").json["result"]] == [
        MASKED_IBAN
    ]
    assert (
        api(acme_manager)
        .get(f"/api/v1/bank_account/{books['account']}")
        .json["result"]["account_number"]
        == IBAN
    )


def test_member_cannot_order_the_api_list_by_balance(
    app, acme, api, books, acme_member, acme_manager
):
    for column in ("balance", "order_total"):
        r = api(acme_member).get(
            f"/api/v1/customer/?q=(order_column:{column},order_direction:desc)"
        )
        assert r.status_code == 400 and "financials" in r.json["message"]
    ok = api(acme_manager).get("/api/v1/customer/?q=(order_column:balance,order_direction:desc)")
    assert ok.status_code == 200


def test_api_refuses_credit_limit_writes_from_users_without_financials(app, acme, api, books):
    clerk = api(custom_role_user(app, acme, "clerk", "Clerk", CLERK_GRANTS))
    r = clerk.put(f"/api/v1/customer/{books['customer']}", json={"credit_limit": "1"})
    assert r.status_code == 422 and "credit_limit" in r.json["message"]
    assert load(app, Customer, books["customer"]).credit_limit == Decimal("5000.00")
    r = clerk.put(f"/api/v1/customer/{books['customer']}", json={"name": "Renamed by API"})
    assert r.status_code == 200, r.json
    assert r.json["result"].get("credit_limit") in (None, "hidden")
    assert load(app, Customer, books["customer"]).credit_limit == Decimal("5000.00")
    r = clerk.put(f"/api/v1/bank_account/{books['account']}", json={"account_number": "X"})
    assert r.status_code == 422 and "account_number" in r.json["message"]


def test_nested_customer_figures_are_masked_in_api_answers(app, acme_member):
    """Any API answer nesting a customer (e.g. ``customer.balance`` on a document) or its
    bank accounts masks them too: CrmModelApi masks every answer through mask_dump."""
    from crm.models import Invoice
    from crm.security.masking import mask_dump

    with app.test_request_context():  # nobody signed in: no class of figure is visible
        data = {
            "number": "INV-1",
            "total": "10.00",
            "customer": {
                "id": 1,
                "name": "X",
                "balance": "10.00",
                "credit_limit": "5.00",
                "bank_accounts": [{"account_number": IBAN}],
            },
        }
        mask_dump(Invoice, data)
        assert data["number"] == "INV-1" and data["total"] == "hidden"
        assert data["customer"]["balance"] == data["customer"]["credit_limit"] == "hidden"
        assert data["customer"]["bank_accounts"][0]["account_number"] == MASKED_IBAN
