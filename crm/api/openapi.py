"""/api/<version>/_openapi, built once per process and then served from memory.

The document depends only on the code (its record schemas corrected from the models,
crm.api.openapi_schema) and the language of its texts, which keys the cache with the
host asked; building it walks every API (seconds). docs/openapi.json is a copy
(``flask crm openapi --output docs/openapi.json``).
"""

import json

from flask import current_app, request
from flask_appbuilder.api import BaseApi, ModelRestApi, expose, protect, safe
from flask_appbuilder.api.manager import OpenApi as FabOpenApi
from flask_babel import get_locale

from crm.api import list_args
from crm.api.openapi_answers import describe_answers
from crm.api.openapi_bodies import describe_bodies
from crm.api.openapi_schema import describe_models
from crm.api.openapi_webhooks import describe_webhooks

MAX_DOCUMENTS = 32
QUERY_NOTE = (
    "An object as %s, written as Rison or JSON, e.g. "
    "(filters:!((col:name,opr:sw,value:Ac)),page:0,page_size:25)."
)


class OpenApi(FabOpenApi):
    """FAB's OpenAPI endpoint (same name, so the same permission), with a cache."""

    def __init__(self):
        super().__init__()
        self.documents = {}

    @expose("/<version>/_openapi")
    @protect()
    @safe
    def get(self, version):
        """The OpenAPI document of one API version.
        ---
        get:
          parameters:
          - {in: path, name: version, schema: {type: string}}
          responses:
            200: {description: The OpenAPI document, content: {application/json: {schema: {type: object}}}}
            404: {$ref: '#/components/responses/404'}
        """
        key = (version, request.host_url, str(get_locale()))
        if key not in self.documents:
            # The version and the Host header are the client's to choose: the cache keeps
            # at most MAX_DOCUMENTS documents (a real server has a handful).
            if len(self.documents) >= MAX_DOCUMENTS:
                self.documents.clear()
            self.documents[key] = self._build(version)
        document = self.documents[key]
        if document is None:
            return self.response_404()
        return self.response(200, **document)

    def _build(self, version):
        spec = self._create_api_spec(version)
        apis = [
            view
            for view in self.appbuilder.baseviews
            if isinstance(view, BaseApi) and view.version == version
        ]
        for api in apis:
            api.add_api_spec(spec)
        if not apis:
            return None
        document = spec.to_dict()
        model_apis = [api for api in apis if isinstance(api, ModelRestApi)]
        describe_models(document, model_apis)
        describe_answers(document, model_apis)
        describe_bodies(document, model_apis)
        describe_webhooks(document, model_apis)
        _declare_plain_list_parameters(document)
        _declare_query_as_text(document)
        if "FAB_OPENAPI_SERVERS" not in current_app.config:
            # Paths are absolute: the document names no host, whoever asked for it.
            document["servers"] = [{"url": "/"}]
        return document


def _declare_plain_list_parameters(document):
    """Every list operation (the ones taking FAB's Rison ``q``) also takes the plain
    parameters of crm.api.list_args."""
    for path in document.get("paths", {}).values():
        operation = path.get("get", {})
        names = {parameter.get("name") for parameter in operation.get("parameters", [])}
        if _takes_list_rison(operation) and "page" not in names:
            operation["parameters"].extend(dict(p) for p in list_args.PARAMETERS)


def _declare_query_as_text(document):
    """``q`` is sent as text (Rison, or JSON), not as a JSON document: declared as one,
    client generators leave it out, and with it the only way to filter a list."""
    for path in document.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("name") != "q" or parameter.get("in") != "query":
                    continue
                schema = parameter.pop("content", {}).get("application/json", {}).get("schema")
                if schema is None:
                    continue
                parameter["schema"] = {"type": "string"}
                parameter["description"] = QUERY_NOTE % schema.get("$ref", "")


def _takes_list_rison(operation):
    for parameter in operation.get("parameters", []):
        if parameter.get("name") == "q" and parameter.get("in") == "query":
            schema = parameter.get("content", {}).get("application/json", {}).get("schema", {})
            return schema.get("$ref", "").endswith("/get_list_schema")
    return False


def served_document(app, version="v1"):
    """The document ``GET /api/<version>/_openapi`` serves, in English (docs/openapi.json)."""
    endpoint = next(view for view in app.appbuilder.baseviews if isinstance(view, OpenApi))
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        return endpoint._build(version)


def document_text(document):
    """The document as docs/openapi.json holds it."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
