"""Every page and API answer carries the security headers, and the pages hold to the
Content-Security-Policy: every <script> has the response's nonce, no inline handler."""

import re

import pytest

from tests import factories

PAGES = [
    "/customers/list/",
    "/customers/show/{customer}",
    "/customers/add",
    "/deal-board/",
    "/lead-board/",
    "/deals/show/{deal}",
    "/leads/show/{lead}",
    "/dashboard/",
    "/import/",
    "/import-history/",
    "/lead-statuses/list/",
    "/crm-settings/",
    "/swagger/v1",
]
API = [
    "/api/v1/customer/",
    "/api/v1/customer/{customer}",
    "/api/v1/_openapi",
    "/api/v1/customer/999999",
]
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


@pytest.fixture
def records(app, acme):
    return {
        "customer": factories.customer(app, acme, "Header Buyer"),
        "deal": factories.deal(app, acme, "Header deal"),
        "lead": factories.lead(app, acme, "Header lead"),
    }


def assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"].startswith("'self' 'nonce-")
    assert "unsafe" not in directives["script-src"]
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain http in development
    return directives


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_the_headers_and_only_nonced_scripts(
    app, browser, acme, acme_admin, records, url
):
    response = browser(acme_admin).get(url.format(**records))
    assert response.status_code == 200, url
    directives = assert_security_headers(response)
    nonce = re.search(r"'nonce-([^']+)'", directives["script-src"]).group(1)
    html = response.get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts), [
        tag for tag in scripts if f'nonce="{nonce}"' not in tag
    ]
    assert not INLINE_HANDLER.findall(html)
    assert "javascript:" not in html


def test_the_login_page_has_the_headers(app):
    assert_security_headers(app.test_client().get("/login/"))


@pytest.mark.parametrize("url", API)
def test_api_answers_have_the_headers(app, api, acme, acme_admin, records, url):
    assert_security_headers(api(acme_admin).get(url.format(**records)))


def test_a_refused_api_write_has_the_headers(app, browser, acme, acme_admin, records):
    response = browser(acme_admin).client.post(f"/api/v1/customer/{records['customer']}/archive")
    assert response.status_code == 400
    assert_security_headers(response)


def test_https_is_not_forced_by_default(app):
    assert app.test_client().get("/login/").status_code == 200


def test_no_page_without_parameters_has_an_inline_handler_or_an_unnonced_script(
    app, browser, acme, acme_admin
):
    """Every screen reachable by a plain GET, FAB's own included (users, roles, languages)."""
    b = browser(acme_admin)
    skipped = ("/api/", "/static/", "/appbuilder/", "/logout", "/lang/", "/login")
    urls = sorted(
        {
            rule.rule
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith(skipped)
        }
    )
    offending, checked = [], 0
    for url in urls:
        response = b.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        checked += 1
        html = response.get_data(as_text=True)
        nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
        if INLINE_HANDLER.search(html) or any(
            f'nonce="{nonce}"' not in tag for tag in re.findall(r"<script\b[^>]*>", html)
        ):
            offending.append(url)
    assert checked > 30 and offending == []
