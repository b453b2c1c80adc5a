"""The schemas of the OpenAPI document for bodies that nest records, which FAB's
schemas (one per column list) cannot say: a sales order's or invoice's lines
(crm.api.priced_documents) and a payment's allocations (crm.api.payments).

Types come from the models' columns: money and rates are decimal strings (a figure
the caller may not see reads ``hidden``), dates ``YYYY-MM-DD``, related records ids.
"""

from sqlalchemy import Date, DateTime, Integer, Numeric, String, inspect

from crm.api.invoices import InvoiceApi
from crm.api.openapi_schema import DECIMAL_PATTERN, MASKED_DECIMAL_PATTERN
from crm.api.payments import PaymentApi
from crm.api.priced_documents import TOTAL_FIELDS, PricedDocumentApi
from crm.security.masking import MASKED_FIELDS
from crm.services.ledger.document_lines import LINE_FIELDS

REF = "#/components/schemas/"
LINE_INPUT = "DocumentLineInput"
LINE_READ = "DocumentLine"
LINE_ANSWER_FIELDS = ("net_amount", "tax_amount", "total")
LINES_NOTE = (
    "The document's lines, in order. On create they are the lines (none if left out); "
    "on change of a draft they replace every line (left out, the lines stay). "
    "A bad line is refused as lines.<index>.<field>, index from 0, and nothing is saved."
)
LINE_DEFAULTS = {
    "quantity": "Left out: 1.",
    "discount_rate": "Left out: the document's (a sales order's, or the customer's) rate.",
    "tax_rate": "Left out: 0.",
}
# Header fields the service fills in when left empty: the next number, the customer's
# currency, the due date from the payment term, no discount.
FILLED_WHEN_EMPTY = ("number", "currency", "due_date", "discount_rate")
ALLOCATIONS = {
    "type": "array",
    "description": "Invoices of the customer this payment pays, each with the amount.",
    "items": {
        "type": "object",
        "properties": {
            "invoice": {"type": "integer"},
            "amount": {"type": "string", "format": "decimal", "pattern": DECIMAL_PATTERN},
        },
        "required": ["invoice", "amount"],
        "additionalProperties": False,
    },
}
READ_ALLOCATIONS = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "invoice": {
                "type": "object",
                "properties": {"id": {"type": "integer"}, "number": {"type": "string"}},
            },
            "amount": {"type": "string", "format": "decimal", "pattern": MASKED_DECIMAL_PATTERN},
        },
    },
}


