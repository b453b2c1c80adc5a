"""In headless Chromium: a page on another origin, visited by a signed-in user, posts a
form and sends credentialed fetches to the API. The browser sends the session cookie
(another port on 127.0.0.1 is the same site, so SameSite does not stop it); the missing
CSRF token does: the customer stays active and the payment stays valid."""

import pytest

from crm.models import Customer, Payment
from tests import factories
from tests.browser_support import chromium, foreign_site, live_server, signed_in
from tests.factories import load

ATTACK = """<!doctype html><html><body>
<form id="archive" method="post" action="{base}/api/v1/customer/{customer}/archive"></form>
<script>
  fetch("{base}/api/v1/payment/{payment}/void", {{method: "POST", credentials: "include",
                                                 mode: "no-cors"}})
    .finally(function () {{ document.getElementById("archive").submit(); }});
</script></body></html>"""


@pytest.mark.browser
def test_a_foreign_page_cannot_archive_or_void_through_the_api(app, api, acme, acme_manager):
    customer = factories.customer(app, acme, "Targeted Buyer Ltd", currency="EUR")
    payment = (
        api(acme_manager)
        .post("/api/v1/payment/", json={"customer": customer, "amount": "100"})
        .json["id"]
    )
    with live_server(app) as base, chromium() as browser:
        page = signed_in(browser, base, acme_manager.username)
        answers = []
        page.on(
            "response",
            lambda r: (
                answers.append((r.request.method, r.url, r.status)) if "/api/v1/" in r.url else None
            ),
        )
        html = ATTACK.format(base=base, customer=customer, payment=payment)
        with foreign_site(html) as evil:
            with page.expect_navigation(url=f"{base}/api/v1/customer/{customer}/archive"):
                page.goto(evil)
            page.wait_for_load_state("networkidle")
            refusal = page.inner_text("body")
    assert ("POST", f"{base}/api/v1/payment/{payment}/void", 400) in answers, answers
    assert ("POST", f"{base}/api/v1/customer/{customer}/archive", 400) in answers, answers
    assert "CSRF" in refusal
    assert load(app, Customer, customer).is_active is True
    assert load(app, Payment, payment).status != "void"
