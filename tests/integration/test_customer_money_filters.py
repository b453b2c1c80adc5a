"""The customer list's money filters and sorts, on the screen and in the REST API: credit
customers, overdue customers, over limit, on credit hold, last order date from/to,
payment terms; sorting by balance, total order value and most recent order. The balance
filters are only for users who may see financials."""

import datetime as dt
from decimal import Decimal

import pytest

from crm.extensions import db
from crm.models import PaymentTerm
from tests import factories

TODAY = dt.date.today()
NAMES = ("Credit Cust", "Overdue Cust", "Limit Cust", "Plain Cust")


@pytest.fixture
def customers(app, acme):
    with app.app_context():
        term = (
            db.session.query(PaymentTerm)
            .filter_by(tenant_id=acme.id)
            .order_by(PaymentTerm.id)
            .first()
        )
        term_id, term_name = term.id, term.name
        db.session.remove()
    ids = {
        "Credit Cust": factories.customer(app, acme, "Credit Cust"),
        "Overdue Cust": factories.customer(app, acme, "Overdue Cust", payment_term_id=term_id),
        "Limit Cust": factories.customer(app, acme, "Limit Cust", credit_limit=Decimal("100")),
        "Plain Cust": factories.customer(app, acme, "Plain Cust", credit_hold=True),
    }
    factories.credit_note(app, acme, ids["Credit Cust"], "50.00")  # balance -50
    factories.saved_invoice(
        app, acme, ids["Overdue Cust"], "100.00", days_overdue=10
    )  # balance 100
    factories.saved_invoice(app, acme, ids["Limit Cust"], "200.00")  # over 100 limit
    factories.order(app, acme, ids["Credit Cust"], "10.00", order_date=dt.date(2024, 1, 15))
    factories.order(app, acme, ids["Overdue Cust"], "30.00", order_date=dt.date(2024, 3, 1))
    factories.order(app, acme, ids["Limit Cust"], "20.00", order_date=dt.date(2024, 6, 30))
    return {"ids": ids, "term": term_id, "term_name": term_name}


def listed(html):
    """The test customers on a list page, in the order shown."""
    return sorted((n for n in NAMES if n in html), key=html.index)


def page(b, query=""):
    r = b.get(f"/customers/list/?{query}")
    assert r.status_code == 200, query
    return r.get_data(as_text=True)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("_flt_0_balance=credit", ["Credit Cust"]),
        ("_flt_0_balance=overdue", ["Overdue Cust"]),
        ("_flt_0_balance=over_limit", ["Limit Cust"]),
        ("_flt_0_credit_hold=y", ["Plain Cust"]),
        ("_flt_0_last_order_date=2024-03-01", ["Overdue Cust", "Limit Cust"]),
        ("_flt_1_last_order_date=2024-03-01", ["Credit Cust", "Overdue Cust"]),
        ("_flt_0_last_order_date=2024-02-01&_flt_1_last_order_date=2024-04-01", ["Overdue Cust"]),
        ("_flt_0_balance=overdue&_flt_0_search_text=cust", ["Overdue Cust"]),
        # empty fields of the filter bar filter nothing
        (
            "_flt_0_balance=&_flt_0_payment_term=&_flt_0_last_order_date=&_flt_1_last_order_date=",
            list(NAMES),
        ),
    ],
)
def test_manager_filters_the_list(app, acme, browser, acme_manager, customers, query, expected):
    assert listed(page(browser(acme_manager), query)) == sorted(expected)


def test_payment_terms_filter_and_the_filter_bar(app, acme, browser, acme_manager, customers):
    b = browser(acme_manager)
    assert listed(page(b, f"_flt_0_payment_term={customers['term']}")) == ["Overdue Cust"]
    html = page(b)
    assert 'name="_flt_0_balance"' in html and 'value="overdue"' in html
    assert f'value="{customers["term"]}"' in html and customers["term_name"] in html
    assert 'name="_flt_0_credit_hold"' in html and 'name="_flt_1_last_order_date"' in html


def test_bad_dates_and_states_on_the_screen_filter_nothing(
    app, acme, browser, acme_manager, customers
):
    b = browser(acme_manager)
    assert listed(page(b, "_flt_0_last_order_date=31/12/2024")) == sorted(NAMES)
    assert listed(page(b, "_flt_0_balance=rich")) == sorted(NAMES)


def test_member_gets_no_balance_filters(app, acme, browser, acme_member, customers):
    b = browser(acme_member)
    html = page(b)
    assert 'name="_flt_0_balance"' not in html
    assert 'name="_flt_0_last_order_date"' in html
    # typed into the address bar anyway: ignored, the list is not narrowed by balance
    assert listed(page(b, "_flt_0_balance=credit")) == sorted(NAMES)
    assert listed(page(b, "_flt_0_balance=over_limit")) == sorted(NAMES)
    # last order date is not a financial figure
    assert listed(page(b, "_flt_0_last_order_date=2024-06-01")) == ["Limit Cust"]