def describe_bodies(document, apis):
    """Replace, in place, the record schemas and answers of the APIs with nested bodies."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    paths = document.get("paths", {})
    for api in apis:
        if isinstance(api, PricedDocumentApi):
            _describe_document_api(schemas, paths, api)
        elif isinstance(api, PaymentApi):
            _describe_payment_api(schemas, paths, api)


def _describe_document_api(schemas, paths, api):
    model = api.datamodel.obj
    line_model = inspect(model).relationships["lines"].mapper.class_
    schemas[LINE_INPUT] = _line_input(line_model)
    schemas[LINE_READ] = _line_read(line_model)
    base = type(api).__name__
    for name in [n for n in schemas if n.startswith(f"{base}.get.")]:
        del schemas[name]  # FAB's nested records of the column-based read schema
    schemas[f"{base}.get"] = _document_read(model, api.read_fields)
    schemas[f"{base}.post"] = _document_body(model, api.header_fields, creating=True)
    schemas[f"{base}.put"] = _document_body(model, api.header_fields, creating=False)
    record = {"$ref": f"{REF}{base}.get"}
    collection = f"/api/{api.version}/{api.resource_name}/"
    _set_result(paths.get(collection, {}).get("post"), "201", record)
    _set_result(paths.get(collection + "{pk}", {}).get("put"), "200", record)
    for path, item in paths.items():
        if path.startswith(collection + "{pk}/"):
            for code in ("200", "201"):
                _set_result(item.get("post"), code, record, _result_of(path, record))


def _result_of(path, record):
    # An order's "invoice" action answers with the invoice it made.
    if path.endswith("/invoice"):
        return {"$ref": f"{REF}{InvoiceApi.__name__}.get"}
    return record


def _set_result(operation, code, record, result=None):
    if operation is None or code not in operation.get("responses", {}):
        return
    answer = operation["responses"][code]
    answer["content"] = {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"id": {"type": "integer"}, "result": result or record},
            }
        }
    }


def _describe_payment_api(schemas, paths, api):
    base = type(api).__name__
    post = schemas.get(f"{base}.post")
    if post is not None:
        post["properties"]["allocations"] = ALLOCATIONS
    read = schemas.get(f"{base}.get")
    if read is not None:
        read["properties"]["allocations"] = READ_ALLOCATIONS
        read["properties"]["unallocated"] = {
            "type": "string",
            "format": "decimal",
            "pattern": MASKED_DECIMAL_PATTERN,
        }
        record = {"$ref": f"{REF}{base}.get"}
        collection = f"/api/{api.version}/{api.resource_name}/"
        _set_result(paths.get(collection, {}).get("post"), "201", record)


def _column_schema(model, name, masked):
    column = inspect(model).columns[name]
    kind = column.type
    if isinstance(kind, Numeric):
        pattern = MASKED_DECIMAL_PATTERN if name in masked else DECIMAL_PATTERN
        schema = {"type": "string", "format": "decimal", "pattern": pattern}
    elif isinstance(kind, DateTime):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(kind, Date):
        schema = {"type": "string", "format": "date"}
    elif isinstance(kind, Integer):
        schema = {"type": "integer"}
    else:
        schema = {"type": "string"}
        if isinstance(kind, String) and kind.length:
            schema["maxLength"] = kind.length
    if column.nullable:
        schema["nullable"] = True
    return schema


def _field_schema(model, name, masked):
    if name in inspect(model).columns:
        return _column_schema(model, name, masked)
    # A figure computed from the columns (an invoice's amount due).
    pattern = MASKED_DECIMAL_PATTERN if name in masked else DECIMAL_PATTERN
    return {"type": "string", "format": "decimal", "pattern": pattern}


def _line_input(line_model):
    properties = {}
    for field in LINE_FIELDS:
        schema = _column_schema(line_model, field, {})
        schema.pop("nullable", None)
        if field in LINE_DEFAULTS:
            schema["description"] = LINE_DEFAULTS[field]
        properties[field] = schema
    return {
        "type": "object",
        "properties": properties,
        "required": ["description", "unit_price"],
    }


def _line_read(line_model):
    masked = MASKED_FIELDS.get(line_model.__name__, {})
    fields = ("id", "position", *LINE_FIELDS, *LINE_ANSWER_FIELDS)
    return {
        "type": "object",
        "properties": {field: _column_schema(line_model, field, masked) for field in fields},
        "required": list(fields),
    }


def _document_read(model, read_fields):
    masked = MASKED_FIELDS.get(model.__name__, {})
    properties = {
        field: _field_schema(model, field, masked) for field in (*read_fields, *TOTAL_FIELDS)
    }
    properties["customer"] = {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        "required": ["id", "name"],
    }
    properties["payment_term"] = {
        "type": "object",
        "nullable": True,
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "days": {"type": "integer"},
        },
        "required": ["id", "name", "days"],
    }
    properties["lines"] = {"type": "array", "items": {"$ref": REF + LINE_READ}}
    return {"type": "object", "properties": properties, "required": sorted(properties)}


def _document_body(model, header_fields, creating):
    relationships = inspect(model).relationships
    properties = {}
    for field in header_fields:
        if field in relationships:
            nullable = any(c.nullable for c in relationships[field].local_columns)
            properties[field] = {"type": "integer", **({"nullable": True} if nullable else {})}
        else:
            schema = _column_schema(model, field, {})
            if field in FILLED_WHEN_EMPTY:
                schema["nullable"] = True
            properties[field] = schema
    properties["lines"] = {
        "type": "array",
        "items": {"$ref": REF + LINE_INPUT},
        "description": LINES_NOTE,
    }
    body = {"type": "object", "properties": properties, "additionalProperties": False}
    if creating:
        body["required"] = ["customer"]
    return body
