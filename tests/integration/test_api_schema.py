"""Schemathesis walks every operation of the served OpenAPI document as an Admin: whatever
it sends, the API answers without a server error (5xx), and every answer matches what the
document says of it (status, content type, headers, body schema; refusals the Error).

Each operation starts from a database holding one record of each kind (id 1, which the
derandomized examples try early), so what one deletes or changes never reaches the next;
examples are few, so runs repeat and stay short.
"""

from types import SimpleNamespace

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from crm.extensions import db
from crm.models import Tenant
from tests import factories
from tests.conftest import PASSWORD, empty_database, make_tenant, make_user

EXAMPLES_PER_OPERATION = 6
# Signing in again would change the credentials the walk itself uses.
SKIPPED_PATHS = "^/api/v1/security/"


def _signed_in_admin(app):
    user = make_user(app, make_tenant(app, "Acme Trading"), "Admin", "acme-admin")
    response = app.test_client().post(
        "/api/v1/security/login",
        json={"username": user.username, "password": PASSWORD, "provider": "db"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return {"Authorization": "Bearer " + response.json["access_token"]}


READS = {"GET", "HEAD", "OPTIONS"}


def _server_errors(app, operation, checks=(not_a_server_error,), seed=None, headers=None):
    """The failures Schemathesis finds for ``operation`` over a fresh database, or over the
    one ``headers`` signed in to when given (reads after reads change nothing to start over
    from)."""
    if headers is None:
        headers = _fresh(app, seed)

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def walk(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=list(checks), headers=headers)

    try:
        walk()
    except BaseExceptionGroup as exc:  # Schemathesis' failures, reported all together below
        return [f"{operation.label}: {str(exc)[:1500]}"]
    return []


def _fresh(app, seed):
    """An emptied and seeded database, and the signed-in Admin's headers."""
    empty_database(app)
    headers = _signed_in_admin(app)
    if seed is not None:
        seed(app)
    return headers


CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _records(app):
    """One record of each kind the actions work on, most of them id 1."""
    tenant = next(iter(_tenants(app)))
    customer = factories.customer(app, tenant, "Walked Co", credit_limit=1000)
    factories.company(app, tenant)
    factories.contact(app, tenant, customer)
    factories.deal(app, tenant, customer_id=customer)
    factories.lead(app, tenant)
    factories.task(app, tenant, customer_id=customer)
    factories.interaction(app, tenant, customer)
    factories.quote(app, tenant, customer)
    factories.draft_invoice(app, tenant, customer)
    factories.payment(app, tenant, customer, 10)
    factories.credit_note(app, tenant, customer, 5, status="draft")


def _documents(app):
    """The records above, and a quote and an issued invoice of a customer with terms."""
    _records(app)
    tenant = next(iter(_tenants(app)))
    customer = factories.buyer(app, tenant)
    factories.quote(app, tenant, customer)
    factories.draft_invoice(app, tenant, customer, issue=True)


def _tenants(app):
    with app.app_context():
        rows = db.session.execute(select(Tenant.id, Tenant.name)).all()
        db.session.remove()
    return [SimpleNamespace(id=row.id, name=row.name) for row in rows]


# The operations are walked in this many parts, so parallel test workers share the walk.
PARTS = 4


@pytest.mark.parametrize("part", range(PARTS))
def test_every_operation_answers_as_its_document_says(app, part):
    schema = schemathesis.openapi.from_wsgi("/api/v1/_openapi", app, headers=_signed_in_admin(app))
    operations = [
        result.ok() for result in schema.exclude(path_regex=SKIPPED_PATHS).get_all_operations()
    ]
    assert len(operations) > 150
    share = operations[part::PARTS]
    # Reads first, all over one seeded database: they change nothing, so only each write
    # needs a database of its own.
    share.sort(key=lambda operation: operation.method.upper() not in READS)
    failures, read_headers = [], None
    for operation in share:
        headers = None
        if operation.method.upper() in READS:
            read_headers = read_headers or _fresh(app, _documents)
            headers = read_headers
        failures += _server_errors(app, operation, CONFORMANCE, _documents, headers)
    assert not failures, "\n\n".join(failures)
