"""Creates at the same moment: generated codes from the tenant's own counter never
collide, a unique value taken by a concurrent save is a 422 on its field (never a 500),
and a deleted record's id (with its history) is never handed to a new one."""

import threading

from sqlalchemy import select

from crm.models import Customer
from tests import factories
from tests.factories import load


def _at_once(calls):
    """Run the calls in threads released together; their answers in order."""
    start = threading.Barrier(len(calls))
    answers = [None] * len(calls)

    def run(i):
        start.wait()
        answers[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def _create(client, name, email):
    return lambda: client.post("/api/v1/customer/", json={"name": name, "email": email})


def test_twelve_concurrent_creates_all_succeed_with_distinct_codes(app, api, acme, acme_manager):
    clients = [api(acme_manager) for _ in range(12)]
    answers = _at_once(
        [_create(c, f"Rush {i}", f"rush{i}@example.com") for i, c in enumerate(clients)]
    )

    assert [a.status_code for a in answers] == [201] * 12, [
        a.get_data(as_text=True) for a in answers
    ]
    codes = {load(app, Customer, a.json["id"]).code for a in answers}
    assert codes == {f"C{n:06d}" for n in range(1, 13)}


def test_concurrent_creates_with_one_email_give_one_customer_and_422s(app, api, acme, acme_manager):
    clients = [api(acme_manager) for _ in range(12)]
    answers = _at_once([_create(c, f"Twin {i}", "same@example.com") for i, c in enumerate(clients)])

    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] + [422] * 11, [a.get_data(as_text=True) for a in answers]
    for answer in answers:
        if answer.status_code == 422:
            assert list(answer.json["errors"]) == ["email"]
            assert "SELECT" not in answer.get_data(as_text=True)
            assert "INSERT" not in answer.get_data(as_text=True)


def test_codes_count_per_tenant_and_do_not_reveal_other_tenants_volume(
    app, api, acme, globex, acme_manager, globex_admin
):
    for i in range(5):
        factories.customer(app, acme, f"Acme buyer {i}")
    answer = api(globex_admin).post(
        "/api/v1/customer/", json={"name": "First", "email": "f@g.example"}
    )
    assert load(app, Customer, answer.json["id"]).code == "C000001"


def test_a_new_customer_never_gets_a_deleted_ones_id_or_history(
    app, api, browser, acme, acme_admin
):
    client = api(acme_admin)
    gone = client.post(
        "/api/v1/customer/", json={"name": "Vanished Trading", "email": "v@t.example"}
    )
    gone_id = gone.json["id"]
    assert (
        client.put(f"/api/v1/customer/{gone_id}", json={"name": "Vanished Trading Ltd"}).status_code
        == 200
    )
    assert client.delete(f"/api/v1/customer/{gone_id}").status_code == 200

    fresh = client.post("/api/v1/customer/", json={"name": "Newcomer", "email": "n@c.example"})

    assert fresh.json["id"] != gone_id
    page = browser(acme_admin).get(f"/customers/show/{fresh.json['id']}").get_data(as_text=True)
    assert "Newcomer" in page
    assert "Vanished" not in page


def test_customers_added_on_the_form_get_consecutive_codes(
    app, browser, acme, acme_manager, db_session
):
    """The form checks a copy of the record before saving it; that check takes no code."""
    b = browser(acme_manager)
    for name in ("First Form Co", "Second Form Co"):
        r = b.post(
            "/customers/add",
            {
                "name": name,
                "kind": "company",
                "currency": "EUR",
                "email": f"{name.split()[0].lower()}@form.example",
            },
        )
        assert r.status_code == 302
    with db_session() as s:
        codes = sorted(s.scalars(select(Customer.code), execution_options={"all_tenants": True}))
    assert codes == ["C000001", "C000002"]


def test_an_email_taken_at_the_same_moment_comes_back_on_the_form(
    app, browser, acme, acme_manager, monkeypatch
):
    """The service's own check passed (the other save was not committed yet); the database's
    unique index refuses the second save, and the form shows it at the email field."""
    from crm.services.customers import customers

    factories.customer(app, acme, "First Claimant", email="claimed@example.com")
    monkeypatch.setattr(customers, "email_taken", lambda *args, **kwargs: False)

    r = browser(acme_manager).post(
        "/customers/add",
        {
            "name": "Second Claimant",
            "kind": "company",
            "currency": "EUR",
            "email": "claimed@example.com",
        },
    )

    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert "Second Claimant" in page  # the input is kept
    assert any("already in use" in e for e in factories.form_errors(page))
    assert "INSERT" not in page and "UNIQUE" not in page
