"""Colloquial country names that neither Babel (CLDR) nor pycountry (ISO 3166) list.

Everything else (ISO alpha-2 and alpha-3 codes, each shipped language's names, ISO's
official and common names) comes from those datasets: crm/services/core/countries.py.
"""

ALIASES = {
    "Holland": "NL",
    "The Netherlands": "NL",
    "England": "GB",
    "Scotland": "GB",
    "Wales": "GB",
    "Northern Ireland": "GB",
    "Great Britain": "GB",
    "Britain": "GB",
    "U.K.": "GB",
    "America": "US",
    "U.S.": "US",
    "United States of America": "US",
    "Turkey": "TR",
    "Ivory Coast": "CI",
    "Czech Republic": "CZ",
    "Macedonia": "MK",
    "Swaziland": "SZ",
    "Burma": "MM",
    "East Timor": "TL",
    "Cape Verde": "CV",
    "Vatican": "VA",
    "UAE": "AE",
    "Korea": "KR",
    "Republic of Korea": "KR",
    "Russian Federation": "RU",
}
