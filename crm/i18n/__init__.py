"""Which language and timezone a request speaks.

FAB creates the flask-babel instance (with a selector that only reads the
session); ``install`` replaces its selectors with the ones in ``selection`` and
gives templates the language picker's data.
"""

from flask_babel import get_locale

from crm import formatting

from . import page_language, request_translations
from .names import native_name, shipped_locale_codes
from .selection import select_locale, select_timezone


def current_language():
    locale = get_locale()
    return str(locale) if locale else "en"


def language_menu():
    return [(code, native_name(code)) for code in shipped_locale_codes()]


def install(app):
    babel = app.extensions["babel"]
    babel.locale_selector = select_locale
    babel.timezone_selector = select_timezone
    request_translations.install(app)
    page_language.install(app)
    app.add_template_global(current_language)
    app.add_template_global(language_menu)
    formatting.install(app)
