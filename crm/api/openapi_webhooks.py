"""The webhooks' payloads in the OpenAPI document.

The document is OpenAPI 3.0 (apispec's, checked by a 3.0 validator), which has no
``webhooks`` section: each payload is a component (``WebhookEvent.<record>``) and
``x-webhooks`` lists the events in the shape OpenAPI 3.1's ``webhooks`` has.
"""

from crm.services.webhooks import EVENTS, RECORDS

REF = "#/components/schemas/"
HEADERS = {
    "X-Ledgerline-Event": "The event's name, e.g. customer.created.",
    "X-Ledgerline-Delivery": "This delivery's id (a UUID); a re-sent delivery has a new one.",
    "X-Ledgerline-Timestamp": "When this attempt was signed, in seconds since 1970 (UTC).",
    "X-Ledgerline-Signature": "sha256= and the hex HMAC-SHA256 of '<timestamp>.<body>' "
    "keyed with the endpoint's secret.",
}


def _envelope(prefix, data_ref):
    return {
        "type": "object",
        "required": ["id", "event", "occurred_at", "tenant", "data"],
        "properties": {
            "id": {
                "type": "string",
                "format": "uuid",
                "description": "The event's id: the same in every delivery of this event.",
            },
            "event": {"type": "string", "enum": [e for e in EVENTS if e.startswith(prefix)]},
            "occurred_at": {"type": "string", "format": "date-time"},
            "tenant": {
                "type": "object",
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            },
            "data": {
                "allOf": [{"$ref": data_ref}],
                "description": "The record as GET on the API shows it to an Admin; a "
                "deleted record as it was just before.",
            },
        },
    }


def describe_webhooks(document, apis):
    """Add the payload components and ``x-webhooks`` to ``document`` (in place)."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    shown = {api.datamodel.obj: f"{type(api).__name__}.get" for api in apis}
    webhooks = {}
    for model, prefix in RECORDS.items():
        data = shown.get(model)
        if data not in schemas:
            continue
        name = f"WebhookEvent.{prefix}"
        schemas[name] = _envelope(f"{prefix}.", REF + data)
        for event in (e for e in EVENTS if e.startswith(f"{prefix}.")):
            webhooks[event] = {
                "post": {
                    "summary": str(EVENTS[event]),
                    "parameters": [
                        {
                            "in": "header",
                            "name": header,
                            "required": True,
                            "description": text,
                            "schema": {"type": "string"},
                        }
                        for header, text in HEADERS.items()
                    ],
                    "requestBody": {
                        "content": {"application/json": {"schema": {"$ref": REF + name}}}
                    },
                    "responses": {"2XX": {"description": "Received; any other answer is retried."}},
                }
            }
    document["x-webhooks"] = webhooks
    return document
