"""Every page names its language in ``<html lang>``, and it follows the reader's choice."""

import re


def _lang(response):
    found = re.search(r"<html( lang=\"([^\"]+)\")?>", response.get_data(as_text=True))
    assert found is not None
    return found.group(2)


def test_pages_carry_the_language_and_follow_a_switch(app, browser, acme_manager):
    b = browser(acme_manager)
    assert _lang(b.get("/customers/list/")) == "en"
    assert b.post("/language/de", {"next": "/"}).status_code == 302
    for url in ("/customers/list/", "/dashboard/", "/deal-board/", "/tasks/add"):
        assert _lang(b.get(url)) == "de", url
    assert b.post("/language/hi", {"next": "/"}).status_code == 302
    assert _lang(b.get("/customers/list/")) == "hi"


def test_the_sign_in_page_and_error_pages_carry_it_too(app):
    client = app.test_client()
    assert _lang(client.get("/login/")) == "en"
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and _lang(missing) == "en"
