"""Tags typed on the customer form: an existing tag by name or choice, a new name creates
the tag, for whoever may edit the customer (Managers, Admins)."""

from sqlalchemy import select

from crm.extensions import db
from crm.models import Customer, Tag
from crm.security.tenancy import tenant_scope
from tests import factories
from tests.factories import form_errors


def _form(app, pk, tags):
    customer = factories.load(app, Customer, pk)
    return {
        "kind": "company",
        "name": customer.name,
        "email": customer.email,
        "code": customer.code,
        "currency": "EUR",
        "discount_rate": "0",
        "tags": tags,
    }


def _tags(app, tenant, pk=None):
    with app.app_context(), tenant_scope(tenant.id):
        if pk is None:
            names = sorted(db.session.scalars(select(Tag.name)))
        else:
            names = sorted(t.name for t in db.session.get(Customer, pk).tags)
        db.session.remove()
    return names


def _tag_id(app, tenant, name):
    with app.app_context(), tenant_scope(tenant.id):
        pk = db.session.scalar(select(Tag.id).where(Tag.name == name))
        db.session.remove()
    return pk


def test_a_manager_types_a_new_tag_on_the_customer_form(app, acme, acme_manager, browser):
    pk = factories.customer(app, acme, "Monsoon Traders")
    vip = _tag_id(app, acme, "VIP")
    b = browser(acme_manager)
    page = b.get(f"/customers/edit/{pk}").get_data(as_text=True)
    assert 'data-crm-tags="1"' in page and f'value="id:{vip}"' in page
    r = b.post(
        f"/customers/edit/{pk}", _form(app, pk, [f"id:{vip}", "Monsoon buyers", "key ACCOUNT"])
    )
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    # "key ACCOUNT" is the existing "Key account", not a second tag.
    assert _tags(app, acme, pk) == ["Key account", "Monsoon buyers", "VIP"]
    assert _tags(app, acme).count("Monsoon buyers") == 1 and "key ACCOUNT" not in _tags(app, acme)


def test_a_new_tag_on_a_new_customer(app, acme, acme_admin, browser):
    r = browser(acme_admin).post(
        "/customers/add",
        {
            "kind": "company",
            "name": "Fresh Tags Ltd",
            "email": "fresh@tags.example",
            "currency": "EUR",
            "discount_rate": "0",
            "tags": ["Trade fair 2026"],
        },
    )
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    with app.app_context(), tenant_scope(acme.id):
        pk = db.session.scalar(select(Customer.id).where(Customer.name == "Fresh Tags Ltd"))
        db.session.remove()
    assert _tags(app, acme, pk) == ["Trade fair 2026"]


def test_a_tag_name_too_long_is_refused(app, acme, acme_manager, browser):
    pk = factories.customer(app, acme, "Long Names Ltd")
    r = browser(acme_manager).post(f"/customers/edit/{pk}", _form(app, pk, ["x" * 61]))
    assert r.status_code == 200
    assert "A tag has at most 60 characters." in r.get_data(as_text=True)
    assert "x" * 61 not in _tags(app, acme)


def test_managers_add_tags_in_settings_and_members_cannot(
    app, acme, acme_manager, acme_member, browser
):
    r = browser(acme_manager).post("/tags/add", {"name": "Export", "colour": "#2e86c1"})
    assert r.status_code == 302, form_errors(r.get_data(as_text=True))
    assert "Export" in _tags(app, acme)
    member = browser(acme_member)
    assert member.post("/tags/add", {"name": "Nope"}).status_code == 403
    pk = factories.customer(app, acme, "Read Only Ltd")
    assert member.post(f"/customers/edit/{pk}", _form(app, pk, ["Nope"])).status_code == 403
    assert "Nope" not in _tags(app, acme)
