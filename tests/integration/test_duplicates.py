"""The duplicate finder and the hints shown while a customer is entered."""

import hashlib
import re

from crm.models import Customer
from tests import factories


def _pairs(html):
    return re.findall(r'data-pair="(\d+),(\d+)"', html)


def test_finder_lists_pairs_by_signal_with_their_score(
    app, acme, globex, acme_manager, browser, api
):
    same_tax_a = factories.customer(app, acme, "Northwind", tax_regime="OTHER", tax_number="NW-1")
    same_tax_b = factories.customer(
        app, acme, "Southwind Trading", tax_regime="OTHER", tax_number="NW-1"
    )
    same_phone_a = factories.customer(app, acme, "Blue Sky", phone="+49 30 1234567")
    same_phone_b = factories.customer(app, acme, "Red Earth", phone="+49 30 1234567")
    plus_a = factories.customer(app, acme, "Contoso", email="buyer@contoso.example")
    plus_b = factories.customer(app, acme, "Fabrikam", email="Buyer+eu@contoso.example")
    name_a = factories.customer(app, acme, "Globomantics GmbH")
    name_b = factories.customer(app, acme, "Globomantics")
    factories.customer(app, acme, "Zeta Unrelated")
    archived = factories.customer(
        app, acme, "Northwind Archive", tax_regime="OTHER", tax_number="NW-1", is_active=False
    )
    factories.customer(app, globex, "Globomantics Ltd")  # another tenant: never paired with ours
    html = browser(acme_manager).get("/duplicates/").get_data(as_text=True)
    found = {tuple(sorted(map(int, p))) for p in _pairs(html)}
    assert found == {
        tuple(sorted(p))
        for p in [
            (same_tax_a, same_tax_b),
            (same_phone_a, same_phone_b),
            (plus_a, plus_b),
            (name_a, name_b),
        ]
    }
    assert all(archived not in p for p in found)
    body = api(acme_manager).get("/api/v1/customer/duplicates").json
    assert body["count"] == 4
    reasons = {
        frozenset((r["first"]["id"], r["second"]["id"])): (r["score"], r["reasons"])
        for r in body["result"]
    }
    assert reasons[frozenset((name_a, name_b))] == (50, ["name"])
    assert reasons[frozenset((same_tax_a, same_tax_b))][1] == ["tax_number"]
    assert reasons[frozenset((plus_a, plus_b))][1] == ["email"]
    assert [r["score"] for r in body["result"]] == sorted(
        (r["score"] for r in body["result"]), reverse=True
    )


def test_finder_pages_its_results(app, acme, acme_admin, api, browser):
    for i in range(30):  # names unlike each other: only the phones pair them
        for half in "ab":
            name = hashlib.sha256(f"{i}{half}".encode()).hexdigest()[:12]
            factories.customer(
                app, acme, name, email=f"{name}@x.example", phone=f"+49 30 55501{i:02d}"
            )
    client = api(acme_admin)
    first = client.get("/api/v1/customer/duplicates?page=0&page_size=25").json
    second = client.get("/api/v1/customer/duplicates?page=1&page_size=25").json
    assert first["count"] == 30 and len(first["result"]) == 25 and len(second["result"]) == 5
    assert client.get("/api/v1/customer/duplicates?page=x").status_code == 400
    b = browser(acme_admin)
    assert len(_pairs(b.get("/duplicates/?page=1").get_data(as_text=True))) == 5
    assert b.get("/duplicates/?page=-1").status_code == 400


def test_form_check_reports_a_taken_email_as_error_and_the_rest_as_warnings(
    app, acme, acme_manager, browser
):
    existing = factories.customer(
        app, acme, "Initrode Ltd", email="ap@initrode.example", phone="+44 20 7946 0958"
    )
    b = browser(acme_manager)
    r = b.get("/customers/duplicates/check?name=Initrode&email=AP@initrode.example")
    assert r.status_code == 200
    assert "email" in r.json["errors"]
    assert r.json["matches"][0]["id"] == existing
    r = b.get("/customers/duplicates/check?name=Something+else&phone=%2B44+20+7946+0958")
    assert r.json["errors"] == {} and r.json["matches"][0]["reasons"] == ["same phone"]
    # The record being edited is not its own duplicate.
    r = b.get(f"/customers/duplicates/check?name=Initrode+Ltd&id={existing}")
    assert r.json["matches"] == []
    r = b.get("/customers/duplicates/check?name=Completely+different")
    assert r.json == {"errors": {}, "matches": []}
    page = b.get("/customers/add").get_data(as_text=True)
    assert "duplicates.js" in page and "crm-duplicate-hints" in page


def test_saving_a_likely_duplicate_is_allowed_with_a_notice(app, acme, acme_manager, browser):
    existing = factories.customer(app, acme, "Massive Dynamic", phone="+49 30 1234567")
    b = browser(acme_manager)
    r = b.post(
        "/customers/add",
        {
            "kind": "company",
            "name": "Massive Dynamic Inc",
            "email": "hello@massive.example",
            "currency": "EUR",
            "phone": "+49 30 1234567",
            "discount_rate": "0",
        },
        follow_redirects=True,
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "may duplicate" in html
    assert "/duplicates/merge?ids=" in html and f"/customers/show/{existing}" in html
    # The email is unique: the same email again is refused next to the field.
    r = b.post(
        "/customers/add",
        {
            "kind": "company",
            "name": "Massive Dynamic again",
            "email": "HELLO@massive.example",
            "currency": "EUR",
            "discount_rate": "0",
        },
    )
    assert r.status_code == 200 and "already uses" in r.get_data(as_text=True)
    with app.app_context():
        from crm.extensions import db

        assert db.session.query(Customer).count() == 2
        db.session.remove()
