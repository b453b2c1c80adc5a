"""Admin does everything, Manager adds and edits but never deletes, Member only reads —
enforced on the server for every screen and endpoint, as the role matrix says."""

import itertools

import pytest

from crm.security.roles import ROLE_MATRIX
from tests import factories
from tests.conftest import make_user


def allowed(role, entity, verb):
    if role == "Admin":
        return True
    return any(
        entity in entities and verb in verbs for entities, verbs in ROLE_MATRIX[role].items()
    )


def _counter():
    n = itertools.count(1)
    return lambda: next(n)


# entity -> (screen base, API resource, factory(app, tenant, n) -> id, form/body for a new row)
ENTITIES = {
    "Customer": (
        "/customers",
        "customer",
        lambda app, t, n: factories.customer(app, t, f"Existing {n}"),
        lambda n: {
            "kind": "company",
            "name": f"New {n}",
            "email": f"new{n}@x.example",
            "currency": "EUR",
            "discount_rate": "0",
        },
    ),
    "Company": (
        "/companies",
        "company",
        lambda app, t, n: factories.company(app, t, f"Existing {n}"),
        lambda n: {"name": f"New company {n}"},
    ),
    "CustomerGroup": (
        "/customer-groups",
        "customer_group",
        lambda app, t, n: factories.group(app, t, f"Group {n}", f"G{n}"),
        lambda n: {
            "name": f"New group {n}",
            "code": f"NG{n}",
            "priority": "1",
            "discount_percent": "0",
        },
    ),
    "Contact": (
        "/contacts",
        "contact",
        lambda app, t, n: factories.contact(app, t, factories.customer(app, t, f"Parent {n}")),
        None,
    ),
    "PaymentTerm": (
        "/payment-terms",
        "payment_term",
        None,
        lambda n: {"name": f"Net {n + 100}", "days": str(n + 100)},
    ),
}
ROLES = ("Admin", "Manager", "Member")


@pytest.fixture
def persona(app, acme):
    def make(role):
        return make_user(app, acme, role, f"acme-{role.lower()}")

    return make


def _existing(app, acme, entity, n):
    base, resource, make, _ = ENTITIES[entity]
    if make is not None:
        return make(app, acme, n)
    from crm.extensions import db
    from crm.models import PaymentTerm

    with app.app_context():
        pk = (
            db.session.query(PaymentTerm.id)
            .filter_by(tenant_id=acme.id)
            .order_by(PaymentTerm.id)
            .first()[0]
        )
        db.session.remove()
    return pk


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("entity", ENTITIES)
def test_screens_follow_the_role_matrix(app, acme, browser, persona, role, entity):
    user = persona(role)
    b = browser(user)
    base, _, _, new_row = ENTITIES[entity]
    n = _counter()
    pk = _existing(app, acme, entity, n())
    expect = lambda verb, ok: ok if allowed(role, entity, verb) else 403  # noqa: E731
    assert b.get(f"{base}/list/").status_code == expect("read", 200)
    assert b.get(f"{base}/show/{pk}").status_code == expect("read", 200)
    assert b.get(f"{base}/add").status_code == expect("add", 200)
    if new_row is not None:
        assert b.post(f"{base}/add", new_row(n())).status_code == expect("add", 302)
    assert b.get(f"{base}/edit/{pk}").status_code == expect("edit", 200)
    doomed = _existing(app, acme, entity, n()) if entity != "PaymentTerm" else pk
    response = b.post(f"{base}/delete/{doomed}")
    assert response.status_code == expect("delete", 302)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("entity", ENTITIES)
def test_api_follows_the_role_matrix(app, acme, api, persona, role, entity):
    client = api(persona(role))
    _, resource, _, new_row = ENTITIES[entity]
    n = _counter()
    pk = _existing(app, acme, entity, n())
    expect = lambda verb, ok: ok if allowed(role, entity, verb) else 403  # noqa: E731
    assert client.get(f"/api/v1/{resource}/").status_code == expect("read", 200)
    assert client.get(f"/api/v1/{resource}/{pk}").status_code == expect("read", 200)
    if new_row is not None:
        body = {k: (int(v) if k in ("priority", "days") else v) for k, v in new_row(n()).items()}
        assert client.post(f"/api/v1/{resource}/", json=body).status_code == expect("add", 201)
    assert client.put(f"/api/v1/{resource}/{pk}", json={}).status_code == expect("edit", 200)
    if entity != "PaymentTerm":
        doomed = _existing(app, acme, entity, n())
        assert client.delete(f"/api/v1/{resource}/{doomed}").status_code == expect("delete", 200)


@pytest.mark.parametrize("role", ROLES)
def test_customer_actions_follow_the_role_matrix(app, acme, browser, persona, role):
    b = browser(persona(role))
    pk = factories.customer(app, acme, "Acted Upon")
    edit = 302 if allowed(role, "Customer", "edit") else 403
    add = 200 if allowed(role, "Customer", "add") else 403
    assert b.post(f"/customers/archive/{pk}").status_code == edit
    assert b.get(f"/customers/clone/{pk}").status_code == add
    assert b.post(f"/customers/custom-fields/{pk}").status_code == edit
    upload = 302 if allowed(role, "Document", "add") else 403
    assert b.post(f"/documents/upload/{pk}").status_code == upload


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_manage_users_and_read_the_audit_trail(app, acme, browser, api, persona, role):
    user = persona(role)
    ok = role == "Admin"
    b = browser(user)
    assert b.get("/users/list/").status_code == (200 if ok else 403)
    assert b.get("/audit/list/").status_code == (200 if ok else 403)
    assert api(user).get("/api/v1/audit/").status_code == (200 if ok else 403)
    assert b.get("/users/userinfo/").status_code == 200


def test_members_do_not_see_buttons_they_cannot_use(app, acme, browser, persona):
    pk = factories.customer(app, acme, "Read Only Ltd")
    html = browser(persona("Member")).get(f"/customers/show/{pk}").get_data(as_text=True)
    for label in ("Archive", "Clone", "Delete", "Upload"):
        assert f"</i> {label}<" not in html, label


def test_anonymous_visitors_are_sent_to_login(app, acme):
    client = app.test_client()
    response = client.get("/customers/list/")
    assert response.status_code == 302 and "/login/" in response.location
    assert client.get("/api/v1/customer/").status_code == 401
