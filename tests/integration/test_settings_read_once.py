"""A page reads the tenant's settings once, whoever asks for them (the layout's locale and
timezone, the page's services), and a saved setting applies on the next request
(crm/services/settings/preferences.py)."""

from crm.security.tenancy import tenant_scope
from crm.services.settings import preferences
from tests.factories import counted


def _settings_reads(statements):
    return [s for s in statements if "FROM crm_setting" in s]


def test_the_deal_board_reads_the_settings_once(app, browser, acme_manager):
    manager = browser(acme_manager)
    assert manager.get("/deal-board/").status_code == 200
    with counted(app) as statements:
        page = manager.get("/deal-board/")
    assert page.status_code == 200
    assert len(_settings_reads(statements)) == 1


def test_a_setting_saved_elsewhere_applies_on_the_next_request(
    app, browser, acme, acme_manager, db_session
):
    manager = browser(acme_manager)
    assert "CHF" not in manager.get("/deal-board/").get_data(as_text=True)
    with db_session() as session, tenant_scope(acme.id):
        preferences.save_settings(session, {"default_deal_currency": "CHF"})
    assert "CHF" in manager.get("/deal-board/").get_data(as_text=True)


def test_a_setting_saved_in_a_unit_of_work_is_read_back_in_it(app, acme, db_session):
    with db_session() as session, tenant_scope(acme.id):
        assert preferences.get_setting(session, "kanban_page_size") == 20
        assert preferences.all_settings(session)["timezone"] == "UTC"
        preferences.save_settings(session, {"kanban_page_size": "30", "timezone": "Europe/Oslo"})
        assert preferences.get_setting(session, "kanban_page_size") == 30
        assert preferences.all_settings(session)["timezone"] == "Europe/Oslo"
        preferences.replace_values(session, {})
        assert preferences.get_setting(session, "kanban_page_size") == 20
        session.rollback()
        assert preferences.get_setting(session, "kanban_page_size") == 30
