"""The record schemas of the OpenAPI document, corrected from the models.

FAB derives the schemas from marshmallow fields, which say less than the models know:
- a relation whose foreign key is nullable comes back ``null``: its ``$ref`` is made
  nullable (``allOf`` + ``nullable``, as OpenAPI 3.0 allows);
- a relation in a request body is the related record's id (a list of ids for a
  many-to-many), not "anything";
- a Numeric column (money, rates) is sent as a decimal string ("2500.00"); a figure the
  caller may not see reads ``hidden`` (crm.security.masking). Request bodies take decimal
  strings (numbers are still accepted, but strings are what is documented);
- a create body takes the objects an API names in ``post_parts`` besides the record;
- a request body field an API reads its own way is as its ``request_fields`` describes.
"""

from sqlalchemy import Float, Integer, Numeric, inspect

from crm.security.masking import HIDDEN, MASKED_FIELDS

DECIMAL_PATTERN = r"^-?\d+(\.\d+)?$"
MASKED_DECIMAL_PATTERN = rf"^(-?\d+(\.\d+)?|{HIDDEN})$"

# The schemas FAB names after each model API: "<ApiClass>.<suffix>"; nested records'
# schemas are named "<parent schema>.<Model>" and found by following the references.
RESPONSE_SUFFIXES = ("get", "get_list")
REQUEST_SUFFIXES = ("post", "put")
REF_PREFIX = "#/components/schemas/"
MASKED_NOTE = (
    f"Reads {HIDDEN} for a caller who may not see this figure; such a caller may not set it."
)


def describe_models(document, apis):
    """Correct, in place, the record schemas of ``document`` for the model ``apis``."""
    schemas = document.get("components", {}).get("schemas", {})
    for api in apis:
        datamodel = getattr(api, "datamodel", None)
        if datamodel is None:
            continue
        base = type(api).__name__
        for suffix in RESPONSE_SUFFIXES:
            _describe_response(schemas, f"{base}.{suffix}", datamodel.obj, set())
        for suffix in REQUEST_SUFFIXES:
            if f"{base}.{suffix}" in schemas:
                _describe_request(schemas[f"{base}.{suffix}"], datamodel.obj)
                # Fields the API reads its own way (a customer's tags by id or by name).
                fields = getattr(api, "request_fields", None) or {}
                properties = schemas[f"{base}.{suffix}"].get("properties", {})
                properties.update({k: v for k, v in fields.items() if k in properties})
        # Objects a create takes besides the record's own fields (a customer's contact).
        parts = getattr(api, "post_parts", None)
        if parts and f"{base}.post" in schemas:
            schemas[f"{base}.post"].setdefault("properties", {}).update(parts)
    return document


def _numeric(mapper, name):
    attr = mapper.column_attrs.get(name)
    if attr is None:
        return None
    column = attr.columns[0]
    if isinstance(column.type, Numeric) and not isinstance(column.type, Float):
        return column
    return None


def _decimal(column, pattern, nullable):
    scale = getattr(column.type, "scale", None) or 2
    described = {
        "type": "string",
        "format": "decimal",
        "pattern": pattern,
        "example": "0." + "0" * scale,
    }
    if nullable:
        described["nullable"] = True
    return described


def _nullable_relation(rel):
    """A single related record that may be missing: a many-to-one relation whose foreign
    key may be empty, or the other side of a one-to-one."""
    if rel.uselist:
        return False
    if rel.direction.name != "MANYTOONE":
        return True
    return any(column.nullable for column in rel.local_columns)


def _describe_response(schemas, name, model, seen):
    schema = schemas.get(name)
    if schema is None or name in seen:
        return
    seen.add(name)
    mapper = inspect(model)
    masked = MASKED_FIELDS.get(model.__name__, {})
    properties = schema.get("properties", {})
    for key, spec in list(properties.items()):
        column = _numeric(mapper, key)
        if column is not None:
            pattern = MASKED_DECIMAL_PATTERN if key in masked else DECIMAL_PATTERN
            properties[key] = _decimal(column, pattern, column.nullable)
            continue
        rel = mapper.relationships.get(key)
        if rel is None:
            continue
        ref = spec.get("$ref") or spec.get("items", {}).get("$ref")
        if ref and ref.startswith(REF_PREFIX):
            _describe_response(schemas, ref[len(REF_PREFIX) :], rel.mapper.class_, seen)
        if "$ref" in spec and _nullable_relation(rel):
            properties[key] = {"allOf": [{"$ref": spec["$ref"]}], "nullable": True}


def _id_type(mapper):
    keys = mapper.primary_key
    if len(keys) == 1 and isinstance(keys[0].type, Integer):
        return {"type": "integer"}
    return {}


def _describe_request(schema, model):
    mapper = inspect(model)
    masked = MASKED_FIELDS.get(model.__name__, {})
    properties = schema.get("properties", {})
    for key in list(properties):
        column = _numeric(mapper, key)
        if column is not None:
            properties[key] = _decimal(column, DECIMAL_PATTERN, column.nullable)
            if key in masked:
                # FAB answers an add or edit with the record in this schema: masked there.
                properties[key]["pattern"] = MASKED_DECIMAL_PATTERN
                properties[key]["description"] = MASKED_NOTE
            continue
        rel = mapper.relationships.get(key)
        if rel is None:
            continue
        id_type = _id_type(rel.mapper)
        if rel.uselist:
            properties[key] = {"type": "array", "items": id_type}
        else:
            properties[key] = {**id_type, "nullable": True} if _nullable_relation(rel) else id_type
