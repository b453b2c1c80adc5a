"""Sales order screens: pre-filled from the customer page, lines table with errors per
line, status actions, order history tab, roles, delete refusal for the customer."""

import datetime as dt
import re
from decimal import Decimal

from crm.models import Customer, SalesOrder
from tests import factories

LINE_KEYS = ("description", "quantity", "unit_price", "discount_rate", "tax_rate")


def form(customer, lines, **header):
    data = {
        "customer": str(customer),
        "number": "",
        "order_date": dt.date.today().isoformat(),
        "currency": "",
        "discount_rate": "",
        "payment_term": "",
        "billing_address": "",
        "shipping_address": "",
        "reference": "",
        "notes": "",
        **header,
    }
    for key in LINE_KEYS:
        data[f"line-{key}"] = [str(line.get(key, "")) for line in lines]
    return data


def test_create_sales_order_from_the_customer_page_is_prefilled(app, acme, acme_manager, browser):
    customer = factories.buyer(app, acme, discount_rate=Decimal("5"))
    b = browser(acme_manager)
    page = factories.with_tabs(b, f"/customers/show/{customer}")
    assert f'href="/sales_orders/add?customer={customer}"' in page
    page = b.get(f"/sales_orders/add?customer={customer}").get_data(as_text=True)
    assert (
        'value="EUR"' in page
        and 'id="discount_rate" name="discount_rate" type="text" value="5.00"' in page
    )
    assert "Berlin" in page and "Hamburg" in page
    assert re.search(r'<option value="\d+" selected>[^<]*30[^<]*</option>', page)
    assert 'name="line-discount_rate" value="5.00"' in page


def test_saving_the_form_with_lines_and_a_blank_row(app, acme, acme_manager, browser):
    customer = factories.buyer(app, acme)
    b = browser(acme_manager)
    r = b.post(
        "/sales_orders/add",
        form(
            customer,
            [
                {
                    "description": "Widget",
                    "quantity": "2",
                    "unit_price": "100",
                    "discount_rate": "10",
                    "tax_rate": "20",
                },
                {},
            ],
        ),
    )
    assert r.status_code == 302
    page = b.get(r.headers["Location"]).get_data(as_text=True)
    assert "SO-000001" in page and "€216.00" in page and "€20.00" in page  # net 180, tax 36


def test_errors_show_in_the_line_cells_and_nothing_is_saved(app, acme, acme_manager, browser):
    customer = factories.buyer(app, acme)
    r = browser(acme_manager).post(
        "/sales_orders/add",
        form(
            customer,
            [
                {"description": "Fine", "quantity": "1", "unit_price": "3"},
                {"description": "", "quantity": "0", "unit_price": "abc"},
            ],
        ),
    )
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "Describe the line." in page and "The quantity must be more than 0." in page
    assert "Enter an amount" in page and 'value="Fine"' in page
    rows = page.split('class="crm-line"')
    assert "crm-line-error" not in rows[1] and "crm-line-error" in rows[2]
    assert factories.read(app, acme, Customer, customer, "order_total") == Decimal("0")
    assert (
        browser(acme_manager).get("/sales_orders/list/").get_data(as_text=True).count("SO-0000")
        == 0
    )


def test_status_buttons_confirm_ship_and_invoice(app, acme, acme_manager, browser):
    customer = factories.buyer(app, acme)
    pk = factories.quote(app, acme, customer)
    b = browser(acme_manager)
    page = b.get(f"/sales_orders/show/{pk}").get_data(as_text=True)
    assert "Confirm order" in page and "Mark shipped" not in page
    b.post(f"/sales_orders/confirm/{pk}")
    assert factories.read(app, acme, SalesOrder, pk, "status") == "pending"
    page = b.get(f"/sales_orders/show/{pk}").get_data(as_text=True)
    assert "Mark shipped" in page and "Confirm order" not in page
    assert b.get(f"/sales_orders/edit/{pk}").status_code == 302  # no longer editable
    b.post(f"/sales_orders/ship/{pk}")
    r = b.post(f"/sales_orders/invoice/{pk}")
    assert r.status_code == 302 and "/invoices/show/" in r.headers["Location"]
    assert factories.read(app, acme, SalesOrder, pk, "status") == "invoiced"
    history = factories.with_tabs(b, f"/customers/show/{customer}")
    assert "SO-000001" in history and "INV-000001" in history and "Invoiced" in history


def test_list_filters_by_status_customer_and_date(app, acme, acme_manager, browser):
    first, second = (
        factories.buyer(app, acme, "First Buyer"),
        factories.buyer(app, acme, "Second Buyer"),
    )
    factories.quote(app, acme, first, reference="R-FIRST", order_date="2026-01-10")
    factories.quote(app, acme, second, reference="R-SECOND", order_date="2026-03-10")
    b = browser(acme_manager)

    def numbers(query):
        return re.findall(r"SO-\d{6}", b.get("/sales_orders/list/?" + query).get_data(as_text=True))

    assert sorted(set(numbers(""))) == ["SO-000001", "SO-000002"]
    assert set(numbers(f"customer={second}")) == {"SO-000002"}
    assert set(numbers("date_from=2026-02-01")) == {"SO-000002"}
    assert set(numbers("date_to=2026-02-01")) == {"SO-000001"}
    assert set(numbers("status=pending")) == set()
    assert set(numbers("status=quote")) == {"SO-000001", "SO-000002"}


def test_member_reads_but_gets_no_buttons_and_no_writes(app, acme, acme_member, browser):
    customer = factories.buyer(app, acme)
    pk = factories.quote(app, acme, customer)
    b = browser(acme_member)
    page = b.get(f"/sales_orders/show/{pk}").get_data(as_text=True)
    assert "SO-000001" in page and "Confirm order" not in page
    assert "Create sales order" not in factories.with_tabs(b, f"/customers/show/{customer}")
    for url in (
        "/sales_orders/add",
        f"/sales_orders/edit/{pk}",
        f"/sales_orders/confirm/{pk}",
        f"/sales_orders/invoice/{pk}",
        f"/sales_orders/delete/{pk}",
    ):
        assert b.post(url, form(customer, [factories.WIDGETS])).status_code == 403, url
    assert factories.read(app, acme, SalesOrder, pk, "status") == "quote"


def test_customer_with_orders_cannot_be_deleted(app, acme, acme_admin, api):
    customer = factories.buyer(app, acme)
    factories.quote(app, acme, customer)
    r = api(acme_admin).delete(f"/api/v1/customer/{customer}")
    assert r.status_code == 409 and "sales orders" in r.json["message"]
