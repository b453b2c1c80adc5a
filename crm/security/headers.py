"""Security headers on every response (Flask-Talisman): a strict Content-Security-Policy,
no framing, no MIME sniffing, a referrer policy; HTTPS forced only when configured.

Scripts run only from our origin or with the request's nonce (FAB's templates and ours
put ``baselib.get_nonce()`` on every <script>), so no inline handler or script runs.
Styles keep 'unsafe-inline': FAB's templates and widgets write style attributes.
"""

from flask_talisman import Talisman

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
NONCE_IN = ["script-src"]
REFERRER_POLICY = "strict-origin-when-cross-origin"


def install(app):
    Talisman(
        app,
        content_security_policy=CONTENT_SECURITY_POLICY,
        content_security_policy_nonce_in=NONCE_IN,
        frame_options="DENY",
        referrer_policy=REFERRER_POLICY,
        x_content_type_options=True,
        force_https=app.config["CRM_FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=app.config["SESSION_COOKIE_HTTPONLY"],
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
    )
