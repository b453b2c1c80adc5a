"""Match a file's headings to data fields: by key, label (in every UI language) and synonyms.

The user may correct the result; ``clean_mapping`` checks a corrected mapping.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from flask_babel import force_locale, lazy_gettext as _l

from crm.services.bulk.data_fields import DataField, fields_of
from crm.services.bulk.imports.readers import is_number
from crm.services.core.errors import ValidationFailed

_NOISE = re.compile(r"[\s._\-/:*#()\[\]]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# Another program's technical name after the label: Dolibarr writes "Name* (s.nom)".
_PARENTHESISED = re.compile(r"\([^)]*\)")
# A required field that other columns can stand in for: without a Name column a
# customer is named after its contact's first and last name (validate.py).
STAND_INS = {"customers": {"name": ("contact_first_name", "contact_last_name")}}
# Without a Name column, the column that names the customer's company names the customer.
NAME_FROM = {"customers": "company"}
# Fields that hold a name: never guessed for a column of numbers, whatever its heading says
# (French "nombre" is a count, Spanish "nombre" a name).
NAMES = frozenset(
    {"name", "company", "company_name", "contact_name", "contact_first_name", "contact_last_name"}
)
# Rows looked at to tell a column of numbers.
SAMPLE_ROWS = 200


def normalise(heading: str | None) -> str:
    # camelCase split first (companyName -> company Name); NFC: a heading typed with a
    # decomposed nukta or accent matches the composed synonym.
    text = _CAMEL.sub(" ", (heading or "").strip())
    text = unicodedata.normalize("NFC", text.lower())
    return _NOISE.sub("", text).replace("nº", "no").replace("n°", "no")


def forms(heading: str | None) -> tuple[str, ...]:
    """The normalised texts a heading is looked up by: as written, then without the
    parenthesised parts (a field code or a unit)."""
    whole = normalise(heading)
    bare = normalise(_PARENTHESISED.sub(" ", heading or ""))
    return (whole, bare) if bare and bare != whole else (whole,)


def lookup(table: Mapping[str, str], heading: str | None) -> str | None:
    """The field ``table`` ({normalised heading: field key}) knows ``heading`` as, or None."""
    return next((table[form] for form in forms(heading) if form in table), None)


# The languages whose labels name a field, unless the caller gives the interface's
# (config LANGUAGES).
LANGUAGES = ("en",)


def _labels(data_field: DataField, languages: Iterable[str]) -> set[str]:
    names = {str(data_field.label)}
    for language in languages:
        with force_locale(language):
            names.add(str(data_field.label))
    return names


def candidates(
    entity: str, languages: Iterable[str] = LANGUAGES
) -> tuple[dict[str, str], dict[str, str]]:
    """{normalised heading: field key}, strongest meaning first (own key and label in each of
    ``languages``, then synonyms)."""
    strong: dict[str, str]
    weak: dict[str, str]
    strong, weak = {}, {}
    for data_field in fields_of(entity):
        for name in (data_field.key, *_labels(data_field, languages)):
            strong.setdefault(normalise(name), data_field.key)
        for name in data_field.synonyms():
            weak.setdefault(normalise(name), data_field.key)
    return strong, weak


def _numbers_only(rows: Sequence[Sequence[str]], index: int) -> bool:
    cells = [row[index] for row in rows[:SAMPLE_ROWS] if index < len(row) and row[index]]
    return bool(cells) and all(is_number(cell) for cell in cells)


def guess_mapping(
    entity: str,
    headings: Sequence[str],
    rows: Sequence[Sequence[str]] = (),
    languages: Iterable[str] = LANGUAGES,
) -> dict[str, str]:
    """{heading: field key or ""}; a field goes to the first heading that names it.
    ``rows``: the cells under the headings, so a column of numbers is not taken for a name;
    ``languages``: those whose labels count as headings."""
    strong, weak = candidates(entity, languages)
    numbers = {heading for index, heading in enumerate(headings) if _numbers_only(rows, index)}
    mapping: dict[str, str]
    used: set[str]
    mapping, used = {}, set()
    for table in (strong, weak):
        for heading in headings:
            if mapping.get(heading):
                continue
            key = lookup(table, heading)
            if key in NAMES and heading in numbers:
                continue
            if key and key not in used:
                mapping[heading] = key
                used.add(key)
    stand_in = NAME_FROM.get(entity)
    if stand_in in used and "name" not in used:
        heading = next(h for h, key in mapping.items() if key == stand_in)
        mapping[heading] = "name"
    return {heading: mapping.get(heading, "") for heading in headings}


def with_overrides(
    headings: Iterable[str], mapping: Mapping[str, str], overrides: Mapping[str, str]
) -> dict[str, str]:
    """``mapping`` with ``overrides`` ({heading: field key or ""}) applied; a heading is
    found as written, else as ``normalise`` reads it. Raises ValidationFailed naming
    every heading the file does not have."""
    heading: str | None
    by_name: dict[str, str] = {}
    for heading in headings:
        by_name.setdefault(normalise(heading), heading)
    errors: list[Any]
    result, errors = dict(mapping), []
    for wanted, key in overrides.items():
        heading = wanted if wanted in result else by_name.get(normalise(wanted))
        if heading is None:
            errors.append(_l("The file has no column “%(heading)s”.", heading=wanted))
            continue
        if key:
            for other, other_key in result.items():
                if other_key == key and other != heading:
                    result[other] = ""  # the override takes the field from the guess
        result[heading] = key
    if errors:
        raise ValidationFailed({"mapping": errors})
    return result


def clean_mapping(
    entity: str, headings: Iterable[str], mapping: Mapping[str, str | None]
) -> dict[str, str]:
    """A user-corrected mapping: known fields, each at most once, required fields present."""
    keys = {f.key for f in fields_of(entity)}
    clean: dict[str, str]
    seen: dict[str, str]
    errors: list[Any]
    clean, seen, errors = {}, {}, []
    for heading in headings:
        key = (mapping.get(heading) or "").strip()
        if key and key not in keys:
            errors.append(_l("“%(heading)s” is mapped to an unknown field.", heading=heading))
            key = ""
        if key and key in seen:
            errors.append(
                _l(
                    "“%(a)s” and “%(b)s” are both mapped to the same field; map one of "
                    "them to nothing.",
                    a=seen[key],
                    b=heading,
                )
            )
        if key:
            seen.setdefault(key, heading)
        clean[heading] = key
    stand_ins = STAND_INS.get(entity, {})
    for data_field in fields_of(entity):
        if (
            data_field.required
            and data_field.key not in seen
            and not any(key in seen for key in stand_ins.get(data_field.key, ()))
        ):
            errors.append(
                _l("No column is mapped to %(field)s, which is required.", field=data_field.label)
            )
    if errors:
        raise ValidationFailed({"mapping": errors})
    return clean
