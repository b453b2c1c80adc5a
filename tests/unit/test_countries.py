"""Countries are read from ISO codes and from names in every shipped language."""

import pytest

from crm.services.core.validation import FieldInvalid, clean_country

COUNTRIES = [
    ("DE", "DE"),
    ("de", "DE"),
    ("DEU", "DE"),
    ("Germany", "DE"),
    ("Deutschland", "DE"),
    ("Allemagne", "DE"),
    ("Alemania", "DE"),
    ("जर्मनी", "DE"),
    ("UK", "GB"),
    ("U.K.", "GB"),
    ("United Kingdom", "GB"),
    ("England", "GB"),
    ("USA", "US"),
    ("U.S.A.", "US"),
    ("United States", "US"),
    ("United States of America", "US"),
    ("Vereinigte Staaten", "US"),
    ("Holland", "NL"),
    ("Niederlande", "NL"),
    ("Pays-Bas", "NL"),
    ("Papua New Guinea", "PG"),
    ("Österreich", "AT"),
    ("osterreich", "AT"),
    ("Côte d’Ivoire", "CI"),
    ("Ivory Coast", "CI"),
    ("Czech Republic", "CZ"),
    ("Türkiye", "TR"),
    ("Turkey", "TR"),
    ("Suiza", "CH"),
    ("भारत", "IN"),
    ("  France ", "FR"),
    ("Russian Federation", "RU"),
]


@pytest.mark.parametrize("text, code", COUNTRIES)
def test_country_names_codes_and_aliases(text, code):
    assert clean_country(text) == code


@pytest.mark.parametrize("text", ["Narnia", "XX", "EU", "12", "Atlantis"])
def test_unknown_countries_are_refused(text):
    with pytest.raises(FieldInvalid):
        clean_country(text)
