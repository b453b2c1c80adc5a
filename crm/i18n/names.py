"""Names of the shipped languages, from Babel's locale data."""

from babel import Locale
from flask import current_app
from flask_babel import get_locale


def shipped_locale_codes():
    return tuple(current_app.config["LANGUAGES"])


def native_name(code):
    """The language's name in itself ("Deutsch", "हिन्दी"), for the language picker."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def language_choices():
    """(code, name in the reader's language) for every shipped language."""
    reader = get_locale() or Locale.parse("en")
    choices = []
    for code in shipped_locale_codes():
        name = Locale.parse(code).get_display_name(reader) or code
        choices.append((code, name[:1].upper() + name[1:]))
    return sorted(choices, key=lambda choice: choice[1].casefold())
