"""Download names (RFC 6266): an ASCII fallback and the real name as filename*."""

import pytest

from crm.downloads import content_disposition


def test_a_plain_ascii_name_needs_no_second_form():
    assert content_disposition("customers-2026-12-07.csv") == (
        'attachment; filename="customers-2026-12-07.csv"'
    )


@pytest.mark.parametrize(
    "name, fallback, encoded",
    [
        (
            "Klienci z Łodzi-errors.xlsx",
            "Klienci z _odzi-errors.xlsx",
            "Klienci%20z%20%C5%81odzi-errors.xlsx",
        ),
        ("ग्राहक-errors.xlsx", "errors.xlsx", None),
        ("Genève.csv", "Geneve.csv", "Gen%C3%A8ve.csv"),
        ("ग्राहक.xlsx", "download.xlsx", None),
        ('say "hi"; x.csv', "say _hi__ x.csv", None),
    ],
)
def test_content_disposition_names_the_file_for_every_client(name, fallback, encoded):
    header = content_disposition(name)
    assert header.isascii()
    assert header.startswith(f"attachment; filename=\"{fallback}\"; filename*=UTF-8''")
    if encoded:
        assert header.endswith(encoded)
