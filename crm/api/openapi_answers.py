"""The answers of the OpenAPI document, corrected to what the API sends.

FAB's documented answers differ from its own and the CRM's in a few ways, the same for
every API, fixed here once:
- a 400 or 422 names the refused fields: ``message`` is a text or ``{field: [texts]}``;
- any request may be refused with a 400 (a NUL character, an unreadable ``q``, a body
  nested too deeply: crm.web.request_input), so every operation documents one;
- a record id in a path is a whole number from 0 to the largest id (others never route);
- a list's ``ids`` and an added record's ``id`` are integers, not texts;
- ``_info`` answers ``add_columns``/``edit_columns`` as lists of field descriptions.
"""

from sqlalchemy import Integer, inspect

from crm.models.base import MAX_ID

MESSAGE = {
    "anyOf": [
        {"type": "string"},
        {
            "type": "object",
            "description": "The refused fields, each with its messages.",
            "additionalProperties": {
                "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]
            },
        },
    ]
}
BAD_REQUEST = {"$ref": "#/components/responses/400"}
METHODS = ("get", "post", "put", "patch", "delete")


def describe_answers(document, apis):
    for code in ("400", "422"):
        response = document.get("components", {}).get("responses", {}).get(code)
        if response is not None:
            schema = response["content"]["application/json"]["schema"]
            schema["properties"]["message"] = MESSAGE
    integer_ids = {
        f"/api/{api.version}/{api.resource_name}/" for api in apis if _integer_id(api.datamodel.obj)
    }
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            operation.setdefault("responses", {}).setdefault("400", dict(BAD_REQUEST))
            for parameter in operation.get("parameters", []):
                _bound_record_id(parameter)
        properties = _json_schema(item.get("get", {}), "200").get("properties", {})
        if path in integer_ids and "ids" in properties:
            properties["ids"]["items"] = {"type": "integer"}
        added = _json_schema(item.get("post", {}), "201").get("properties", {})
        if path in integer_ids and "id" in added:
            added["id"] = {"type": "integer"}
        if path.endswith("/_info"):
            for key in ("add_columns", "edit_columns"):
                if key in properties:
                    properties[key] = {"type": "array", "items": {"type": "object"}}


def _json_schema(operation, code):
    answer = operation.get("responses", {}).get(code, {})
    return answer.get("content", {}).get("application/json", {}).get("schema", {})


def _integer_id(model):
    keys = inspect(model).primary_key
    return len(keys) == 1 and isinstance(keys[0].type, Integer)


def _bound_record_id(parameter):
    schema = parameter.get("schema", {})
    if parameter.get("in") == "path" and schema.get("type") == "integer":
        schema.setdefault("minimum", 0)
        schema.setdefault("maximum", MAX_ID)
