"""A user's own settings page (from the user menu) and API: language, default task
reminder, overdue digest. Each user reads and sets their own only."""

from crm.models import CrmUser
from tests.factories import load


def test_the_user_menu_leads_to_my_settings_and_saving_changes_them(
    app, acme, acme_member, browser
):
    b = browser(acme_member)
    home = b.get("/my-tasks/").get_data(as_text=True)
    assert 'id="my-settings-link"' in home and 'href="/my-settings/"' in home
    page = b.get("/my-settings/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="reminder_days_before"' in html and 'value="09:00"' in html
    answer = b.post(
        "/my-settings/",
        {"locale": "de", "reminder_days_before": "3", "reminder_time": "07:45"},
    )
    assert answer.status_code == 302
    saved = load(app, CrmUser, acme_member.id)
    assert (saved.locale, saved.reminder_days_before, saved.reminder_time) == ("de", 3, "07:45")
    assert saved.overdue_digest is False  # the box was left unticked


def test_bad_values_are_refused_next_to_their_fields_and_nothing_changes(
    app, acme, acme_member, browser
):
    b = browser(acme_member)
    answer = b.post(
        "/my-settings/",
        {"reminder_days_before": "400", "reminder_time": "25:00", "overdue_digest": "y"},
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert "Enter a number of days from 0 to 60" in html
    assert "Enter a time of day such as 09:00." in html
    saved = load(app, CrmUser, acme_member.id)
    assert (saved.reminder_days_before, saved.reminder_time) == (1, "09:00")


def test_an_empty_day_count_means_no_default_reminder(app, acme, acme_member, browser):
    b = browser(acme_member)
    answer = b.post(
        "/my-settings/",
        {"reminder_days_before": "", "reminder_time": "09:00", "overdue_digest": "y"},
    )
    assert answer.status_code == 302
    saved = load(app, CrmUser, acme_member.id)
    assert saved.reminder_days_before is None and saved.overdue_digest is True


def test_the_api_reads_and_sets_the_callers_own_settings(app, acme, acme_member, acme_manager, api):
    client = api(acme_member)
    assert client.get("/api/v1/my_settings/").json["result"] == {
        "locale": None,
        "reminder_days_before": 1,
        "reminder_time": "09:00",
        "overdue_digest": True,
    }
    answer = client.put(
        "/api/v1/my_settings/", json={"overdue_digest": False, "reminder_time": "8:05"}
    )
    assert answer.status_code == 200
    assert answer.json["result"]["reminder_time"] == "08:05"
    assert load(app, CrmUser, acme_member.id).overdue_digest is False
    assert load(app, CrmUser, acme_manager.id).overdue_digest is True  # nobody else's

    refused = client.put("/api/v1/my_settings/", json={"locale": "xx", "password": "x"})
    assert refused.status_code == 422
    assert set(refused.json["errors"]) == {"locale", "password"}
