"""Mistyped or hostile URLs get a 4xx with a message, never a server error."""

import pytest

from tests import factories

URLS = [
    "/customers/list/?page_CustomerView=-1",
    "/customers/list/?page_CustomerView=abc",
    "/customers/list/?psize_CustomerView=100000000",
    "/customers/list/?psize_CustomerView=-5",
    "/customers/list/?_oc_CustomerView=nope&_od_CustomerView=asc",
    "/customers/list/?_oc_CustomerView=name&_od_CustomerView=sideways",
    "/customers/list/?_flt_0_customer_group=abc",
    "/customers/list/?_flt_0_tags=zz",
    "/customers/list/?_flt_9_name=x",
    "/customers/list/?_flt_0_search_text=%22%27%25%5C",
    "/customers/list/?_flt_0_search_text=%2A%2A%2A",
    "/customers/list/?_flt_0_search_text=a%22b%22c",
    "/audit/list/?_flt_0_at=notadate",
    "/audit/list/?_flt_1_at=2026-13-45",
    "/customers/show/abc",
    "/customers/edit/abc",
    "/customers/show/99999999999999999999",
    "/contacts/add?_flt_0_customer=abc",
    "/contacts/add?_flt_0_customer=999999",
    "/documents/file/abc",
    "/customer-groups/list/?_flt_0_priority=abc",
    "/customers/list/?page_CustomerView=99999999",
]


@pytest.mark.parametrize("url", URLS)
def test_bad_list_and_record_urls_are_4xx(app, browser, acme, acme_admin, url):
    factories.customer(app, acme, "Some Co")
    r = browser(acme_admin).get(url)
    assert 200 <= r.status_code < 500, url


APIS = [
    "/api/v1/customer/?q=(page:-1)",
    "/api/v1/customer/?q=(page_size:-1)",
    "/api/v1/customer/?q=(order_column:nope,order_direction:asc)",
    "/api/v1/customer/?q=(filters:!((col:nope,opr:eq,value:1)))",
    "/api/v1/customer/?q=(filters:!((col:name,opr:nope,value:1)))",
    "/api/v1/customer/?q=(filters:!((col:search_text,opr:srch,value:'\"*')))",
    "/api/v1/customer/?q=(filters:!((col:balance,opr:gt,value:abc)))",
    "/api/v1/customer/abc",
    "/api/v1/customer/?q=(page_size:100000000)",
    "/api/v1/audit/?q=(filters:!((col:at,opr:gt,value:notadate)))",
]


@pytest.mark.parametrize("url", APIS)
def test_bad_api_queries_are_4xx(app, api, acme, acme_admin, url):
    factories.customer(app, acme, "Some Co")
    r = api(acme_admin).get(url)
    assert r.status_code < 500, (url, r.json)


def test_bad_page_arguments_explain_themselves(app, browser, acme_admin):
    b = browser(acme_admin)
    r = b.get("/customers/list/?page_CustomerView=abc")
    assert r.status_code == 400 and "not a valid page" in r.get_data(as_text=True)
    r = b.get("/customers/list/?_oc_CustomerView=password")
    assert r.status_code == 400 and "cannot be sorted" in r.get_data(as_text=True)
    assert b.get("/customers/list/?psize_CustomerView=500").status_code == 400
