"""CSRF on the REST API: a write the browser's session cookie authenticates must carry
the page's CSRF token (X-CSRFToken or X-CSRF-Token); a bearer token needs none.

FAB exempts its API blueprints from CSRFProtect, since it expects JWTs, but our APIs
also accept the session cookie (``allow_browser_login``), which any page can make the
browser send.
"""

from flask import abort, request
from flask_appbuilder.api import BaseApi
from flask_babel import gettext
from flask_jwt_extended import decode_token
from flask_jwt_extended.exceptions import JWTExtendedException
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from jwt import PyJWTError

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _valid_bearer_token():
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    try:
        decode_token(token.strip())
    except (
        JWTExtendedException,
        PyJWTError,
    ):  # malformed, expired, forged: the cookie rule applies
        return False
    return True


def install(app, appbuilder, csrf):
    """After every API is registered: check the token on cookie-authenticated API writes."""
    api_blueprints = frozenset(
        view.blueprint.name for view in appbuilder.baseviews if isinstance(view, BaseApi)
    )

    @app.before_request
    def _api_writes_need_the_csrf_token():
        if request.method not in STATE_CHANGING or request.blueprint not in api_blueprints:
            return None
        if _valid_bearer_token() or not current_user.is_authenticated:
            return None
        try:
            csrf.protect()
        except CSRFError:
            abort(
                400,
                description=gettext(
                    "This request needs the page's CSRF token in the X-CSRFToken header, "
                    "or an API access token (Authorization: Bearer)."
                ),
            )
        return None
