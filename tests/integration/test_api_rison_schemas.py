"""The API's ``q`` argument is checked against FAB's schemas as before, with each schema
checked once per process (crm/web/rison_schemas.py)."""

import jsonschema
import prison
import pytest
from flask_appbuilder import api as fab_api
from flask_appbuilder.api.schemas import get_list_schema

from crm.web.rison_schemas import CheckedSchemas
from tests import factories


def test_fab_checks_the_q_argument_through_the_kept_validators(app):
    # Fails when FAB no longer validates through its module's ``jsonschema`` name.
    assert isinstance(fab_api.jsonschema, CheckedSchemas)


def test_a_q_against_the_schema_is_refused_with_jsonschemas_own_message(app, api, acme_admin):
    bad = {"page": "first", "page_size": 2}
    try:
        jsonschema.validate(instance=bad, schema=get_list_schema)
    except jsonschema.ValidationError as error:
        expected = str(error).split("\n", 1)[0]
    for _ in range(2):  # the first request checks the schema, the second uses it as kept
        response = api(acme_admin).get(f"/api/v1/customer/?q={prison.dumps(bad)}")
        assert response.status_code == 400
        assert response.json["message"] == f"Not a valid rison schema {expected}"


def test_a_valid_q_still_pages_the_list(app, api, acme_admin, acme):
    for name in ("Alpha", "Beta", "Gamma"):
        factories.customer(app, acme, name)
    q = prison.dumps({"order_column": "name", "order_direction": "desc", "page_size": 2})
    for _ in range(2):
        response = api(acme_admin).get(f"/api/v1/customer/?q={q}")
        assert response.status_code == 200, response.json
        assert [row["name"] for row in response.json["result"]] == ["Gamma", "Beta"]


def test_a_schema_that_is_itself_invalid_is_still_refused():
    with pytest.raises(jsonschema.SchemaError):
        CheckedSchemas().validate({}, {"type": "no-such-type"})
