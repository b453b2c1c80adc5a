"""One reader per input kind (crm.i18n.inputs): what each typed text means in English,
German, French and Hindi, and that a form field, a hand-built form, a query string, an
import cell and the payment API read the same text as the same value."""

import datetime as dt
from decimal import Decimal as D

import pytest
from flask import request
from werkzeug.datastructures import MultiDict
from wtforms import Form

from crm.i18n import inputs
from crm.i18n.inputs import InputInvalid
from crm.i18n.parsing import import_date_formats
from crm.models.base import MAX_ID
from crm.services.bulk.imports import cell_values
from crm.services.core.validation import FieldInvalid
from crm.views import query_args
from crm.views.fields import LocaleDateField, LocaleDecimalField, as_iso_date, as_plain_number
from tests import factories

MARCH_31 = dt.date(2026, 3, 31)

# (locale, typed, value); None: refused. A comma is a thousands separator in English and
# Hindi, so only in its place: "12,50" there is refused, never read as 1250 or 12.50.
AMOUNTS = [
    ("en", "1234.50", "1234.50"),
    ("en", "1,234.50", "1234.50"),
    ("en", "1.234", "1.234"),
    ("en", " 12 ", "12"),
    ("en", "-3.5", "-3.5"),
    ("en", "+7", "7"),
    ("en", "0.50", "0.50"),
    ("en", "12,50", None),
    ("en", "1,5", None),
    ("en", "12,34.5", None),
    ("en", "abc", None),
    ("en", "NaN", None),
    ("en", "Infinity", None),
    ("en", "1e5", None),
    ("en", "1.234,50", None),
    ("de", "1.234,50", "1234.50"),
    ("de", "12,50", "12.50"),
    ("de", "1234.50", "1234.50"),
    ("de", "1.234", "1234"),
    ("de", "-1.234", "-1234"),
    ("de", "+1.234", "1234"),
    ("de", "0.500", "0.500"),
    ("de", "1,234.50", None),
    ("de", "zwölf", None),
    ("fr", "1 234,50", "1234.50"),
    ("fr", "1\u202f234,50", "1234.50"),
    ("fr", "12,50", "12.50"),
    ("fr", "1.234", "1.234"),
    ("fr", "1234.50", "1234.50"),
    ("fr", "1.234,50", None),
    ("hi", "1,23,456.78", "123456.78"),
    ("hi", "1,234.50", "1234.50"),
    ("hi", "1234.50", "1234.50"),
    ("hi", "12,50", None),
    ("hi", "123,456.78", None),
]

# (locale, typed, value); None: refused. Without a locale (API bodies, query strings read by
# the data layer, the CLI) only ISO.
DATES = [
    ("en", "2026-03-31", MARCH_31),
    ("en", "3/31/2026", MARCH_31),
    ("en", "03/31/26", MARCH_31),
    ("en", "03/04/2026", dt.date(2026, 3, 4)),
    ("en", "31/03/2026", None),
    ("de", "31.03.2026", MARCH_31),
    ("de", "31.3.26", MARCH_31),
    ("de", " 2026-03-31 ", MARCH_31),
    ("de", "31/03/2026", None),
    ("de", "bald", None),
    ("de", "30.02.2026", None),
    ("fr", "31/03/2026", MARCH_31),
    ("fr", "03/04/2026", dt.date(2026, 4, 3)),
    ("fr", "31.03.2026", None),
    ("hi", "31/03/2026", MARCH_31),
    ("hi", "31/3/26", MARCH_31),
    ("hi", "3/31/2026", None),
    (None, "2026-03-31", MARCH_31),
    (None, "03/31/2026", None),
    (None, "31.03.2026", None),
]


def _read(reader, *args):
    try:
        return reader(*args)
    except InputInvalid:
        return None


@pytest.mark.parametrize("locale, typed, value", AMOUNTS)
def test_an_amount_means_one_thing_in_each_language(locale, typed, value):
    assert _read(inputs.amount, typed, locale) == (D(value) if value else None)


@pytest.mark.parametrize(
    "given, value",
    [
        (D("12.50"), D("12.50")),
        (12, D("12")),
        (0.1, D("0.1")),
        (1234.5, D("1234.5")),
        ("1,234.50", D("1234.50")),
        (True, None),
        (None, None),
        ("", None),
        ("  ", None),
        (D("NaN"), None),
        (float("inf"), None),
        ([1], None),
    ],
)
def test_an_amount_from_json_or_code_is_read_as_written(given, value):
    """A JSON number is read by its shortest repr, never through float arithmetic."""
    assert _read(inputs.amount, given) == value


@pytest.mark.parametrize("locale, typed, value", DATES)
def test_a_date_reads_iso_and_the_locales_short_form(locale, typed, value):
    assert _read(inputs.date, typed, locale) == value


def test_a_date_or_datetime_is_its_day():
    assert inputs.date(MARCH_31) == inputs.date(dt.datetime(2026, 3, 31, 23, 59)) == MARCH_31


@pytest.mark.parametrize(
    "given, value",
    [
        ("12", 12),
        (12, 12),
        (" 7 ", 7),
        (str(MAX_ID), MAX_ID),
        ("0", None),
        ("-1", None),
        ("+3", None),
        ("1.5", None),
        (1.0, None),
        (True, None),
        ("١٢", None),
        ("", None),
        (None, None),
        (str(MAX_ID + 1), None),
        (MAX_ID + 1, None),
    ],
)
def test_a_record_id_is_a_whole_number_the_database_can_hold(given, value):
    assert _read(inputs.record_id, given) == value


