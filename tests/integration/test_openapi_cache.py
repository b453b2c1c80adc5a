"""The OpenAPI document is built once per process: building it walks every API."""

from flask_appbuilder.api import BaseApi

from crm.api.openapi import MAX_DOCUMENTS, OpenApi


def test_the_second_request_serves_the_document_without_rebuilding_it(
    app, api, acme_admin, monkeypatch
):
    endpoint = next(v for v in app.appbuilder.baseviews if isinstance(v, OpenApi))
    endpoint.documents.clear()
    builds = []
    add_api_spec = BaseApi.add_api_spec
    monkeypatch.setattr(
        BaseApi, "add_api_spec", lambda self, spec: builds.append(self) or add_api_spec(self, spec)
    )
    client = api(acme_admin)

    first = client.get("/api/v1/_openapi")
    built = len(builds)
    second = client.get("/api/v1/_openapi")

    assert first.status_code == second.status_code == 200
    assert built > 30 and len(builds) == built
    assert second.json == first.json and "/api/v1/customer/" in first.json["paths"]


def test_an_unknown_version_is_still_404(app, api, acme_admin):
    assert api(acme_admin).get("/api/v9/_openapi").status_code == 404


def test_the_cache_stays_small_whatever_versions_and_hosts_clients_ask_for(app, api, acme_admin):
    """A version and a Host header are the client's to choose."""
    endpoint = next(v for v in app.appbuilder.baseviews if isinstance(v, OpenApi))
    endpoint.documents.clear()
    client = api(acme_admin)
    for i in range(MAX_DOCUMENTS + 8):
        assert client.get(f"/api/v{i + 2}/_openapi").status_code == 404
        assert len(endpoint.documents) <= MAX_DOCUMENTS
    assert client.get("/api/v1/_openapi").status_code == 200
