"""The request's translations, found once per locale instead of on every gettext.

flask-babel looks them up on every call (the request's locale, then its catalogue
cache), and a list page calls gettext hundreds of times. The translations are kept
in flask-babel's own per-request namespace next to the locale they are for, so a
locale switched within the request (``refresh``, ``force_locale``) finds its own.
Relies on flask-babel 4's ``g._flask_babel`` and ``Domain.get_translations``;
tests/integration/test_request_translations.py fails if they change.
"""

from flask import g

_CACHE = "crm_translations"


def _cached(original):
    def get_translations():
        space = g.get("_flask_babel") if g else None
        if space is None:
            return original()
        locale = getattr(space, "babel_locale", None)
        cached = getattr(space, _CACHE, None)
        if locale is not None and cached is not None and cached[0] is locale:
            return cached[1]
        translations = original()
        setattr(space, _CACHE, (getattr(space, "babel_locale", None), translations))
        return translations

    get_translations.crm_cached = True
    return get_translations


def install(app):
    domain = app.extensions["babel"].instance.domain_instance
    if not getattr(domain.get_translations, "crm_cached", False):
        domain.get_translations = _cached(domain.get_translations)
