"""Which language a page speaks: the user's pick, the browser's, the tenant's."""

import re

import pytest
from flask_babel import get_timezone

from crm.extensions import db
from crm.models import CrmUser

SETTINGS = {
    "kanban_page_size": "20",
    "default_deal_currency": "EUR",
    "credit_check_on": "both",
    "show_activity_timeline": "y",
}


def spoken(page):
    """The language the navbar picker marks as the page's."""
    match = re.search(r'<li class="active">\s*<form method="post" action="/language/(\w+)"', page)
    return match and match.group(1)


def _user_locale(db_session, user):
    with db_session() as s:
        return s.get(CrmUser, user.id).locale


def test_a_new_visitor_reads_the_sign_in_page_in_the_browsers_language(app):
    client = app.test_client()
    german = client.get("/login/", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert "Anmelden" in german.get_data(as_text=True)
    english = app.test_client().get("/login/", headers={"Accept-Language": "en-GB"})
    assert "Anmelden" not in english.get_data(as_text=True)


def test_a_language_the_crm_does_not_ship_falls_back_to_english(app):
    page = app.test_client().get("/login/", headers={"Accept-Language": "ja"})
    assert spoken(page.get_data(as_text=True)) == "en"


def test_the_navbar_pick_is_stored_on_the_user_and_beats_the_browser(
    browser, acme_member, db_session
):
    b = browser(acme_member)
    response = b.post("/language/fr", {"next": "/customers/list/"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/customers/list/")
    assert _user_locale(db_session, acme_member) == "fr"
    assert spoken(b.get("/customers/list/").get_data(as_text=True)) == "fr"
    # Another browser asking for German still gets the user's French after signing in.
    other = browser(acme_member)
    page = other.get("/customers/list/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert spoken(page) == "fr"


def test_an_unknown_language_is_refused_with_a_message(browser, acme_member, db_session):
    b = browser(acme_member)
    response = b.post("/language/xx", {"next": "/customers/list/"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Choose one of the languages the CRM ships." in response.get_data(as_text=True)
    assert _user_locale(db_session, acme_member) is None


def test_the_picker_never_redirects_off_the_site(browser, acme_member):
    response = browser(acme_member).post("/language/de", {"next": "//evil.example/"})
    assert response.status_code == 302 and "evil.example" not in response.headers["Location"]


def test_the_picker_needs_a_csrf_token(browser, acme_member, db_session):
    response = browser(acme_member).post("/language/de", {"next": "/"}, csrf=False)
    assert response.status_code == 400
    assert _user_locale(db_session, acme_member) is None


def test_before_signing_in_the_pick_lives_in_the_session(app):
    client = app.test_client()
    page = client.get("/login/").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/language/de", data={"csrf_token": token, "next": "/login/"})
    assert (
        spoken(client.get("/login/", headers={"Accept-Language": "fr"}).get_data(as_text=True))
        == "de"
    )


def test_the_tenant_default_speaks_when_the_browser_asks_for_nothing(
    browser, acme_admin, acme_member
):
    admin = browser(acme_admin)
    response = admin.post(
        "/crm-settings/", {**SETTINGS, "default_locale": "es", "timezone": "Asia/Kolkata"}
    )
    assert response.status_code == 302
    page = browser(acme_member).get("/customers/list/").get_data(as_text=True)
    assert spoken(page) == "es"


@pytest.mark.parametrize("value", ["xx", "Mars/Olympus"])
def test_bad_locale_or_timezone_settings_are_refused(browser, acme_admin, value):
    data = {**SETTINGS, "default_locale": "de", "timezone": "Europe/Berlin"}
    data["default_locale" if value == "xx" else "timezone"] = value
    page = browser(acme_admin).post("/crm-settings/", data).get_data(as_text=True)
    assert "Choose one of the languages the CRM ships." in page or "Choose a timezone" in page


def test_times_are_shown_in_the_tenants_timezone(app, browser, acme_admin):
    browser(acme_admin).post(
        "/crm-settings/", {**SETTINGS, "default_locale": "en", "timezone": "Asia/Kolkata"}
    )
    with app.test_request_context("/"):
        from flask import g

        with app.app_context():
            g.user = db.session.get(CrmUser, acme_admin.id)
            assert str(get_timezone()) == "Asia/Kolkata"


def test_country_and_currency_pickers_speak_the_readers_language(browser, acme_admin):
    b = browser(acme_admin)
    b.post("/language/de", {"next": "/"})
    assert '<option value="DE">Deutschland</option>' in b.get("/addresses/add").get_data(
        as_text=True
    )
    assert "USD – US-Dollar" in b.get("/customers/add").get_data(as_text=True)
    b.post("/language/hi", {"next": "/"})
    page = b.get("/addresses/add").get_data(as_text=True)
    assert "जर्मनी" in page and "Deutschland" not in page


def test_the_timeline_names_changed_fields_in_the_readers_language(
    app, acme, browser, api, acme_admin
):
    from tests import factories

    pk = factories.customer(
        app, acme, "Timeline Buyer", phone="+49301234567", payment_method="bank_transfer"
    )
    assert (
        api(acme_admin)
        .put(
            f"/api/v1/customer/{pk}",
            json={"phone": "+49309876543", "payment_method": "direct_debit"},
        )
        .status_code
        == 200
    )
    b = browser(acme_admin)
    b.post("/language/de", {"next": "/"})
    page = factories.with_tabs(b, f"/customers/show/{pk}")
    assert re.search(r'<div class="change">Telefon: \+49301234567 → \+49309876543</div>', page)
    # Stored codes read as the screens' labels.
    assert re.search(r'<div class="change">[^<:]+: Überweisung → Lastschrift</div>', page), page
