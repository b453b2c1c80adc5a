"""A customer's tags through the API, by id or by name: an existing name (any case) is
that tag, a new name makes the tag, on create and on update, for whoever may write
customers; Members may not."""

from sqlalchemy import select

from crm.extensions import db
from crm.models import Customer, Tag
from crm.security.tenancy import tenant_scope
from tests import factories


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


def test_create_takes_tags_by_id_and_by_name(app, api, acme, acme_manager):
    vip = _tag_id(app, acme, "VIP")
    r = api(acme_manager).post(
        "/api/v1/customer/",
        json={
            "name": "Tagged By Api",
            "email": "tagged@api.example",
            "tags": [vip, "key ACCOUNT", "Api buyers", "api BUYERS"],
        },
    )
    assert r.status_code == 201, r.json
    assert _tags(app, acme, r.json["id"]) == ["Api buyers", "Key account", "VIP"]
    everything = _tags(app, acme)
    assert everything.count("Api buyers") == 1 and "key ACCOUNT" not in everything
    shown = api(acme_manager).get(f"/api/v1/customer/{r.json['id']}").json["result"]["tags"]
    assert sorted(t["name"] for t in shown) == ["Api buyers", "Key account", "VIP"]


def test_update_replaces_the_tags_with_those_named(app, api, acme, acme_admin):
    pk = factories.customer(app, acme, "Retagged Ltd")
    client = api(acme_admin)
    body = {"name": "Retagged Ltd", "email": "retagged.ltd@example.com"}
    r = client.put(f"/api/v1/customer/{pk}", json={**body, "tags": ["VIP", "Renewal due"]})
    assert r.status_code == 200, r.json
    assert _tags(app, acme, pk) == ["Renewal due", "VIP"]
    renewal = _tag_id(app, acme, "Renewal due")
    r = client.put(f"/api/v1/customer/{pk}", json={**body, "tags": [renewal]})
    assert r.status_code == 200, r.json
    assert _tags(app, acme, pk) == ["Renewal due"]
    # Left out of the body, the tags stay as they are.
    assert client.put(f"/api/v1/customer/{pk}", json=body).status_code == 200
    assert _tags(app, acme, pk) == ["Renewal due"]


def test_unknown_ids_and_bad_values_are_refused_beside_the_field(app, api, acme, acme_manager):
    client = api(acme_manager)
    before = _tags(app, acme)
    other = factories.customer(app, acme, "Someone Else")
    for tags, said in [
        ([987654], "No such tag. Choose one from the list."),
        (["x" * 61], "A tag has at most 60 characters."),
        ([{"name": "VIP"}], "Give a tag's id or its name."),
        ([True], "Give a tag's id or its name."),
        ("VIP", "Give a list of tag ids or names."),
    ]:
        r = client.post(
            "/api/v1/customer/",
            json={"name": "Refused Ltd", "email": "refused@api.example", "tags": tags},
        )
        assert r.status_code == 422, (tags, r.json)
        assert r.json["errors"] == {"tags": [said]}, tags
        r = client.put(
            f"/api/v1/customer/{other}",
            json={"name": "Someone Else", "email": "someone.else@example.com", "tags": tags},
        )
        assert r.status_code == 422 and r.json["errors"] == {"tags": [said]}, tags
    assert _tags(app, acme) == before
    assert _tags(app, acme, other) == []


def test_another_tenants_tag_id_is_no_tag_here(app, api, acme, globex, acme_manager):
    theirs = _tag_id(app, globex, "VIP")
    r = api(acme_manager).post(
        "/api/v1/customer/",
        json={"name": "Cross Ltd", "email": "cross@api.example", "tags": [theirs]},
    )
    assert r.status_code == 422 and r.json["errors"] == {
        "tags": ["No such tag. Choose one from the list."]
    }


def test_a_member_may_not_tag_or_make_tags(app, api, acme, acme_member):
    pk = factories.customer(app, acme, "Member Sees Ltd")
    before = _tags(app, acme)
    client = api(acme_member)
    r = client.post(
        "/api/v1/customer/",
        json={"name": "Member Made", "email": "member@api.example", "tags": ["Member tag"]},
    )
    assert r.status_code == 403
    r = client.put(
        f"/api/v1/customer/{pk}",
        json={"name": "Member Sees Ltd", "email": "member.sees.ltd@example.com", "tags": ["X"]},
    )
    assert r.status_code == 403
    assert _tags(app, acme) == before and _tags(app, acme, pk) == []
