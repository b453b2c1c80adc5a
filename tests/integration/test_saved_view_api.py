"""/api/v1/saved_view/: the same rules as the screens, with the API's error shape."""

from tests import factories


def _body(**extra):
    return {
        "list_name": "customers",
        "name": "Z companies",
        "filters": {"_flt_0_search_text": "ze", "_flt_0_kind": ["company"], "_flt_0_nope": "x"},
        "order_column": "name",
        "order_direction": "desc",
        "page_size": 50,
        "columns": ["email", "name", "nonsense"],
        **extra,
    }


def test_create_list_change_default_and_delete(app, api, acme, acme_member):
    client = api(acme_member)
    created = client.post("/api/v1/saved_view/", json=_body())
    assert created.status_code == 201, created.json
    view = created.json["result"]
    assert view["filters"] == {"_flt_0_search_text": ["ze"], "_flt_0_kind": ["company"]}
    assert view["columns"] == ["name", "email"] and view["page_size"] == 50
    assert "_oc_CustomerView=name" in view["query"] and view["mine"] is True
    pk = view["id"]
    listed = client.get("/api/v1/saved_view/?list_name=customers").json
    assert listed["count"] == 1 and listed["result"][0]["id"] == pk
    assert client.get("/api/v1/saved_view/?list_name=companies").json["count"] == 0
    changed = client.put(f"/api/v1/saved_view/{pk}", json={"name": "Zs", "page_size": 10})
    assert changed.status_code == 200
    assert changed.json["result"]["name"] == "Zs" and changed.json["result"]["page_size"] == 10
    assert changed.json["result"]["order_column"] == "name"  # what was not sent stays
    assert client.post(f"/api/v1/saved_view/{pk}/default").json["result"]["is_default"] is True
    assert client.delete("/api/v1/saved_view/default/customers").status_code == 200
    assert client.get(f"/api/v1/saved_view/{pk}").json["result"]["is_default"] is False
    assert client.delete(f"/api/v1/saved_view/{pk}").status_code == 200
    assert client.get(f"/api/v1/saved_view/{pk}").status_code == 404


def test_refusals_name_the_field(app, api, acme, acme_member):
    client = api(acme_member)
    bad = client.post("/api/v1/saved_view/", json=_body(name=" ", page_size=500))
    assert bad.status_code == 422
    assert set(bad.json["errors"]) == {"name"} and bad.json["message"]
    bad = client.post("/api/v1/saved_view/", json=_body(page_size=500))
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"page_size"}
    unknown = client.post("/api/v1/saved_view/", json=_body(list_name="nowhere"))
    assert unknown.status_code == 422 and "list_name" in unknown.json["errors"]
    client.post("/api/v1/saved_view/", json=_body())
    twice = client.post("/api/v1/saved_view/", json=_body())
    assert twice.status_code == 422 and "name" in twice.json["errors"]


def test_a_member_may_not_share_and_a_manager_may(app, api, acme, acme_member, acme_manager):
    refused = api(acme_member).post("/api/v1/saved_view/", json=_body(is_shared=True))
    assert refused.status_code == 403 and refused.json["message"]
    shared = api(acme_manager).post("/api/v1/saved_view/", json=_body(is_shared=True))
    assert shared.status_code == 201 and shared.json["result"]["is_shared"] is True


def test_a_shared_view_is_seen_in_the_tenant_and_not_in_another(
    app, api, acme, globex, acme_manager, acme_member, globex_admin
):
    factories.customer(app, acme, "Zephyr Trading")
    manager = api(acme_manager)
    pk = manager.post("/api/v1/saved_view/", json=_body(is_shared=True)).json["id"]
    private = manager.post("/api/v1/saved_view/", json=_body(name="Mine")).json["id"]
    member = api(acme_member)
    seen = member.get("/api/v1/saved_view/").json["result"]
    assert [v["id"] for v in seen] == [pk] and seen[0]["mine"] is False
    assert member.get(f"/api/v1/saved_view/{private}").status_code == 404
    assert member.put(f"/api/v1/saved_view/{pk}", json={"name": "Taken"}).status_code == 403
    assert member.delete(f"/api/v1/saved_view/{pk}").status_code == 403
    assert member.post(f"/api/v1/saved_view/{pk}/default").status_code == 200
    other = api(globex_admin)
    assert other.get("/api/v1/saved_view/").json["count"] == 0
    for call in (
        other.get(f"/api/v1/saved_view/{pk}"),
        other.put(f"/api/v1/saved_view/{pk}", json={"name": "x"}),
        other.delete(f"/api/v1/saved_view/{pk}"),
        other.post(f"/api/v1/saved_view/{pk}/default"),
    ):
        assert call.status_code == 404
    assert manager.put(f"/api/v1/saved_view/{pk}", json={"is_shared": False}).status_code == 200
    assert member.get("/api/v1/saved_view/").json["count"] == 0
