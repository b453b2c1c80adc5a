"""The locale and timezone of the current request.

Locale, first that applies:

1. ``?_l_=xx`` on an API call (FAB's convention);
2. the language the signed-in user picked (``ab_user.locale``);
3. the language picked before signing in (the session);
4. the browser's Accept-Language, best match among the shipped languages;
5. the tenant's default locale (CRM setting ``default_locale``);
6. ``BABEL_DEFAULT_LOCALE``.

A browser almost always sends Accept-Language, so the tenant default mostly
speaks where no browser is involved: statements mailed in a batch, operator
commands (see ``tenant_locale``). The timezone is the tenant's (CRM setting
``timezone``), UTC without one.
"""

from flask import current_app, g, has_request_context, request, session

SESSION_KEY = "locale"


def shipped_languages():
    return current_app.config["LANGUAGES"]


def _user():
    user = g.get("user") if has_request_context() else None
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def tenant_settings():
    """Every setting of the request's tenant, read once per request (one query) for the
    locale, the timezone and the templates' ``crm_setting``."""
    from crm.extensions import db
    from crm.services.settings.preferences import all_settings

    if "_crm_settings" not in g:
        # Asked from inside a service's unit of work (a gettext before its flush): reading
        # must not flush that work early, or its audit entry loses what it was marked as.
        with db.session.no_autoflush:
            g._crm_settings = all_settings(db.session)
    return g._crm_settings


def _tenant_setting(key):
    from crm.security.tenancy import current_tenant_id

    if current_tenant_id() is None:
        return None
    return tenant_settings()[key]


def select_locale():
    languages = shipped_languages()
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    asked = request.args.get("_l_")
    if asked in languages:
        return asked
    user = _user()
    if user is not None and getattr(user, "locale", None) in languages:
        return user.locale
    if session.get(SESSION_KEY) in languages:
        return session[SESSION_KEY]
    best = request.accept_languages.best_match(list(languages))
    if best:
        return best
    tenant_default = _tenant_setting("default_locale")
    return tenant_default if tenant_default in languages else default


def select_timezone():
    if not has_request_context():
        return None
    return _tenant_setting("timezone") or "UTC"
