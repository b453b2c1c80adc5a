"""What the OpenAPI document says matches what the API does, and docs/openapi.json is
the document as served."""

import json
import re
from pathlib import Path

from jsonschema import Draft4Validator

from crm.api.openapi import document_text
from tests import factories

COPY = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
REGENERATE = ".venv/bin/python tools/openapi_document.py --output docs/openapi.json"


def _document(api, user):
    response = api(user).get("/api/v1/_openapi")
    assert response.status_code == 200
    return response.json


def test_docs_openapi_json_is_the_served_document(app, api, acme_admin):
    served = _document(api, acme_admin)
    committed = json.loads(COPY.read_text(encoding="utf-8"))
    assert document_text(served) == document_text(committed), (
        f"docs/openapi.json differs from the served document; regenerate it: {REGENERATE}"
    )
    assert served["servers"] == [{"url": "/"}]


def _validate(document, name, record):
    """The errors of ``record`` against the schema ``name``, ``nullable`` read as client
    generators and Schemathesis read it (null or the schema, ``allOf`` included)."""
    schema = _nullable(
        {**document["components"]["schemas"][name], "components": document["components"]}
    )
    errors = Draft4Validator(schema).iter_errors(record)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]


def _nullable(node):
    if isinstance(node, list):
        return [_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _nullable(value) for key, value in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def test_a_customer_with_no_relations_and_money_as_strings_matches_its_schema(
    app, api, acme, acme_admin
):
    pk = factories.customer(app, acme, "Bare Co", credit_limit=2500)
    document = _document(api, acme_admin)
    record = api(acme_admin).get(f"/api/v1/customer/{pk}").json["result"]
    assert record["company"] is None and record["payment_term"] is None
    assert record["credit_limit"] == "2500.00" and record["balance"] == "0.00"
    # FAB's own schema refused both: a null relation and a string for a number.
    assert not _validate(document, "CustomerApi.get", record)
    properties = document["components"]["schemas"]["CustomerApi.get"]["properties"]
    assert properties["company"] == {
        "allOf": [{"$ref": "#/components/schemas/CustomerApi.get.Company"}],
        "nullable": True,
    }
    assert properties["balance"]["type"] == "string"
    assert properties["balance"]["format"] == "decimal"


def test_masked_figures_match_the_schema_too(app, api, acme, acme_member):
    pk = factories.customer(app, acme, "Hidden Co", credit_limit=2500)
    document = _document(api, acme_member)
    record = api(acme_member).get(f"/api/v1/customer/{pk}").json["result"]
    assert record["balance"] == record["credit_limit"] == "hidden"
    assert not _validate(document, "CustomerApi.get", record)
    pattern = document["components"]["schemas"]["CustomerApi.get"]["properties"]
    assert not re.match(pattern["discount_rate"]["pattern"], "hidden")


def test_request_bodies_name_related_records_by_id_and_take_decimal_strings(app, api, acme_admin):
    schemas = _document(api, acme_admin)["components"]["schemas"]
    post = schemas["CustomerApi.post"]["properties"]
    assert post["company"] == {"type": "integer", "nullable": True}
    # a customer's tags by id or by name (crm.api.customers.CustomerApi.request_fields)
    for body in ("CustomerApi.post", "CustomerApi.put"):
        tags = schemas[body]["properties"]["tags"]
        assert tags["items"]["oneOf"] == [{"type": "integer"}, {"type": "string", "maxLength": 60}]
    assert schemas["ContactApi.post"]["properties"]["customer"]["type"] == "integer"
    assert post["discount_rate"]["type"] == "string"
    assert re.match(post["discount_rate"]["pattern"], "12.50")
    assert schemas["DealApi.get"]["properties"]["value"]["format"] == "decimal"


def test_list_operations_declare_plain_paging_and_ordering_parameters(app, api, acme_admin):
    paths = _document(api, acme_admin)["paths"]
    for path in ("/api/v1/customer/", "/api/v1/company/", "/api/v1/contact/", "/api/v1/deal/"):
        names = [p["name"] for p in paths[path]["get"]["parameters"]]
        assert {"q", "page", "page_size", "order_column", "order_direction"} <= set(names), path


def test_records_and_lists_of_the_main_apis_match_their_schemas(app, api, acme, acme_admin):
    customer = factories.customer(app, acme, "Listed Co", credit_limit=100)
    made = {
        "customer": customer,
        "company": factories.company(app, acme),
        "contact": factories.contact(app, acme, customer),
        "deal": factories.deal(app, acme, customer_id=customer),
    }
    document = _document(api, acme_admin)
    client = api(acme_admin)
    for resource, pk in made.items():
        name = resource.capitalize() + "Api"
        record = client.get(f"/api/v1/{resource}/{pk}").json["result"]
        assert not _validate(document, f"{name}.get", record), resource
        listing = client.get(f"/api/v1/{resource}/?page_size=5").json
        assert pk in listing["ids"], resource
        for row in listing["result"]:
            assert not _validate(document, f"{name}.get_list", row), resource


def test_sales_orders_and_invoices_match_their_schemas_with_lines_nested(
    app, api, acme, acme_admin, acme_member
):
    customer = factories.buyer(app, acme)
    made = {
        "sales_order": ("SalesOrderApi", factories.quote(app, acme, customer)),
        "invoice": ("InvoiceApi", factories.draft_invoice(app, acme, customer, issue=True)),
    }
    for user in (acme_admin, acme_member):
        document = _document(api, user)
        for resource, (name, pk) in made.items():
            record = api(user).get(f"/api/v1/{resource}/{pk}").json["result"]
            assert record["lines"] and record["customer"]["id"] == customer, resource
            assert not _validate(document, f"{name}.get", record), (resource, user)
            for row in api(user).get(f"/api/v1/{resource}/").json["result"]:
                assert not _validate(document, f"{name}.get_list", row), (resource, user)


def test_document_bodies_declare_the_customer_and_the_lines(app, api, acme_admin):
    document = _document(api, acme_admin)
    schemas = document["components"]["schemas"]
    for name in ("SalesOrderApi", "InvoiceApi"):
        post, put = schemas[f"{name}.post"], schemas[f"{name}.put"]
        assert post["required"] == ["customer"] and "required" not in put
        assert post["properties"]["customer"] == {"type": "integer"}
        lines = post["properties"]["lines"]
        assert lines["items"] == {"$ref": "#/components/schemas/DocumentLineInput"}
        assert put["properties"]["lines"] == lines
    line = schemas["DocumentLineInput"]
    assert line["required"] == ["description", "unit_price"]
    assert {line["properties"][f]["format"] for f in ("quantity", "unit_price", "tax_rate")} == {
        "decimal"
    }
    paths = document["paths"]
    created = paths["/api/v1/invoice/"]["post"]["responses"]["201"]
    result = created["content"]["application/json"]["schema"]["properties"]["result"]
    assert result == {"$ref": "#/components/schemas/InvoiceApi.get"}
    made = paths["/api/v1/sales_order/{pk}/invoice"]["post"]["responses"]["201"]
    assert made["content"]["application/json"]["schema"]["properties"]["result"] == result


def test_a_list_query_is_declared_as_text_a_client_can_send(app, api, acme, acme_admin):
    factories.company(app, acme, "Northwind")
    factories.company(app, acme, "Southwind")
    operation = _document(api, acme_admin)["paths"]["/api/v1/company/"]["get"]
    q = next(p for p in operation["parameters"] if p["name"] == "q")
    assert q["schema"] == {"type": "string"} and "content" not in q
    listing = (
        api(acme_admin).get("/api/v1/company/?q=(filters:!((col:name,opr:sw,value:North)))").json
    )
    assert [row["name"] for row in listing["result"]] == ["Northwind"]
