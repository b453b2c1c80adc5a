"""/api/<version>/_openapi, built once per process and then served from memory.

The document depends only on the code, plus the host it names as server and the
language of its texts, which key the cache; building it walks every API (seconds).
"""

from flask import request
from flask_appbuilder.api import BaseApi, expose, protect, safe
from flask_appbuilder.api.manager import OpenApi as FabOpenApi
from flask_babel import get_locale

MAX_DOCUMENTS = 32


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
        return spec.to_dict() if apis else None
