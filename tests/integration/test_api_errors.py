"""Every refusal of the API has one body, ``{"message": sentence, "errors": {field:
[texts]}}`` (the document's ``Error``), whoever refuses: a service, FAB's endpoints and
permission check, its schema validation, the JWT extension, Werkzeug's routing, the rate
limiter, the request checks. And every operation of the document declares its refusals
with that schema."""

import pytest
from jsonschema import Draft4Validator

from tests import factories
from tests.conftest import PASSWORD

REFUSAL_CODES = {"400", "401", "403", "404", "405", "409", "412", "413", "415", "422", "429"}


def _document(api, user):
    response = api(user).get("/api/v1/_openapi")
    assert response.status_code == 200
    return response.json


def _error_problems(document, response):
    """What is wrong with ``response`` as a refusal of the API: its body against the
    document's Error schema, and a message that is a sentence."""
    assert response.is_json, response.get_data(as_text=True)
    body = response.json
    problems = [
        e.message
        for e in Draft4Validator(document["components"]["schemas"]["Error"]).iter_errors(body)
    ]
    if not problems and len(body["message"].strip()) < 8:
        problems.append(f"no sentence: {body['message']!r}")
    return problems


def _resolve(document, answer):
    ref = answer.get("$ref", "")
    if ref.startswith("#/components/responses/"):
        return document["components"]["responses"][ref.rsplit("/", 1)[1]]
    return answer


def test_every_operation_declares_its_refusals_with_the_error_schema(app, api, acme_admin):
    document = _document(api, acme_admin)
    undeclared = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            codes = set(operation["responses"])
            expected = {"400", "500"}
            if "/security/" not in path:
                expected |= {"401", "403"}
            if "{pk}" in path:
                expected.add("404")
            if method != "get":
                expected.add("503")
            if "requestBody" in operation:
                expected |= {"413", "422"}
            for missing in sorted(expected - codes):
                undeclared.append(f"{method.upper()} {path}: {missing} not declared")
            for code in codes:
                if code.isdigit() and int(code) >= 400:
                    content = _resolve(document, operation["responses"][code]).get("content", {})
                    schema = content.get("application/json", {}).get("schema")
                    if schema != {"$ref": "#/components/schemas/Error"}:
                        undeclared.append(f"{method.upper()} {path}: {code} is not an Error")
    assert not undeclared, "\n".join(undeclared[:40])


def test_a_versioned_records_put_declares_409_and_412(app, api, acme_admin):
    put = _document(api, acme_admin)["paths"]["/api/v1/customer/{pk}"]["put"]["responses"]
    assert {"409", "412", "415"} <= set(put)


@pytest.fixture
def customer(app, acme):
    return factories.customer(app, acme, "Refused Co")


def _stale_put(api, user, pk):
    signed_in = api(user)
    return signed_in.client.put(
        f"/api/v1/customer/{pk}",
        json={"name": "X"},
        headers={**signed_in.headers, "If-Match": '"0"'},
    )


