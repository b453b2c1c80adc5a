"""Which encoding a text file is read in: UTF first, then the code pages of the importing
user's language, so Western text never reads as Central European (è as č)."""

import pytest

from crm.services.bulk.imports import encodings

WESTERN = "Nom;Ville\r\nMère Michel;Genève\r\nÅrhus Smørrebrød;Århus\r\n"


@pytest.mark.parametrize("locale", ["en", "de", "fr", "es", "fr_CH", None])
def test_western_languages_read_windows_1252(locale):
    assert encodings.decode(WESTERN.encode("cp1252"), locale=locale) == (WESTERN, "cp1252")


def test_a_polish_user_reads_windows_1250():
    text = "Nazwa;Miasto\r\nZakład Łączności;Łódź\r\n"
    assert encodings.decode(text.encode("cp1250"), locale="pl") == (text, "cp1250")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le"])
def test_unicode_comes_first_whatever_the_language(encoding):
    text = "नाम;शहर\r\nराम;दिल्ली\r\n"
    decoded, chosen = encodings.decode(text.encode(encoding), locale="hi")
    assert decoded.lstrip("\ufeff") == text and chosen.startswith("utf")


def test_a_chosen_encoding_the_bytes_do_not_fit_is_refused():
    from crm.services.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="not in Unicode"):
        encodings.decode(WESTERN.encode("cp1252"), encoding="utf-8")
