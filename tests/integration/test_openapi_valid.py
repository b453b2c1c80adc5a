"""The served OpenAPI document is valid OpenAPI 3 (what client generators read first)."""

from openapi_spec_validator import OpenAPIV30SpecValidator


def test_the_served_document_is_valid_openapi(app, api, acme_admin):
    document = api(acme_admin).get("/api/v1/_openapi").json
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in OpenAPIV30SpecValidator(document).iter_errors()
    ]
    assert not errors, "\n".join(errors[:30])