@pytest.mark.parametrize(
    "given, value",
    [
        ("3, 5,8", [3, 5, 8]),
        ("3,,5,", [3, 5]),
        ("", []),
        (None, []),
        ([3, "4"], [3, 4]),
        ("3,x", None),
        ("1 2", None),
        ("3,-4", None),
        (7, None),
    ],
)
def test_an_id_list_is_record_ids_in_order(given, value):
    assert _read(inputs.id_list, given) == value


@pytest.mark.parametrize(
    "given", [True, 1, "1", "true", "TRUE", " yes ", "y", "on", "x", "ja", "oui", "sí"]
)
def test_the_usual_yes_words_are_true(given):
    assert inputs.flag(given) is True


@pytest.mark.parametrize(
    "given", [False, 0, None, "", "0", "false", "No", "n", "off", "nein", "non", "falso"]
)
def test_the_usual_no_words_and_an_unticked_box_are_false(given):
    assert inputs.flag(given) is False


@pytest.mark.parametrize("given", ["maybe", "2", 2, 1.0, []])
def test_anything_else_is_no_flag(given):
    with pytest.raises(InputInvalid):
        inputs.flag(given)


def test_a_refusal_says_what_is_accepted(app):
    with app.test_request_context("/?_l_=en"):
        with pytest.raises(InputInvalid) as refused:
            inputs.amount("12,50")
        assert "a comma separates thousands" in str(refused.value) and "1234.56" in str(
            refused.value
        )
        with pytest.raises(InputInvalid) as refused:
            inputs.amount("lots", "de")
        assert "“lots” is not an amount" in str(refused.value) and "1.234,56" in str(refused.value)
        with pytest.raises(InputInvalid) as refused:
            inputs.date("soon", "de")
        assert "31.03.2025" in str(refused.value) and "2025-03-31" in str(refused.value)
        with pytest.raises(ValueError):  # callers that catch ValueError still do
            inputs.record_id("x")


# --- the same text through each entry point -------------------------------------------------


class _Typed(Form):
    amount = LocaleDecimalField()
    day = LocaleDateField()


def _form_reading(field, typed):
    form = _Typed(MultiDict({field: typed}))
    return getattr(form, field).data if form.validate() else None


def _plain(text):
    read = as_plain_number(text)
    return None if isinstance(read, InputInvalid) else D(read)


def _iso(text):
    read = as_iso_date(text)
    return None if isinstance(read, InputInvalid) else dt.date.fromisoformat(read)


def _import_cell(reader, *args):
    try:
        return reader(*args)
    except FieldInvalid:
        return None


@pytest.mark.parametrize("locale, typed, value", AMOUNTS)
def test_an_amount_reads_the_same_in_every_form_and_in_an_import(app, locale, typed, value):
    """Imports read further what a file from another program most likely meant (5,5 in an
    English file is 5.5), but never another value for what the forms read."""
    expected = D(value) if value else None
    with app.test_request_context("/", query_string={"_l_": locale}):
        assert _form_reading("amount", typed) == expected
        assert _plain(typed) == expected
    if expected is not None:
        assert _import_cell(cell_values.parse_decimal, typed, locale) == expected


@pytest.mark.parametrize("locale, typed, value", [d for d in DATES if d[0]])
def test_a_date_reads_the_same_in_every_form_in_a_query_string_and_in_an_import(
    app, locale, typed, value
):
    """Generic English imports are the one exception, and documented
    (crm.i18n.parsing.import_date_formats): files are read day first, as most English
    files the CRM receives write them."""
    with app.test_request_context("/", query_string={"_l_": locale, "day": typed}):
        assert _form_reading("day", typed) == value
        assert _iso(typed) == value
        assert query_args.day(request.args, "day") == value
    if value is not None and locale != "en":
        assert _import_cell(cell_values.parse_date, typed, import_date_formats(locale)) == value


@pytest.mark.parametrize("typed", ["12", " 12 ", "-3", "2026-03-31", "x"])
def test_an_id_in_a_query_string_is_read_as_a_record_id(app, typed):
    with app.test_request_context("/", query_string={"owner": typed}):
        assert query_args.record_id(request.args, "owner") == _read(inputs.record_id, typed)


@pytest.mark.parametrize(
    "sent, stored",
    [
        ("1234.50", D("1234.50")),
        ("1,234.50", D("1234.50")),
        (1234.5, D("1234.50")),
        (250, D("250.00")),
        ("12,50", None),
        ("12,34.5.6", None),
        ("lots", None),
    ],
)
def test_the_payment_api_reads_an_amount_as_the_english_form_does(
    app, api, acme, acme_manager, sent, stored
):
    buyer = factories.customer(app, acme, "Paying Buyer Ltd", currency="EUR")
    r = api(acme_manager).post(
        "/api/v1/payment/",
        json={"customer": buyer, "amount": sent, "payment_date": "2026-03-31", "method": "cash"},
    )
    if stored is None:
        assert r.status_code == 422 and set(r.json["errors"]) == {"amount"}
        assert "is not an amount" in r.json["errors"]["amount"][0]
    else:
        assert r.status_code == 201, r.json
        assert D(r.json["result"]["amount"]) == stored
    with app.test_request_context("/", query_string={"_l_": "en"}):
        read = _form_reading("amount", str(sent))
    assert (read.quantize(D("0.01")) if read is not None else None) == stored