# status -> how to provoke it (client maker, customer id) -> response
REFUSALS = {
    "400 a query that is not rison": (
        400,
        lambda api, users, pk: api(users.admin).get("/api/v1/customer/?q=(broken"),
    ),
    "400 a cookie write without the CSRF token": (
        400,
        lambda api, users, pk: users.browser.client.post("/api/v1/customer/", json={}),
    ),
    "401 no token": (401, lambda api, users, pk: users.anonymous.get("/api/v1/customer/")),
    "401 a token that is no token": (
        401,
        lambda api, users, pk: users.anonymous.get(
            "/api/v1/customer/", headers={"Authorization": "Bearer not.a.token"}
        ),
    ),
    "401 a wrong password": (
        401,
        lambda api, users, pk: users.anonymous.post(
            "/api/v1/security/login",
            json={"username": users.admin.username, "password": "wrong", "provider": "db"},
        ),
    ),
    "400 a sign-in without a username": (
        400,
        lambda api, users, pk: users.anonymous.post(
            "/api/v1/security/login", json={"username": "", "password": "y", "provider": "db"}
        ),
    ),
    "403 a member deleting": (
        403,
        lambda api, users, pk: api(users.member).delete(f"/api/v1/customer/{pk}"),
    ),
    "404 another record": (
        404,
        lambda api, users, pk: api(users.admin).get("/api/v1/customer/99999"),
    ),
    "404 an unknown address": (
        404,
        lambda api, users, pk: api(users.admin).get("/api/v1/nowhere/"),
    ),
    "405 a method the address does not take": (
        405,
        lambda api, users, pk: api(users.admin).delete("/api/v1/customer/"),
    ),
    "409 archiving twice": (
        409,
        lambda api, users, pk: [
            api(users.admin).post(f"/api/v1/customer/{pk}/archive") for _ in range(2)
        ][-1],
    ),
    "412 an old If-Match": (412, lambda api, users, pk: _stale_put(api, users.admin, pk)),
    "415 a body that is not JSON": (
        415,
        lambda api, users, pk: api(users.admin).put(
            f"/api/v1/customer/{pk}", data="name=X", content_type="text/plain"
        ),
    ),
    "422 FAB's schema validation": (
        422,
        lambda api, users, pk: api(users.admin).post("/api/v1/customer/", json={"name": 5}),
    ),
    "422 a service's rule": (
        422,
        lambda api, users, pk: api(users.admin).post(
            "/api/v1/customer/", json={"name": "Refused Co", "email": "not-an-email"}
        ),
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_each_refusal_has_the_error_body(
    app, api, acme_admin, acme_member, browser, customer, case
):
    status, provoke = REFUSALS[case]
    users = type(
        "Users",
        (),
        {
            "admin": acme_admin,
            "member": acme_member,
            "anonymous": app.test_client(),
            "browser": browser(acme_admin),
        },
    )
    response = provoke(api, users, customer)
    assert response.status_code == status, response.get_data(as_text=True)
    assert not _error_problems(_document(api, acme_admin), response), response.json


def test_fields_refused_by_the_framework_are_named_under_errors(app, api, acme_admin):
    r = api(acme_admin).post("/api/v1/customer/", json={"name": 5, "email": 7})
    assert r.status_code == 422
    assert {"name", "email"} <= set(r.json["errors"]), r.json
    assert all(isinstance(m, str) for texts in r.json["errors"].values() for m in texts)


def test_a_refusal_with_no_field_at_fault_has_empty_errors(app, api, acme_admin):
    r = api(acme_admin).get("/api/v1/customer/99999")
    assert r.status_code == 404 and r.json["errors"] == {}
    assert r.json["message"] == "There is no such page or record."


def test_a_request_too_large_is_413_with_the_error_body(app, api, acme_admin):
    app.config["MAX_CONTENT_LENGTH"], saved = 1024, app.config["MAX_CONTENT_LENGTH"]
    try:
        r = api(acme_admin).post("/api/v1/customer/", json={"name": "x" * 2048})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = saved
    assert r.status_code == 413
    assert not _error_problems(_document(api, acme_admin), r), r.json


def test_too_many_sign_ins_are_429_with_the_error_body(app, api, acme_admin):
    document = _document(api, acme_admin)
    limiter, saved = app.appbuilder.sm.limiter, app.config["AUTH_RATE_LIMIT"]
    app.config["AUTH_RATE_LIMIT"] = "2 per minute"
    limiter.reset()
    try:
        client = app.test_client()
        body = {"username": acme_admin.username, "password": PASSWORD, "provider": "db"}
        answers = [client.post("/api/v1/security/login", json=body) for _ in range(3)]
    finally:
        app.config["AUTH_RATE_LIMIT"] = saved
        limiter.reset()
    assert answers[-1].status_code == 429
    assert not _error_problems(document, answers[-1]), answers[-1].json
