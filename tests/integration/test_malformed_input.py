"""Malformed and hostile input gets a 4xx with a message, never a server error:
JSON under /api/, the styled error page on screens."""

import io
import json

import pytest

from crm.models import Customer, Document
from tests import factories

HUGE = "99999999999999999999"
PAST_INT4 = "2147483648"  # PostgreSQL refuses to compare an integer id with it
ARABIC_123 = "١٢٣"


def assert_error_page(response, status, text=None):
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[:300]
    assert 'class="panel panel-default crm-error"' in html
    if text:
        assert text in html


@pytest.mark.parametrize("pk", [HUGE, PAST_INT4, ARABIC_123, "12a", "-3"])
def test_impossible_ids_in_urls_are_404_before_and_after_login(
    app, browser, api, acme, acme_admin, pk
):
    factories.customer(app, acme, "Some Co")
    assert_error_page(app.test_client().get(f"/customers/show/{pk}"), 404)
    assert_error_page(browser(acme_admin).get(f"/customers/show/{pk}"), 404)
    r = api(acme_admin).get(f"/api/v1/customer/{pk}")
    assert r.status_code in (404, 405) and r.is_json and r.json["message"]


@pytest.mark.parametrize(
    "url",
    ["/import/map/{pk}", "/import/status/{pk}", "/deal-board/cards/{pk}", "/documents/file/{pk}"],
)
def test_impossible_ids_in_other_routes_are_404(app, browser, acme_admin, url):
    for pk in (HUGE, PAST_INT4):
        assert 400 <= app.test_client().get(url.format(pk=pk)).status_code < 500
        assert browser(acme_admin).get(url.format(pk=pk)).status_code == 404, url


def test_a_nul_in_the_search_box_is_refused(app, browser, acme, acme_admin):
    factories.customer(app, acme, "Some Co")
    r = browser(acme_admin).get("/customers/list/?_flt_0_search_text=So%00me")
    assert_error_page(r, 400, "NUL character")


def test_a_nul_in_a_text_field_is_refused_and_nothing_is_saved(
    app, browser, acme, acme_admin, db_session
):
    r = browser(acme_admin).post(
        "/customers/add",
        {"kind": "company", "name": "Null\x00Corp", "email": "n@n.example", "currency": "EUR"},
    )
    assert_error_page(r, 400, "NUL character")
    with db_session() as s:
        assert s.query(Customer).count() == 0


def test_a_nul_in_the_api_is_refused(app, api, acme, acme_admin, db_session):
    client = api(acme_admin)
    r = client.post(
        "/api/v1/customer/",
        json={"kind": "company", "name": "Null\x00Corp", "email": "n@n.example", "currency": "EUR"},
    )
    assert r.status_code == 400 and "NUL" in r.json["message"]
    r = client.get("/api/v1/customer/?q=(filters:!((col:name,opr:sw,value:'a%00b')))")
    assert r.status_code == 400 and "NUL" in r.json["message"]
    with db_session() as s:
        assert s.query(Customer).count() == 0


def test_deeply_nested_json_is_a_400(app, api, acme, acme_admin):
    body = "[" * 10_000 + "]" * 10_000
    r = api(acme_admin).post("/api/v1/customer/", data=body, content_type="application/json")
    assert r.status_code == 400 and "nested" in r.json["message"]


@pytest.mark.parametrize("q", ["(((", "(filters:!((col:name", "!(", "(page:'x)", "%ZZ"])
def test_bad_rison_is_a_400(app, api, acme, acme_admin, q):
    r = api(acme_admin).get(f"/api/v1/customer/?q={q}")
    assert r.status_code == 400 and "rison" in r.json["message"]


def test_an_api_upload_over_the_limit_is_a_json_413(app, api, acme, acme_admin, monkeypatch):
    pk = factories.customer(app, acme)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    r = api(acme_admin).post(
        "/api/v1/document/upload",
        data={"customer": str(pk), "file": (io.BytesIO(b"x" * 4096), "big.txt")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 413 and r.is_json and "larger than" in r.json["message"]


def test_a_screen_upload_over_the_limit_gets_the_styled_page(
    app, browser, acme, acme_admin, monkeypatch
):
    pk = factories.customer(app, acme)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    r = browser(acme_admin).post(
        f"/documents/upload/{pk}",
        {"file": (io.BytesIO(b"x" * 4096), "big.txt")},
        content_type="multipart/form-data",
    )
    assert_error_page(r, 413, "larger than")
    assert "Request Entity Too Large" not in r.get_data(as_text=True)


def test_an_over_long_document_name_is_refused(app, browser, api, acme, acme_admin, db_session):
    pk = factories.customer(app, acme)
    name = "n" * 300 + ".pdf"
    r = api(acme_admin).post(
        "/api/v1/document/upload",
        data={"customer": str(pk), "file": (io.BytesIO(b"%PDF-1.4"), name)},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422 and "file name is longer" in json.dumps(r.json["errors"])
    b = browser(acme_admin)
    r = b.post(
        f"/documents/upload/{pk}",
        {"file": (io.BytesIO(b"%PDF-1.4"), name), "description": "d" * 300},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    assert "file name is longer" in b.get(r.location).get_data(as_text=True)
    with db_session() as s:
        assert s.query(Document).count() == 0


def test_a_screen_upload_over_the_limit_goes_back_to_its_page_with_the_reason(
    app, browser, acme, acme_admin, monkeypatch
):
    pk = factories.customer(app, acme)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    b = browser(acme_admin)
    page = f"http://localhost/customers/show/{pk}"
    r = b.post(
        f"/documents/upload/{pk}",
        {"file": (io.BytesIO(b"x" * 4096), "big.txt")},
        content_type="multipart/form-data",
        headers={"Referer": page},
    )
    assert r.status_code == 302 and r.location == page
    assert "larger than the 1 KB allowed" in b.get(r.location).get_data(as_text=True)
    # A referrer on another site is not followed: the styled page answers instead.
    r = b.post(
        f"/documents/upload/{pk}",
        {"file": (io.BytesIO(b"x" * 4096), "big.txt")},
        content_type="multipart/form-data",
        headers={"Referer": "https://elsewhere.example/"},
    )
    assert r.status_code == 413
