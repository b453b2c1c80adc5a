"""Schemathesis walks every operation of the served OpenAPI document as an Admin: whatever
it sends, the API answers without a server error (5xx).

Each operation starts from an emptied database, so what one deletes or changes never
reaches the next; examples are derandomized and few, so runs repeat and stay short.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error

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


def _server_errors(app, operation):
    """The failures Schemathesis finds for ``operation`` over a fresh database."""
    empty_database(app)
    headers = _signed_in_admin(app)

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
        case.validate_response(response, checks=[not_a_server_error], headers=headers)

    try:
        walk()
    except BaseExceptionGroup as exc:  # Schemathesis' failures, reported all together below
        return [f"{operation.label}: {str(exc)[:1500]}"]
    return []


# The operations are walked in this many parts, so parallel test workers share the walk.
PARTS = 4


@pytest.mark.parametrize("part", range(PARTS))
def test_no_operation_answers_with_a_server_error(app, part):
    schema = schemathesis.openapi.from_wsgi("/api/v1/_openapi", app, headers=_signed_in_admin(app))
    operations = [
        result.ok() for result in schema.exclude(path_regex=SKIPPED_PATHS).get_all_operations()
    ]
    assert len(operations) > 150
    share = operations[part::PARTS]
    failures = [f for operation in share for f in _server_errors(app, operation)]
    assert not failures, "\n\n".join(failures)
