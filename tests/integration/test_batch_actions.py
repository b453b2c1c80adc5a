"""Batch actions on the customer list: each row by the single-record rules, failures reported."""

import re

from sqlalchemy import text

from crm.extensions import db
from crm.models import Customer, Tag
from crm.security.tenancy import tenant_scope
from tests import factories


def _action(b, name, ids):
    data = {"action": name, "rowid": [str(i) for i in ids], "csrf_token": b.token}
    return b.client.post("/customers/action_post", data=data)


def _flashes(html):
    return [
        re.sub(r"\s+", " ", m).strip()
        for m in re.findall(
            r'<div class="alert alert-\w+">\s*<button[^>]*>&times;</button>(.*?)</div>', html, re.S
        )
    ]


def _tag(app, tenant, name):
    with app.app_context(), tenant_scope(tenant.id):
        tag = Tag(tenant_id=tenant.id, name=name)
        db.session.add(tag)
        db.session.commit()
        pk = tag.id
        db.session.remove()
    return pk


def test_archive_and_restore_report_successes_and_failures(app, acme, acme_manager, browser):
    a = factories.customer(app, acme, "Alpha Co")
    b_ = factories.customer(app, acme, "Beta Co")
    gone = factories.customer(app, acme, "Gamma Co", is_active=False)
    b = browser(acme_manager)
    r = _action(b, "batch_archive", [a, b_, gone])
    assert r.status_code == 302
    messages = _flashes(b.get("/customers/list/").get_data(as_text=True))
    assert "2 customer(s) archived." in messages
    assert "1 failed." in messages
    assert any(m.startswith("Gamma Co") and "already archived" in m for m in messages)
    assert [factories.load(app, Customer, pk).is_active for pk in (a, b_, gone)] == [False] * 3
    _action(b, "batch_restore", [a, b_])
    assert [factories.load(app, Customer, pk).is_active for pk in (a, b_)] == [True, True]


def test_assign_group_reports_the_row_its_rules_refuse(app, acme, acme_manager, browser):
    group = factories.group(app, acme)
    good = factories.customer(app, acme, "Good Co")
    broken = factories.customer(app, acme, "Broken Co")
    with app.app_context():  # a record saved before the phone rule existed
        db.session.execute(
            text("UPDATE crm_customer SET phone = 'not a phone' WHERE id = :id"), {"id": broken}
        )
        db.session.commit()
        db.session.remove()
    b = browser(acme_manager)
    r = _action(b, "batch_assign_group", [good, broken])
    assert r.status_code == 302 and r.headers["Location"].endswith(
        f"/customers/batch/assign_group?ids={good},{broken}"
    )
    page = b.get(r.headers["Location"])
    assert page.status_code == 200 and "Key accounts" in page.get_data(as_text=True)
    r = b.post(f"/customers/batch/assign_group?ids={good},{broken}", {"value": group})
    assert r.status_code == 302
    messages = _flashes(b.get("/customers/list/").get_data(as_text=True))
    assert "1 customer(s) moved to the group." in messages and "1 failed." in messages
    assert any(m.startswith("Broken Co") and "phone" in m for m in messages)
    assert factories.load(app, Customer, good).customer_group_id == group
    assert factories.load(app, Customer, broken).customer_group_id is None


def test_tags_and_owner(app, acme, acme_admin, acme_manager, browser):
    vip = _tag(app, acme, "vip")
    a = factories.customer(app, acme, "Tagged Co")
    c = factories.customer(app, acme, "Plain Co")
    b = browser(acme_admin)
    b.post(f"/customers/batch/add_tag?ids={a}", {"value": vip})
    r = b.post(f"/customers/batch/add_tag?ids={a},{c}", {"value": vip})
    messages = _flashes(b.get("/customers/list/").get_data(as_text=True))
    assert "1 customer(s) tagged." in messages
    assert "1 already as asked: Tagged Co." in messages
    with app.app_context():
        assert {t.name for t in db.session.get(Customer, c).tags} == {"vip"}
        db.session.remove()
    b.post(f"/customers/batch/remove_tag?ids={a},{c}", {"value": vip})
    with app.app_context():
        assert [db.session.get(Customer, pk).tags for pk in (a, c)] == [[], []]
        db.session.remove()
    # A value is required for tags; an unknown one is a message, not an error page.
    r = b.post(f"/customers/batch/add_tag?ids={a}", {"value": ""})
    assert r.status_code == 200 and "Choose a value first." in r.get_data(as_text=True)
    r = b.post(f"/customers/batch/add_tag?ids={a}", {"value": "99999"})
    assert r.status_code == 200 and "There is no tag" in r.get_data(as_text=True)
    r = b.post(f"/customers/batch/assign_owner?ids={a},{c}", {"value": acme_manager.id})
    assert r.status_code == 302
    assert [factories.load(app, Customer, pk).owner_id for pk in (a, c)] == [acme_manager.id] * 2
    r = b.post(f"/customers/batch/assign_owner?ids={a}", {"value": ""})
    assert factories.load(app, Customer, a).owner_id is None


def test_members_cannot_run_batch_actions(app, acme, acme_member, browser):
    a = factories.customer(app, acme, "Locked Co")
    b = browser(acme_member)
    _action(b, "batch_archive", [a])
    assert factories.load(app, Customer, a).is_active
    assert b.get(f"/customers/batch/assign_group?ids={a}").status_code == 403


def test_batch_actions_never_reach_another_tenant(app, acme, globex, acme_admin, browser):
    mine = factories.customer(app, acme, "Mine Co")
    theirs = factories.customer(app, globex, "Theirs Co")
    globex_tag = _tag(app, globex, "secret")
    b = browser(acme_admin)
    assert _action(b, "batch_archive", [mine, theirs]).status_code == 404
    assert (
        factories.load(app, Customer, theirs).is_active
        and factories.load(app, Customer, mine).is_active
    )
    assert b.get(f"/customers/batch/add_tag?ids={theirs}").status_code == 404
    r = b.post(f"/customers/batch/add_tag?ids={mine}", {"value": globex_tag})
    assert r.status_code == 200 and "There is no tag" in r.get_data(as_text=True)
    assert b.get("/customers/batch/nonsense?ids=1").status_code == 404
    assert b.get("/customers/batch/add_tag?ids=x").status_code == 400
