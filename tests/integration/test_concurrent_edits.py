"""Two people editing one record: the later save based on an older read is refused
(form, API) instead of silently overwriting; concurrent stage moves of one deal never
leave a won deal with a lost reason."""

import re
import threading

from crm.models import Contact
from crm.services.core.errors import CHANGED_MEANWHILE
from tests import factories
from tests.factories import load


def _loaded_version(page):
    html = page.get_data(as_text=True)
    match = re.search(r'<input[^>]*name="record_version"[^>]*>', html)
    assert match, "the edit form carries the version it was loaded with"
    return re.search(r'value="(\d+)"', match.group(0)).group(1)


def test_a_stale_edit_form_is_refused_and_keeps_the_other_change(app, browser, acme, acme_manager):
    customer = factories.customer(app, acme)
    pk = factories.contact(app, acme, customer, "Ann Lee")
    first, second = browser(acme_manager), browser(acme_manager)
    first_version = _loaded_version(first.get(f"/contacts/edit/{pk}"))
    second_version = _loaded_version(second.get(f"/contacts/edit/{pk}"))

    saved = second.post(
        f"/contacts/edit/{pk}",
        {"customer": customer, "name": "Ann Lee-Smith", "record_version": second_version},
    )
    assert saved.status_code == 302
    stale = first.post(
        f"/contacts/edit/{pk}",
        {"customer": customer, "name": "Ann Leigh", "record_version": first_version},
    )

    assert stale.status_code == 200  # the form again, not a redirect
    assert str(CHANGED_MEANWHILE) in stale.get_data(as_text=True)
    assert load(app, Contact, pk).name == "Ann Lee-Smith"


def test_a_fresh_edit_form_saves_and_moves_the_version_on(app, browser, acme, acme_manager):
    customer = factories.customer(app, acme)
    pk = factories.contact(app, acme, customer, "Ann Lee")
    b = browser(acme_manager)
    version = _loaded_version(b.get(f"/contacts/edit/{pk}"))
    assert (
        b.post(
            f"/contacts/edit/{pk}",
            {"customer": customer, "name": "Ann Leigh", "record_version": version},
        ).status_code
        == 302
    )
    assert load(app, Contact, pk).version == int(version) + 1
    assert _loaded_version(b.get(f"/contacts/edit/{pk}")) == str(int(version) + 1)


def test_the_api_gives_an_etag_and_refuses_a_put_with_an_old_one(app, api, acme, acme_manager):
    customer = factories.customer(app, acme)
    pk = factories.contact(app, acme, customer, "Ann Lee")
    first, second = api(acme_manager), api(acme_manager)
    read = first.get(f"/api/v1/contact/{pk}")
    etag = read.headers["ETag"]
    assert etag == f'"{read.json["result"]["version"]}"'

    assert second.put(f"/api/v1/contact/{pk}", json={"name": "Ann Lee-Smith"}).status_code == 200
    stale = first.client.put(
        f"/api/v1/contact/{pk}",
        json={"name": "Ann Leigh"},
        headers={**first.headers, "If-Match": etag},
    )

    assert stale.status_code == 412
    assert stale.json["message"] == str(CHANGED_MEANWHILE)
    assert load(app, Contact, pk).name == "Ann Lee-Smith"
    fresh = first.get(f"/api/v1/contact/{pk}").headers["ETag"]
    saved = first.client.put(
        f"/api/v1/contact/{pk}",
        json={"name": "Ann Leigh"},
        headers={**first.headers, "If-Match": fresh},
    )
    assert saved.status_code == 200 and saved.headers["ETag"] != fresh


def test_the_api_refuses_a_body_version_that_is_no_longer_current(app, api, acme, acme_manager):
    customer = factories.customer(app, acme)
    pk = factories.contact(app, acme, customer, "Ann Lee")
    client = api(acme_manager)
    version = client.get(f"/api/v1/contact/{pk}").json["result"]["version"]
    assert (
        client.put(f"/api/v1/contact/{pk}", json={"name": "B", "version": version}).status_code
        == 200
    )

    stale = client.put(f"/api/v1/contact/{pk}", json={"name": "C", "version": version})

    assert stale.status_code == 409
    assert load(app, Contact, pk).name == "B"


def test_concurrent_won_and_lost_moves_never_leave_a_won_deal_with_a_lost_reason(
    app, api, acme, acme_manager
):
    """Each trial races a move to Won against a move to Lost (with a reason) from two
    clients on their own connections; whichever wins, the deal obeys the stage rule."""
    sales = factories.sales(app, acme)
    clients = [api(acme_manager), api(acme_manager)]
    moves = [
        {"stage_id": sales.stages["Won"]},
        {"stage_id": sales.stages["Lost"], "lost_reason": "Price"},
    ]
    for trial in range(12):
        pk = factories.deal(app, acme, title=f"Race {trial}", stage="Negotiation")
        start = threading.Barrier(2)
        answers = [None, None]

        def move(i, start=start, answers=answers, pk=pk):
            start.wait()
            answers[i] = clients[i].put(f"/api/v1/deal/{pk}/stage", json=moves[i]).status_code

        threads = [threading.Thread(target=move, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert set(answers) <= {200, 409}, answers
        deal = factories.load_deal(app, pk)
        assert deal.stage_name in ("Won", "Lost")
        if deal.stage_name == "Won":
            assert deal.lost_reason is None
        else:
            assert deal.lost_reason == "Price"
