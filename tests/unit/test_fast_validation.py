"""The fast email path gives exactly email_validator's answer, or leaves the address to it."""

import random

import pytest
from email_validator import EmailNotValidError, validate_email

from crm.services.core.fast_validation import fast_email
from crm.services.core.validation import FieldInvalid, clean_email

LABEL_63 = "a" * 63
# Addresses the fast path must decide itself (the common shapes of real files).
PLAIN = [
    "buyer1@customer1.example",
    "Buyer.One@Customer.Example",
    "first.last@sub.domain.co.uk",
    "a+tag@example.org",
    "under_score@ex-ample.com",
    "percent%sign@example.net",
    "UPPER@EXAMPLE.COM",
    "x@y.io",
    "digits123@123abc.com",
    "Sales@acme.example",
    "INFO@Acme.Example",
    "postmaster@acme.example",
    "me@EXAMPLE.Com",
    "a-b@c-d.e-f.gh",
    f"me@{LABEL_63}.com",
    "me@" + ".".join(["abcdefghi"] * 24) + ".com",
    ("l" * 64) + "@example.com",
    ("l" * 100) + "@" + ("d" * 60) + ".example.com",
]
# Valid, but left to email_validator (quotes, IDN, Punycode, other characters).
OTHER_VALID = [
    '"quoted local"@example.com',
    '"a"@example.com',
    "uni@bücher.example",
    "ü@example.com",
    "me@xn--bcher-kva.example",
    "ab'c@example.com",
    "a{b}c@example.com",
    "a=b@example.com",
    "a~b@example.com",
    "a!b@example.com",
    "#hash@example.com",
    "Name <name@example.com>",
]
INVALID = [
    "",
    "plain",
    "@example.com",
    "me@",
    "me@example",
    "me@.example.com",
    "me@example.com.",
    "me@example..com",
    ".me@example.com",
    "me.@example.com",
    "me..you@example.com",
    "me@-example.com",
    "me@example-.com",
    "me@exa_mple.com",
    "me@example.c0m1",
    "me@example.123",
    "me@ab--cd.com",
    "me@localhost",
    "me@host.local",
    "me@site.test",
    "me@x.invalid",
    "me@foo.onion",
    "me@1.in-addr.arpa",
    f"me@{LABEL_63}a.com",
    "me@example.com x",
    "a b@example.com",
    "a@b@example.com",
    "me@[127.0.0.1]",
    "me@exa mple.com",
    "me@example.-com",
    "me@example.com-",
    "me@ex\u00e4mple.-com",
    ("l" * 250) + "@example.com",
    "me@" + ("d" * 250) + ".com",
    "me@" + ".".join(["abcdefghi"] * 25) + ".com",
    "me@example,com",
    "me@@example.com",
    '"unclosed@example.com',
    "me@example.com>",
]


def library(value):
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def fuzz_corpus(count=20000, seed=20260411):
    """Addresses built from parts near every rule's edge: dots, hyphens, long labels,
    Punycode, special-use names, quotes, non-ASCII, upper case, trailing dots."""
    pick = random.Random(seed)
    local_parts = [
        "a",
        "Bc",
        "x1",
        "_",
        "+",
        "%",
        "-",
        ".",
        "..",
        "'",
        "\u00fc",
        '"',
        " ",
        "=",
        "info",
        "SALES",
        "l" * 64,
    ]
    labels = [
        "example",
        "EXAMPLE",
        "a" * 63,
        "a" * 64,
        "xn--bcher-kva",
        "ab--c",
        "-x",
        "x-",
        "1",
        "com",
        "Com",
        "test",
        "local",
        "c0m",
        "b\u00fccher",
        "",
        "x_y",
        "org",
    ]
    corpus = []
    for _ in range(count):
        local = "".join(pick.choice(local_parts) for _ in range(pick.randint(1, 3)))
        domain = ".".join(pick.choice(labels) for _ in range(pick.randint(1, 4)))
        if pick.random() < 0.1:
            domain += "."
        corpus.append(local + "@" + domain)
    return corpus


@pytest.mark.parametrize("address", PLAIN)
def test_plain_addresses_are_decided_by_the_fast_path_exactly(address):
    expected = library(address)
    assert expected is not None
    assert fast_email(address) == expected
    assert clean_email(address) == expected


@pytest.mark.parametrize("address", OTHER_VALID + INVALID)
def test_other_addresses_are_left_to_email_validator(address):
    assert fast_email(address) is None
    expected = library(address.strip())
    if expected is None:
        with pytest.raises(FieldInvalid):
            clean_email(address)
    else:
        assert clean_email(address) == expected


def test_upper_case_domains_and_role_mailboxes_are_normalised_like_the_library():
    assert fast_email("Jane.Doe@Example.COM") == "Jane.Doe@example.com"
    assert fast_email("SALES@Example.com") == "sales@example.com"
    assert library("SALES@Example.com") == "sales@example.com"


def test_fast_path_never_disagrees_with_email_validator_on_generated_addresses():
    decided = 0
    for address in fuzz_corpus():
        fast = fast_email(address)
        if fast is not None:
            decided += 1
            assert fast == library(address), address
    assert decided > 400  # the generator reaches the fast path, so this compares something


PHONES = [
    ("+44 20 7946 0958", None),
    ("+442079460958", None),
    ("030 1234567", "DE"),
    ("01 42 68 53 00", "FR"),
    ("+1 (650) 253-0000", None),
    ("12", None),
    ("", "DE"),
    ("+49 30 1234", None),
    ("0049 30 1234567", "DE"),
    ("hello", None),
    ("+39 06 12345678", None),
    ("020 7946 0958", "GB"),
    ("030 1234567", None),
    ("+44 20 7946 0958 ext. 12", None),
    ("+999 123", None),
]


def phonenumbers_answer(value, region):
    import phonenumbers

    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return "parse"
    if not phonenumbers.is_valid_number(number):
        return "invalid"
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"{e164} ext. {number.extension}" if number.extension else e164


@pytest.mark.parametrize("value, region", PHONES)
def test_phone_numbers_are_phonenumbers_answer_asked_once(value, region):
    from crm.services.core.fast_validation import INVALID_NUMBER, NOT_A_NUMBER, phone_in_e164
    from crm.services.core.validation import clean_phone

    expected = phonenumbers_answer(value, region)
    first = phone_in_e164(value, region)
    assert phone_in_e164(value, region) is first  # remembered, not asked again
    assert {NOT_A_NUMBER: "parse", INVALID_NUMBER: "invalid"}.get(first, first) == expected
    if value and expected in ("parse", "invalid"):
        with pytest.raises(
            FieldInvalid,
            match="not a valid phone number"
            if expected == "invalid"
            else "not a phone number; write it with its country code",
        ):
            clean_phone(value, region)
    elif value:
        assert clean_phone(value, region) == expected