@pytest.mark.parametrize(
    "column, direction, expected",
    [
        ("balance", "asc", ["Credit Cust", "Plain Cust", "Overdue Cust", "Limit Cust"]),
        ("balance", "desc", ["Limit Cust", "Overdue Cust", "Plain Cust", "Credit Cust"]),
        ("order_total", "desc", ["Overdue Cust", "Limit Cust", "Credit Cust", "Plain Cust"]),
        ("last_order_date", "desc", ["Limit Cust", "Overdue Cust", "Credit Cust"]),
    ],
)
def test_manager_sorts_by_money_columns(
    app, acme, browser, acme_manager, customers, column, direction, expected
):
    html = page(browser(acme_manager), f"_oc_CustomerView={column}&_od_CustomerView={direction}")
    assert [n for n in listed(html) if n in expected] == expected


def test_list_shows_order_total_and_last_order(app, acme, browser, acme_manager, customers):
    html = page(browser(acme_manager))
    assert "Total order value" in html and "Last order" in html
    assert "€30.00" in html and "€-50.00" not in html and "-€50.00" in html


def test_member_can_sort_by_last_order_but_not_by_balance(
    app, acme, browser, acme_member, customers
):
    b = browser(acme_member)
    html = page(b, "_oc_CustomerView=last_order_date&_od_CustomerView=desc")
    assert [n for n in listed(html) if n != "Plain Cust"] == [
        "Limit Cust",
        "Overdue Cust",
        "Credit Cust",
    ]
    assert listed(page(b, "_oc_CustomerView=balance&_od_CustomerView=desc")) == sorted(NAMES)


# --- API ---------------------------------------------------------------------------------


def _names(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return sorted(row["name"] for row in response.json["result"])


@pytest.mark.parametrize(
    "flt, expected",
    [
        ("(col:balance,opr:balance_is,value:credit)", ["Credit Cust"]),
        ("(col:balance,opr:balance_is,value:overdue)", ["Overdue Cust"]),
        ("(col:balance,opr:balance_is,value:over_limit)", ["Limit Cust"]),
        ("(col:credit_hold,opr:eq,value:!t)", ["Plain Cust"]),
        ("(col:last_order_date,opr:order_from,value:'2024-03-01')", ["Limit Cust", "Overdue Cust"]),
        ("(col:last_order_date,opr:order_until,value:'2024-02-01')", ["Credit Cust"]),
    ],
)
def test_api_filters(app, acme, api, acme_manager, customers, flt, expected):
    assert _names(api(acme_manager).get(f"/api/v1/customer/?q=(filters:!({flt}))")) == expected


def test_api_payment_terms_filter_and_sorts(app, acme, api, acme_manager, customers):
    client = api(acme_manager)
    flt = f"(col:payment_term,opr:rel_o_m,value:{customers['term']})"
    assert _names(client.get(f"/api/v1/customer/?q=(filters:!({flt}))")) == ["Overdue Cust"]
    r = client.get("/api/v1/customer/?q=(order_column:order_total,order_direction:desc)")
    assert [row["name"] for row in r.json["result"]][:3] == [
        "Overdue Cust",
        "Limit Cust",
        "Credit Cust",
    ]
    r = client.get("/api/v1/customer/?q=(order_column:last_order_date,order_direction:desc)")
    # (where a customer without orders sorts is the database's choice)
    assert [row["name"] for row in r.json["result"] if row["last_order_date"]] == [
        "Limit Cust",
        "Overdue Cust",
        "Credit Cust",
    ]


@pytest.mark.parametrize(
    "flt, words",
    [
        ("(col:balance,opr:balance_is,value:rich)", "credit, overdue, over_limit"),
        ("(col:last_order_date,opr:order_from,value:'31/12/2024')", "not a date"),
        ("(col:balance,opr:gt,value:10)", "not allowed"),
    ],
)
def test_api_refuses_bad_filters(app, acme, api, acme_manager, customers, flt, words):
    r = api(acme_manager).get(f"/api/v1/customer/?q=(filters:!({flt}))")
    assert r.status_code == 400 and words in r.json["message"]


def test_api_refuses_balance_filters_to_members(app, acme, api, acme_member, customers):
    client = api(acme_member)
    r = client.get("/api/v1/customer/?q=(filters:!((col:balance,opr:balance_is,value:credit)))")
    assert r.status_code == 400 and "financials" in r.json["message"]
    r = client.get(
        "/api/v1/customer/?q=(filters:!((col:last_order_date,opr:order_from,value:'2024-06-01')))"
    )
    assert _names(r) == ["Limit Cust"]


def test_the_filter_bar_narrows_by_customer_type(app, acme, browser, acme_manager):
    factories.customer(app, acme, "Firm Corp")
    factories.customer(app, acme, "Jane Solo", kind="individual")
    b = browser(acme_manager)
    html = page(b)
    assert 'name="_flt_0_kind"' in html and '<option value="individual"' in html
    individuals, companies = page(b, "_flt_0_kind=individual"), page(b, "_flt_0_kind=company")
    assert "Jane Solo" in individuals and "Firm Corp" not in individuals
    assert "Firm Corp" in companies and "Jane Solo" not in companies
    assert 'value="individual" selected' in page(b, "_flt_0_kind=individual")
