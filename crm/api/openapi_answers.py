"""The answers of the OpenAPI document, corrected to what the API sends.

FAB's documented answers differ from its own and the CRM's in a few ways, the same for
every API, fixed here once:
- every refusal (4xx, 5xx) has one body, the ``Error`` schema (crm.web.errors), and each
  operation declares the refusals it can answer with (``REFUSALS`` below);
- a record id in a path is a whole number from 0 to the largest id (others never route);
- a list's ``ids`` and an added record's ``id`` are integers, not texts;
- ``_info`` answers ``add_columns``/``edit_columns`` as lists of field descriptions;
- ``<Api>.record`` is the answer of an action that returns its record as it now reads;
- FAB's menu separates groups of items with the text ``"-"``, not an object.
"""

import re

from sqlalchemy import Integer, inspect

from crm.models.base import MAX_ID, is_versioned

ERROR = {
    "type": "object",
    "description": (
        "Every refusal of the API (4xx, 5xx), unknown /api/ addresses (404) and methods "
        "(405) included: a sentence to show, and the messages by field (`_schema` for "
        "the body as a whole; nested fields as `lines.0.quantity`), `{}` when no field is "
        "at fault. Some refusals add figures the client acts on (a credit refusal's limit)."
    ),
    "required": ["message", "errors"],
    "properties": {
        "message": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}
DESCRIPTIONS = {
    "400": "The request could not be understood",
    "401": "No valid access token or session",
    "403": "The caller's role may not do this",
    "404": "No such record for this tenant",
    "405": "Method not allowed",
    "409": "The record's state or a concurrent change refuses it",
    "412": "If-Match no longer matches: the record was changed meanwhile",
    "413": "The body is larger than allowed",
    "415": "The body is not JSON",
    "422": "Fields are not valid; errors names them",
    "429": "Too many attempts; wait and try again",
    "500": "Server error",
    "503": "The database is busy with another change; try again after Retry-After seconds",
}
# Which refusals an operation declares, by what it is: (applies to, codes).
REFUSALS = (
    (lambda o: True, ("400", "500")),
    (lambda o: not o.public, ("401", "403")),
    (lambda o: o.path_has_id, ("404",)),
    (lambda o: o.has_body, ("413", "422")),
    (lambda o: o.writes, ("503",)),
    (lambda o: o.model_write, ("415",)),
    (lambda o: o.method == "delete" and o.api is not None, ("409",)),
    (lambda o: o.method == "put" and o.versioned, ("409", "412")),
    (lambda o: o.path.endswith("/security/login"), ("429",)),
)
PUBLIC_PATHS = re.compile(r"/security/(login|refresh)$")
RECORD_PATH = re.compile(r"^(?P<base>/api/[^/]+/[^/]+/)\{pk\}$")
METHODS = ("get", "post", "put", "patch", "delete")
MENU_PATH = "/api/v1/menu/"
MENU_CHILD = {
    "anyOf": [
        {"type": "object"},
        {"type": "string", "enum": ["-"], "description": "A separator between groups"},
    ]
}


class Operation:
    """What the refusal rules ask of one operation of the document."""

    def __init__(self, path, method, operation, apis_by_base):
        self.path, self.method = path, method
        record = RECORD_PATH.match(path)
        base = record.group("base") if record else path
        self.api = apis_by_base.get(base)
        self.public = bool(PUBLIC_PATHS.search(path))
        self.path_has_id = "{" in path and not path.endswith("/{version}/_openapi")
        self.has_body = "requestBody" in operation
        self.writes = method in ("post", "put", "patch", "delete")
        self.model_write = self.api is not None and (
            (method == "post" and record is None) or (method == "put" and record is not None)
        )
        self.versioned = (
            record is not None and self.api is not None and is_versioned(self.api.datamodel.obj)
        )


def describe_answers(document, apis):
    components = document.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = ERROR
    responses = components.setdefault("responses", {})
    for code, description in DESCRIPTIONS.items():
        responses[code] = _error_answer(description)
    responses["503"]["headers"] = {
        "Retry-After": {
            "description": "Seconds to wait before sending the change again",
            "schema": {"type": "integer"},
        }
    }
    apis_by_base = {f"/api/{api.version}/{api.resource_name}/": api for api in apis}
    for api in apis:
        responses[f"{type(api).__name__}.record"] = _record_answer(type(api).__name__)
    integer_ids = {base for base, api in apis_by_base.items() if _integer_id(api.datamodel.obj)}
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            _declare_refusals(operation, Operation(path, method, operation, apis_by_base))
            for parameter in operation.get("parameters", []):
                _bound_record_id(parameter)
        properties = _json_schema(item.get("get", {}), "200").get("properties", {})
        if path in integer_ids and "ids" in properties:
            properties["ids"]["items"] = {"type": "integer"}
        added = _json_schema(item.get("post", {}), "201").get("properties", {})
        if path in integer_ids and "id" in added:
            added["id"] = {"type": "integer"}
        if path == MENU_PATH:
            menu = properties.get("result", {}).get("items", {}).get("properties", {})
            if "childs" in menu:
                menu["childs"]["items"] = MENU_CHILD
        if path.endswith("/_info"):
            for key in ("add_columns", "edit_columns"):
                if key in properties:
                    properties[key] = {"type": "array", "items": {"type": "object"}}


def _error_answer(description):
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


def _record_answer(api_name):
    return {
        "description": "The record as it now reads",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "result": {"$ref": f"#/components/schemas/{api_name}.get"},
                    },
                }
            }
        },
    }


def _declare_refusals(operation, described):
    answers = operation.setdefault("responses", {})
    for applies, codes in REFUSALS:
        if applies(described):
            for code in codes:
                answers.setdefault(code, {"$ref": f"#/components/responses/{code}"})
    for code, answer in answers.items():
        # A refusal an endpoint describes in its own words still has the one body.
        if str(code).isdigit() and int(code) >= 400 and "$ref" not in answer:
            answer["content"] = {"application/json": {"schema": ERROR_REF}}


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
