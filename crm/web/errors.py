"""One mapper from an HTTP error to its answer: JSON under /api/, a styled page elsewhere;
and the one JSON shape the API refuses with, ``{"message": sentence, "errors": {field:
[texts]}}``, for HTTP errors, service errors and the frameworks' own answers alike.

Werkzeug's bare pages ("Request Entity Too Large") and FAB's HTML 404s under /api/
both end here; FAB's and the JWT extension's JSON refusals are reshaped on their way out.
"""

import json
from urllib.parse import urlsplit

from flask import current_app, flash, g, jsonify, redirect, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, ServiceUnavailable
from werkzeug.http import HTTP_STATUS_CODES

API_PREFIX = "/api/"

# A message in the user's language for the statuses the CRM refuses with.
MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Sign in first: send a valid access token or session cookie."),
    403: _l("You are not allowed to do this."),
    404: _l("There is no such page or record."),
    405: _l("This address does not accept that kind of request."),
    413: _l("The upload is larger than the %(limit)s allowed."),
    415: _l("Send the body as JSON (Content-Type: application/json)."),
    422: _l("The request could not be processed."),
    429: _l("Too many attempts in a short time. Wait a minute and try again."),
    500: _l("Something went wrong on the server. Try again later."),
    503: _l("The database is busy with another change. Try again in a moment."),
}
# FAB's fixed English answers (flask_appbuilder.api.BaseApi.response_4xx), said in the
# user's language instead.
FRAMEWORK_TEXTS = frozenset(
    {
        "Arguments are not correct",
        "Could not process entity",
        "Not authorized",
        "Forbidden",
        "Not found",
        "Internal error",
        "Fatal error",
    }
)
# Why an access token was refused (by the JWT extension, which would answer {"msg": ...}).
TOKEN_EXPIRED = _l("The access token has expired: refresh it or sign in again.")
TOKEN_INVALID = _l("The access token is not valid: sign in again.")
# The field the messages about the whole body are filed under (marshmallow's name).
WHOLE_BODY = "_schema"
# Seconds a client is asked to wait before sending a refused change again.
BUSY_RETRY_AFTER = 5


def _size(limit):
    if limit >= 1024 * 1024:
        return f"{round(limit / (1024 * 1024), 1):g} MB"
    return f"{round(limit / 1024, 1):g} KB"


def message_for(error):
    """The error's own description when a check wrote one, else the status's message."""
    if error.code == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        return str(MESSAGES[413]) % {"limit": _size(limit)}
    if error.code == 429:  # the limiter's description is its rule ("20 per 1 minute")
        return str(MESSAGES[429])
    default = type(error).description
    if error.description and error.description != default:
        return str(error.description)
    return str(MESSAGES.get(error.code, error.name))


def error_fields(messages, prefix=""):
    """Messages by field, as marshmallow nests them (by field, by list index), flattened
    to ``{"lines.0.quantity": [texts]}``; messages not naming a field go under ``_schema``."""
    if isinstance(messages, dict):
        fields = {}
        for key, value in messages.items():
            fields.update(error_fields(value, f"{prefix}.{key}" if prefix else str(key)))
        return fields
    if isinstance(messages, (list, tuple)):
        fields = {}
        texts = []
        for item in messages:
            if isinstance(item, (dict, list, tuple)):
                fields.update(error_fields(item, prefix))
            else:
                texts.append(str(item))
        if texts:
            fields.setdefault(prefix or WHOLE_BODY, []).extend(texts)
        return fields
    return {prefix or WHOLE_BODY: [str(messages)]}


def error_body(status, message=None, errors=None):
    """The API's one refusal body. ``message`` may also be messages by field (FAB's
    and marshmallow's way): they become ``errors`` and the status's sentence is said."""
    fields = error_fields(errors) if errors else {}
    if isinstance(message, (dict, list, tuple)):
        fields = {**error_fields(message), **fields}
        message = None
    if message is None or str(message) in FRAMEWORK_TEXTS or not str(message).strip():
        message = MESSAGES.get(status, HTTP_STATUS_CODES.get(status, ""))
    return {"message": str(message), "errors": fields}


