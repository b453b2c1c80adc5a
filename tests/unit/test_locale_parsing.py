"""Dates and numbers read back as each shipped language writes them (crm.i18n.parsing),
and the importer's reading of ambiguous cells (crm.services.bulk.imports.validate)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from config import Config
from crm.i18n import parsing
from crm.services.bulk.imports import cell_values
from crm.services.core.validation import FieldInvalid

MARCH_31 = dt.date(2025, 3, 31)


@pytest.mark.parametrize(
    "locale, typed",
    [
        ("de", "31.03.2025"),
        ("de", "31.03.25"),
        ("de", "31.3.2025"),
        ("fr", "31/03/2025"),
        ("fr", "31/03/25"),
        ("es", "31/3/25"),
        ("es", "31/03/2025"),
        ("hi", "31/03/2025"),
        ("hi", "31/3/25"),
        ("en", "3/31/25"),
        ("en", "03/31/2025"),
    ]
    + [(code, " 2025-03-31 ") for code in Config.LANGUAGES],
)
def test_a_form_reads_iso_and_the_locales_short_date(locale, typed):
    assert parsing.parse_date(typed, locale) == MARCH_31


@pytest.mark.parametrize(
    "locale, typed",
    [
        ("de", "31/03/2025"),
        ("fr", "31.03.2025"),
        ("en", "31/03/2025"),
        ("hi", "2025/31/03"),
        ("de", ""),
        ("de", None),
        ("de", "31.03"),
        ("de", "bald"),
        ("de", "2025-02-30"),
    ],
)
def test_a_form_refuses_other_dates(locale, typed):
    with pytest.raises(ValueError):
        parsing.parse_date(typed, locale)


def test_ambiguous_short_dates_follow_the_locale():
    assert parsing.parse_date("03/04/2025", "fr") == dt.date(2025, 4, 3)
    assert parsing.parse_date("03/04/2025", "en") == dt.date(2025, 3, 4)


@pytest.mark.parametrize(
    "locale, example",
    [
        ("de", "31.03.2025"),
        ("fr", "31/03/2025"),
        ("es", "31/03/2025"),
        ("hi", "31/03/2025"),
        ("en", "03/31/2025"),
    ],
)
def test_the_example_a_message_gives_is_read_back(locale, example):
    assert parsing.date_example(locale) == example
    assert parsing.parse_date(example, locale) == MARCH_31
    assert parsing.parse_decimal(parsing.number_example(locale), locale) == D("1234.56")


@pytest.mark.parametrize(
    "locale, typed, value",
    [
        ("de", "1.234,56", "1234.56"),
        ("de", "1234,56", "1234.56"),
        ("de", "-1.234,5", "-1234.5"),
        ("de", "1.234", "1234"),
        ("de", "1234.56", "1234.56"),
        ("de", "0.50", "0.50"),
        ("de", "12000.00", "12000.00"),
        ("de", " 1 234,56 ", "1234.56"),
        ("fr", "1 234,56", "1234.56"),
        ("fr", "1\u202f234,56", "1234.56"),
        ("fr", "1234.56", "1234.56"),
        ("es", "1.234,56", "1234.56"),
        ("en", "1,234.56", "1234.56"),
        ("en", "1234.56", "1234.56"),
        ("en", "1.234", "1.234"),
        ("hi", "1,23,456.78", "123456.78"),
        ("hi", "123456.78", "123456.78"),
    ],
)
def test_a_form_reads_the_locales_numbers_and_plain_ones(locale, typed, value):
    assert parsing.parse_decimal(typed, locale) == D(value)


@pytest.mark.parametrize(
    "locale, typed",
    [
        ("en", "1,5"),
        ("en", "12,34.5"),
        ("de", "1.23,4"),
        ("de", "zwölf"),
        ("en", "NaN"),
        ("en", "Infinity"),
        ("en", "1e5"),
        ("en", ""),
        ("en", None),
        ("en", "1_000"),
        ("de", "--1"),
    ],
)
def test_a_form_refuses_what_is_no_number_in_the_locale(locale, typed):
    with pytest.raises(ValueError):
        parsing.parse_decimal(typed, locale)


@pytest.mark.parametrize(
    "text, locale, value",
    [
        ("1,234", None, "1234"),
        ("1,234", "en", "1234"),
        ("1,234", "de", "1.234"),
        ("1.234", None, "1.234"),
        ("1.234", "en", "1.234"),
        ("1.234", "de", "1234"),
        ("0.500", "de", "0.500"),
        ("1234.567", "de", "1234.567"),
        ("5,5", None, "5.5"),
        ("5,5", "de", "5.5"),
        ("1.234,50", None, "1234.50"),
        ("1.234,50", "de", "1234.50"),
        ("1,234.50", "de", "1234.50"),
        ("1.234.567", "de", "1234567"),
        ("€ 1 234,50", "de", "1234.50"),
        ("12%", "de", "12"),
        ("1.234", "fr", "1.234"),
        ("1 234,50", "fr", "1234.50"),
        ("1.234.567", "en", "1234567"),
    ],
)
def test_the_importer_reads_ambiguous_numbers_in_the_locales_way(text, locale, value):
    assert cell_values.parse_decimal(text, locale) == D(value)


@pytest.mark.parametrize(
    "locale, mark", [("de", ","), ("fr", ","), ("es", ","), ("en", "."), ("hi", ".")]
)
def test_decimal_marks(locale, mark):
    assert parsing.decimal_mark(locale) == mark


@pytest.mark.parametrize(
    "locale, text, day",
    [
        ("de", "03/04/2025", dt.date(2025, 4, 3)),
        ("de", "03-04-2025", dt.date(2025, 4, 3)),
        ("es", "3/4/25", dt.date(2025, 4, 3)),
        ("en", "03/04/2025", dt.date(2025, 4, 3)),
        (None, "03/04/2025", dt.date(2025, 4, 3)),
        ("en_US", "03/04/2025", dt.date(2025, 3, 4)),
        ("en_US", "3/4/25", dt.date(2025, 3, 4)),
        ("en_US", "03.04.2025", dt.date(2025, 4, 3)),  # dots are day first everywhere
        ("en_GB", "03/04/2025", dt.date(2025, 4, 3)),
        ("fr", "31 Mar 2025", MARCH_31),
        ("de", "March 31, 2025", MARCH_31),
    ],
)
def test_the_importer_reads_ambiguous_dates_in_the_locales_order(locale, text, day):
    assert cell_values.parse_date(text, parsing.import_date_formats(locale)) == day


def test_without_a_locale_the_importer_reads_as_it_always_did():
    assert cell_values.parse_date("31.03.2025") == MARCH_31
    assert (
        parsing.import_date_formats(None)
        == parsing.import_date_formats("en")
        == cell_values.DATE_FORMATS
    )
    with pytest.raises(FieldInvalid):
        cell_values.parse_date("03/31/2025")
    with pytest.raises(FieldInvalid):
        cell_values.parse_date("03/31/2025", parsing.import_date_formats("de"))
