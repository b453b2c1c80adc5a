"""A country as a file or a form writes it -> its ISO 3166 alpha-2 code.

Codes (alpha-2, alpha-3 and CLDR's old codes such as UK), Babel's territory names in
English and every shipped language, pycountry's ISO names, and the few colloquial names
in crm/data/country_aliases.py. Matching ignores case, accents, spaces and punctuation.
"""

import functools
import unicodedata
from collections.abc import Iterable
from typing import cast

import pycountry
from babel import Locale
from babel.core import get_global

from crm.data.country_aliases import ALIASES

NAME_LOCALES = ("en", "de", "fr", "es", "hi")  # the shipped languages (config.LANGUAGES)
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"}
COUNTRY_CODES = frozenset(
    code
    for code in cast(Iterable[str], Locale("en").territories)
    if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
)


def normalise(text: str | None) -> str:
    """Case, accents, spaces and punctuation removed: "U.S.A." -> "usa", "Österreich" ->
    "osterreich". Marks of other scripts are dropped the same way on both sides."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


@functools.lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """{normalised name or code: alpha-2}; earlier sources win a clash."""
    found: dict[str, str] = {}

    def add(name: str, code: str) -> None:
        key = normalise(name)
        if key and code in COUNTRY_CODES:
            found.setdefault(key, code)

    for code in COUNTRY_CODES:
        add(code, code)
    for alias, targets in get_global("territory_aliases").items():
        if alias.isalpha() and len(targets) == 1:
            add(alias, targets[0])
    for language in NAME_LOCALES:
        for code, name in Locale(language).territories.items():
            add(name, code)
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            if getattr(country, attr, None):
                add(getattr(country, attr), country.alpha_2)
    for alias, code in ALIASES.items():
        add(alias, code)
    return found


@functools.lru_cache(maxsize=4096)
def country_code(text: str | None) -> str | None:
    """The alpha-2 code ``text`` names, or None."""
    value = (text or "").strip()
    if value.upper() in COUNTRY_CODES:
        return value.upper()
    return _names().get(normalise(value))
