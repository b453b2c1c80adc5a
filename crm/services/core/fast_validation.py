"""Exact shortcuts for the common case of crm/services/core/validation.py's slow rules.

Each ``fast_*`` function returns the value the full rule would return, or None when
the input is not in the simple shape it can decide alone; the caller then runs the
full rule (email_validator, phonenumbers), which also words every error message.
tests/unit/test_fast_validation.py compares both over a corpus so they cannot drift.
Phone numbers are always phonenumbers' answer, remembered per (text, region): files
repeat switchboard numbers, and a parse plus validity check costs ~20 µs.
"""

import functools
import re

import email_validator
import phonenumbers
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES

# A plain ASCII address: a dot-atom local part of the usual characters, one @, and
# dot-separated host name labels (letters, digits, inner hyphens) ending in a letter.
# Everything else (quotes, display names, IDN, Punycode, other ATEXT characters,
# "ab--" labels, trailing dots) goes to email_validator.
_LOCAL = r"[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
_PLAIN_EMAIL = re.compile(rf"({_LOCAL})@((?:{_LABEL}\.)+[A-Za-z0-9\-]*[A-Za-z])\Z")
_CASE_INSENSITIVE = frozenset(CASE_INSENSITIVE_MAILBOX_NAMES)
_EMAIL_MAX_LENGTH = 254
_DOMAIN_MAX_LENGTH = 253


def fast_email(value: str) -> str | None:
    """``validate_email(value, check_deliverability=False).normalized`` for a plain ASCII
    address (stripped), or None when the full validator must decide."""
    if len(value) > _EMAIL_MAX_LENGTH:
        return None
    found = _PLAIN_EMAIL.match(value)
    if found is None:
        return None
    local, domain = found.groups()
    domain = domain.lower()  # UTS-46 mapping of an ASCII host name is lower-casing
    labels = domain.split(".")
    last = labels[-1]
    if len(domain) > _DOMAIN_MAX_LENGTH or len(last) > 63 or last[0] == "-" or "--" in domain:
        return None
    special = email_validator.SPECIAL_USE_DOMAIN_NAMES
    if any(domain == d or domain.endswith("." + d) for d in special):
        return None
    if email_validator.TEST_ENVIRONMENT or email_validator.STRICT:
        return None
    if local.lower() in _CASE_INSENSITIVE:
        local = local.lower()
    return local + "@" + domain


NOT_A_NUMBER = "not a number"
INVALID_NUMBER = "invalid number"


EXTENSION = " ext. "  # how a stored number carries its extension; phonenumbers reads it back


@functools.lru_cache(maxsize=65536)
def phone_in_e164(value: str, region: str | None) -> str:
    """phonenumbers' E.164 form of ``value`` read in ``region`` (one parse serves both the
    validity check and the formatting), with its extension after ``EXTENSION``
    (+13606934419 ext. 19272), else NOT_A_NUMBER or INVALID_NUMBER."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return NOT_A_NUMBER
    if not phonenumbers.is_valid_number(number):
        return INVALID_NUMBER
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164 + EXTENSION + number.extension if number.extension else e164
