import re


def form_errors(html):
    pattern = r'class="[^"]*(?:text-danger|help-block|alert-danger)[^"]*"[^>]*>(.*?)</'
    return [e.strip() for e in re.findall(pattern, html, re.S)]


def test_admin_adds_customer(app, browser, acme_admin):
    b = browser(acme_admin)
    page = b.get("/customers/add")
    assert page.status_code == 200
    r = b.post(
        "/customers/add",
        {
            "kind": "company",
            "name": "Zeta GmbH",
            "email": "Info@Zeta.example",
            "currency": "EUR",
            "discount_rate": "5",
            "phone": "+49 30 1234567",
        },
    )
    html = r.get_data(as_text=True)
    open("/tmp/page.html", "w").write(html)
    assert r.status_code == 302, form_errors(html)
    listing = b.get("/customers/list/")
    assert "Zeta GmbH" in listing.get_data(as_text=True)
