"""One mapper from an HTTP error to its answer: JSON under /api/, a styled page elsewhere;
and the one JSON shape the API refuses with, for HTTP errors and service errors alike.

Werkzeug's bare pages ("Request Entity Too Large") and FAB's HTML 404s under /api/
both end here, so every refusal reads the same way on its surface.
"""

from urllib.parse import urlsplit

from flask import current_app, flash, g, jsonify, redirect, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, ServiceUnavailable

API_PREFIX = "/api/"

# A message in the user's language for the statuses the CRM refuses with.
MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You are not allowed to do this."),
    404: _l("There is no such page or record."),
    405: _l("This address does not accept that kind of request."),
    413: _l("The upload is larger than the %(limit)s allowed."),
    422: _l("The request could not be processed."),
    429: _l("Too many attempts in a short time. Wait a minute and try again."),
    503: _l("The database is busy with another change. Try again in a moment."),
}
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


def json_answer(status, message):
    """The API's refusal: ``{"message": ...}`` (text, or messages by field) with ``status``."""
    response = jsonify(message=message)
    response.status_code = status
    return response


def refusal(exc):
    """A service's CrmError as the API answers it."""
    return json_answer(exc.status, exc.as_json())


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


def install(app):
    app.register_error_handler(HTTPException, answer)
    app.register_error_handler(OperationalError, _operational_error)
