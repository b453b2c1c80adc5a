"""The request's translations are found once and kept per locale (crm/i18n/request_translations.py):
a locale switched within the request still speaks at once."""

import re

from flask import g, session
from flask_babel import force_locale, gettext, refresh

from tests.integration.test_localised_pages import catalogue


def test_translations_are_kept_for_the_request_next_to_their_locale(app):
    with app.test_request_context(headers={"Accept-Language": "de"}):
        assert gettext("Customers") == catalogue("de", "Customers")
        locale, translations = g._flask_babel.crm_translations
        assert str(locale) == "de"
        gettext("Customers")
        assert g._flask_babel.crm_translations[1] is translations


def test_a_forced_locale_speaks_and_the_request_returns_to_its_own(app):
    with app.test_request_context(headers={"Accept-Language": "de"}):
        assert gettext("Customers") == catalogue("de", "Customers")
        with force_locale("fr"):
            assert gettext("Customers") == catalogue("fr", "Customers")
        assert gettext("Customers") == catalogue("de", "Customers")


def test_a_language_picked_within_the_request_speaks_after_refresh(app):
    with app.test_request_context(headers={"Accept-Language": "de"}):
        assert gettext("Customers") == catalogue("de", "Customers")
        session["locale"] = "es"
        refresh()
        assert gettext("Customers") == catalogue("es", "Customers")


def test_templates_use_the_same_translations(app):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        rendered = app.jinja_env.from_string("{{ _('Customers') }}").render()
        assert rendered == catalogue("fr", "Customers")
        assert str(g._flask_babel.crm_translations[0]) == "fr"


def test_the_navbar_menu_speaks_the_language_of_each_request(browser, acme_member):
    b = browser(acme_member)
    english = b.get("/customers/list/").get_data(as_text=True)
    german = b.get("/customers/list/?_l_=de").get_data(as_text=True)
    label = catalogue("de", "Customers")
    menu = re.compile(
        r'<ul class="nav navbar-nav">(.*?)</ul>\s*<ul class="nav navbar-nav navbar-right">', re.S
    )
    assert "Customers" in menu.search(english).group(1)
    assert label in menu.search(german).group(1) and label != "Customers"
