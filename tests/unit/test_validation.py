"""Field rules shared by forms, API and imports."""

import pytest

from crm.services.core.validation import (
    FieldInvalid,
    clean_bic,
    clean_country,
    clean_currency,
    clean_email,
    clean_iban_or_account,
    clean_phone,
    clean_tax_number,
    clean_website,
)


@pytest.mark.parametrize(
    "regime, number, stored",
    [
        ("VAT", "DE 136 695 976", "DE136695976"),
        ("VAT", "NL004495445B01", "NL004495445B01"),
        ("GB_VAT", "GB 980 7806 84", "980780684"),
        ("EIN", "04-2103594", "042103594"),
        ("GSTIN", "27AAPFU0939F1ZV", "27AAPFU0939F1ZV"),
        ("PAN", "AAPFU0939F", "AAPFU0939F"),
        ("ABN", "83 914 571 673", "83914571673"),
        ("OTHER", "TIN-77", "TIN-77"),
    ],
)
def test_valid_tax_numbers_are_stored_compact(regime, number, stored):
    assert clean_tax_number(regime, number) == (regime, stored)


@pytest.mark.parametrize(
    "regime, number",
    [
        ("VAT", "DE136695977"),
        ("GSTIN", "27AAPFU0939F1ZX"),
        ("PAN", "AAPFU09391"),
        ("ABN", "83914571674"),
        ("EIN", "00-1234567"),
        ("NOPE", "123"),
    ],
)
def test_invalid_tax_numbers_are_refused(regime, number):
    with pytest.raises(FieldInvalid):
        clean_tax_number(regime, number)


def test_no_tax_number_is_fine_but_a_number_needs_a_regime():
    assert clean_tax_number("VAT", "") == ("VAT", None)
    with pytest.raises(FieldInvalid):
        clean_tax_number(None, "DE136695976")


@pytest.mark.parametrize(
    "raw, region, e164",
    [
        ("+44 20 7946 0958", None, "+442079460958"),
        ("030 1234567", "DE", "+49301234567"),
        ("(212) 555-0143", "US", "+12125550143"),
    ],
)
def test_phones_are_stored_in_e164(raw, region, e164):
    assert clean_phone(raw, region) == e164


@pytest.mark.parametrize("raw", ["030 1234567", "+49 1", "call me"])
def test_bad_phones_are_refused(raw):
    with pytest.raises(FieldInvalid):
        clean_phone(raw)


def test_email_currency_country_website_bank():
    assert clean_email(" Ops@Example.COM ") == "Ops@example.com"
    with pytest.raises(FieldInvalid):
        clean_email("ops@")
    with pytest.raises(FieldInvalid):
        clean_email("")
    assert clean_email("", required=False) is None
    assert clean_currency("chf") == "CHF"
    with pytest.raises(FieldInvalid):
        clean_currency("EURO")
    assert clean_country("de") == "DE"
    with pytest.raises(FieldInvalid):
        clean_country("ZZ")
    assert clean_website("example.com") == "https://example.com"
    with pytest.raises(FieldInvalid):
        clean_website("not a site")
    assert clean_iban_or_account("GB82 WEST 1234 5698 7654 32") == "GB82WEST12345698765432"
    assert clean_iban_or_account("000123456") == "000123456"
    with pytest.raises(FieldInvalid):
        clean_iban_or_account("GB82 WEST 1234 5698 7654 33")
    assert clean_bic("DEUTDEFF500") == "DEUTDEFF500"