def json_answer(status, message=None, errors=None, **extra):
    """The API's refusal with ``status``: ``{"message": sentence, "errors": {field:
    [texts]}}`` and any ``extra`` figures the client acts on."""
    response = jsonify({**extra, **error_body(status, message, errors)})
    response.status_code = status
    return response


def refusal(exc, **extra):
    """A service's CrmError as the API answers it."""
    return json_answer(exc.status, exc.message, exc.errors, **extra)


def is_api_request():
    return request.path.startswith(API_PREFIX)


def _same_site_referrer():
    """The page the request came from when it is one of this site's, else None."""
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    return referrer if parts.netloc == request.host and parts.scheme in ("http", "https") else None


def answer(error):
    if error.code is None or error.code < 400 or error.code == 401 and not is_api_request():
        return error
    message = message_for(error)
    back = _same_site_referrer() if error.code == 413 and not is_api_request() else None
    if back:
        # An upload too large for the server: back to the form it came from, with the reason.
        flash(message, "danger")
        return redirect(back)
    if is_api_request():
        response = json_answer(error.code, message)
    else:
        appbuilder = current_app.appbuilder
        if "user" not in g:
            # Refused before FAB's own before_request (CSRF, request_input): the navbar needs it.
            g.user = current_user
        response = current_app.make_response(
            render_template(
                "crm/error.html",
                base_template=appbuilder.base_template,
                appbuilder=appbuilder,
                code=error.code,
                message=message,
            )
        )
    response.status_code = error.code
    for name, value in error.get_headers():
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    return response


def database_busy(exc):
    """SQLite's refusal when another writer (a large import's chunk, say) held the database
    for longer than CRM_SQLITE_BUSY_TIMEOUT: nothing was written, the change can be sent
    again."""
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


def busy():
    """The answer to a change refused because the database was busy: 503 with Retry-After."""
    error = ServiceUnavailable(retry_after=BUSY_RETRY_AFTER)
    error.description = str(MESSAGES[503])
    return answer(error)


def _operational_error(exc):
    if not database_busy(exc):
        raise exc
    return busy()


def _is_error_body(body):
    return (
        isinstance(body, dict)
        and isinstance(body.get("message"), str)
        and isinstance(body.get("errors"), dict)
        and all(
            isinstance(texts, list) and all(isinstance(t, str) for t in texts)
            for texts in body["errors"].values()
        )
    )


def reshape_api_refusal(response):
    """Every refusal under /api/ leaves in the one shape: FAB's ``response_4xx`` (a text
    or messages by field under ``message``), the JWT extension's ``{"msg": ...}`` and any
    body that is not JSON at all are reshaped here, their other keys kept."""
    if response.status_code < 400 or not is_api_request() or response.direct_passthrough:
        return response
    body = response.get_json(silent=True) if response.is_json else None
    if _is_error_body(body):
        return response
    extra = dict(body) if isinstance(body, dict) else {}
    message = extra.pop("message", None)
    if message is None:
        message = extra.pop("msg", None)
    extra.pop("errors", None)
    response.set_data(json.dumps({**extra, **error_body(response.status_code, message)}))
    response.mimetype = "application/json"
    return response


def answer_token_refusals(jwt_manager):
    """A missing, expired, forged or unreadable access token is a 401 (the JWT extension
    answers some of them with 422)."""
    jwt_manager.unauthorized_loader(lambda _reason: json_answer(401))
    jwt_manager.expired_token_loader(lambda _header, _data: json_answer(401, TOKEN_EXPIRED))
    jwt_manager.invalid_token_loader(lambda _reason: json_answer(401, TOKEN_INVALID))
    jwt_manager.revoked_token_loader(lambda _header, _data: json_answer(401, TOKEN_INVALID))
    jwt_manager.user_lookup_error_loader(lambda _header, _data: json_answer(401, TOKEN_INVALID))
    jwt_manager.token_verification_failed_loader(
        lambda _header, _data: json_answer(401, TOKEN_INVALID)
    )


def install(app):
    app.register_error_handler(HTTPException, answer)
    app.after_request(reshape_api_refusal)
    answer_token_refusals(app.extensions["flask-jwt-extended"])
    app.register_error_handler(OperationalError, _operational_error)
