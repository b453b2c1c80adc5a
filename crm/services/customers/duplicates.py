"""Likely duplicate customers: the finder's scored pairs and the form's hints.

The finder never compares every pair. Exact signals (email, tax number, phone) are
found by grouping on a normalised key in SQL; names are blocked by a cheap key (their
first letters, grouped in SQL) and only names within a block are scored, with
rapidfuzz. Only active customers take part (merged records are archived).
"""

import dataclasses
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from flask_babel import gettext, lazy_gettext as _l
from rapidfuzz import fuzz, process
from sqlalchemy import ColumnElement, String, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from crm.models import Customer
from crm.services.core.validation import FieldInvalid, clean_email, clean_phone

# Points each signal adds to a pair's score (capped at 100); a name adds its weight
# scaled by the similarity, and only from NAME_MIN_SIMILARITY up.
SIGNAL_WEIGHTS = {"email": 60, "tax_number": 60, "phone": 40, "name": 50}
SIGNAL_LABELS = {
    "email": _l("same email"),
    "tax_number": _l("same tax number"),
    "phone": _l("same phone"),
    "name": _l("similar name"),
}
NAME_MIN_SIMILARITY = 85
# Names are blocked by their first letters; a block larger than MAX_BLOCK is split
# further by longer prefixes of the normalised name.
NAME_PREFIX = 3
MAX_BLOCK = 1000
# More records than this sharing one phone or tax number (a switchboard, a group's
# shared number) are not paired: they are not duplicates of each other.
MAX_GROUP = 25
# Words that say nothing about which company a name means.
LEGAL_FORMS = frozenset(
    """ltd limited llc inc incorporated corp corporation co company plc gmbh
ag kg ohg ug sa sas sarl srl spa bv nv ab oy as aps pty the und and et of""".split()
)
HINT_LIMIT = 5

T = TypeVar("T")


class email_key(FunctionElement[str]):
    """An email in lower case without a ``+tag`` in its local part."""

    type = String()
    inherit_cache = True


@compiles(email_key)
def _email_key_default(element: email_key, compiler: SQLCompiler, **kw: Any) -> str:
    return "lower(%s)" % compiler.process(element.clauses, **kw)


@compiles(email_key, "postgresql")
def _email_key_pg(element: email_key, compiler: SQLCompiler, **kw: Any) -> str:
    return "regexp_replace(lower(%s), '\\+[^@]*@', '@')" % compiler.process(element.clauses, **kw)


@compiles(email_key, "sqlite")
def _email_key_sqlite(element: email_key, compiler: SQLCompiler, **kw: Any) -> str:
    e = "lower(%s)" % compiler.process(element.clauses, **kw)
    plus, at = f"instr({e}, '+')", f"instr({e}, '@')"
    return (
        f"(CASE WHEN {plus} > 0 AND {plus} < {at} "
        f"THEN substr({e}, 1, {plus} - 1) || substr({e}, {at}) ELSE {e} END)"
    )


def normalise_email(value: str | None) -> str:
    value = (value or "").strip().lower()
    return re.sub(r"\+[^@]*@", "@", value)


def normalise_name(value: str | None) -> str:
    words = re.findall(r"\w+", (value or "").lower())
    kept = [w for w in words if w not in LEGAL_FORMS]
    return " ".join(kept or words)


def name_similarity(a: str | None, b: str | None) -> float:
    return fuzz.token_sort_ratio(normalise_name(a), normalise_name(b))


def normalise_tax_number(value: str | None) -> str | None:
    return re.sub(r"[\s.\-/]", "", (value or "")).upper() or None


@dataclasses.dataclass
class Pair:
    first_id: int
    second_id: int
    # signal -> detail (similarity for names)
    reasons: dict[str, bool | float] = dataclasses.field(default_factory=dict)
    first: Customer | None = None
    second: Customer | None = None

    @property
    def score(self) -> int:
        total: float = sum(SIGNAL_WEIGHTS[s] for s in self.reasons if s != "name")
        if "name" in self.reasons:
            total += SIGNAL_WEIGHTS["name"] * self.reasons["name"] / 100
        return min(100, round(total))

    def reason_labels(self) -> list[str]:
        return [
            str(SIGNAL_LABELS[s]) + (f" ({round(v)} %)" if s == "name" else "")
            for s, v in self.reasons.items()
        ]


# --- the finder ----------------------------------------------------------------------

_ACTIVE = (Customer.is_active.is_(True), Customer.merged_into_id.is_(None))
# (customer id, normalised name): the names one block scores against each other.
Block = tuple[int, str]


def _exact_groups(session: Session, key: ColumnElement[Any]) -> Iterator[list[int]]:
    """Lists of ids sharing ``key`` (groups of 2 to MAX_GROUP records)."""
    shared = (
        select(key.label("k"))
        .where(*_ACTIVE, key.isnot(None), key != "")
        .group_by(key)
        .having(func.count() > 1, func.count() <= MAX_GROUP)
    ).subquery()
    rows = session.execute(
        select(key, Customer.id)
        .where(*_ACTIVE, key.in_(select(shared.c.k)))
        .order_by(key, Customer.id)
    )
    for _, group in itertools.groupby(rows, key=lambda r: r[0]):
        yield [r[1] for r in group]


def _name_blocks(session: Session) -> Iterator[list[Block]]:
    key = func.lower(func.substr(Customer.name, 1, NAME_PREFIX))
    shared = (
        select(key.label("k")).where(*_ACTIVE).group_by(key).having(func.count() > 1)
    ).subquery()
    rows = session.execute(
        select(key, Customer.id, Customer.name)
        .where(*_ACTIVE, key.in_(select(shared.c.k)))
        .order_by(key)
    )
    for _, group in itertools.groupby(rows, key=lambda r: r[0]):
        yield from _split_block([(r[1], normalise_name(r[2])) for r in group], NAME_PREFIX)


def _split_block(block: list[Block], length: int) -> Iterator[list[Block]]:
    if len(block) <= MAX_BLOCK or length > 12:
        if len(block) > 1:
            yield block
        return
    block.sort(key=lambda r: r[1])
    for _, sub in itertools.groupby(block, key=lambda r: r[1][: length + 2]):
        yield from _split_block(list(sub), length + 2)


def _similar_names(block: list[Block]) -> Iterator[tuple[int, int, int]]:
    names = [n for _, n in block]
    scores = process.cdist(
        names, names, scorer=fuzz.token_sort_ratio, score_cutoff=NAME_MIN_SIMILARITY, dtype="uint8"
    )
    for i, j in zip(*scores.nonzero()):
        if i < j:
            yield block[i][0], block[j][0], int(scores[i, j])


def candidate_pairs(session: Session) -> list[Pair]:
    """Every likely pair of the current tenant, best first (ids and reasons only)."""
    pairs: dict[tuple[int, int], Pair] = {}

    def add(a: int, b: int, signal: str, detail: bool | float) -> None:
        key = (min(a, b), max(a, b))
        pairs.setdefault(key, Pair(*key)).reasons[signal] = detail

    for signal, column in (
        ("email", email_key(Customer.email)),
        ("tax_number", Customer.tax_number),
        ("phone", Customer.phone),
    ):
        for ids in _exact_groups(session, column):
            for a, b in itertools.combinations(ids, 2):
                add(a, b, signal, True)
    for block in _name_blocks(session):
        for a, b, similarity in _similar_names(block):
            add(a, b, "name", similarity)
    return sorted(pairs.values(), key=lambda p: (-p.score, p.first_id, p.second_id))


def find_duplicates(session: Session, page: int = 0, page_size: int = 25) -> tuple[list[Pair], int]:
    """(one page of pairs with both customers loaded, total number of pairs)."""
    pairs = candidate_pairs(session)
    shown = pairs[page * page_size : (page + 1) * page_size]
    ids = {i for p in shown for i in (p.first_id, p.second_id)}
    customers = {c.id: c for c in session.scalars(select(Customer).where(Customer.id.in_(ids)))}
    for pair in shown:
        pair.first, pair.second = customers.get(pair.first_id), customers.get(pair.second_id)
        if "name" not in pair.reasons and pair.first is not None and pair.second is not None:
            similarity = name_similarity(pair.first.name, pair.second.name)
            if similarity >= NAME_MIN_SIMILARITY:
                pair.reasons["name"] = similarity
    return shown, len(pairs)


# --- hints while a customer is entered -----------------------------------------------


def _clean(cleaner: Callable[..., T], *args: Any) -> T | None:
    try:
        return cleaner(*args)
    except FieldInvalid:
        return None


def hints(
    session: Session,
    name: str | None = None,
    email: str | None = None,
    tax_number: str | None = None,
    phone: str | None = None,
    country: str | None = None,
    exclude_id: int | None = None,
) -> dict[str, Any]:
    """Existing customers the one being entered may duplicate.

    Returns ``{"errors": {field: message}, "matches": [...]}``: the email is unique, so
    a match there is an error; the other signals are warnings the user may save over."""
    found: dict[int, tuple[Customer, dict[str, bool | float]]] = {}

    def add(customer: Customer, signal: str, detail: bool | float = True) -> None:
        found.setdefault(customer.id, (customer, {}))[1][signal] = detail

    def others(*where: ColumnElement[bool]) -> Sequence[Customer]:
        query = select(Customer).where(*where)
        if exclude_id:
            query = query.where(Customer.id != exclude_id)
        return session.scalars(query.limit(HINT_LIMIT)).all()

    errors = {}
    email = _clean(clean_email, email, False)
    if email:
        for customer in others(func.lower(Customer.email) == email.lower()):
            add(customer, "email")
            errors["email"] = gettext(
                "%(name)s (%(code)s) already uses %(email)s.",
                name=customer.name,
                code=customer.code,
                email=customer.email,
            )
        for customer in others(
            email_key(Customer.email) == normalise_email(email),
            func.lower(Customer.email) != email.lower(),
        ):
            add(customer, "email")
    tax = normalise_tax_number(tax_number)
    if tax:
        for customer in others(Customer.tax_number == tax):
            add(customer, "tax_number")
    phone = _clean(clean_phone, phone, country)
    if phone:
        for customer in others(Customer.phone == phone):
            add(customer, "phone")
    wanted = normalise_name(name)
    if len(wanted) >= NAME_PREFIX:
        prefix = (name or "").strip().lower()[:NAME_PREFIX]
        query = select(Customer.id, Customer.name).where(
            *_ACTIVE, func.lower(func.substr(Customer.name, 1, NAME_PREFIX)) == prefix
        )
        if exclude_id:
            query = query.where(Customer.id != exclude_id)
        rows = session.execute(query.limit(500)).all()
        best = process.extract(
            wanted,
            {r[0]: normalise_name(r[1]) for r in rows},
            scorer=fuzz.token_sort_ratio,
            score_cutoff=NAME_MIN_SIMILARITY,
            limit=HINT_LIMIT,
        )
        if best:
            named = {
                c.id: c
                for c in session.scalars(
                    select(Customer).where(Customer.id.in_([b[2] for b in best]))
                )
            }
            for _, similarity, pk in best:
                add(named[pk], "name", similarity)
    matches = []
    for customer, reasons in found.values():
        pair = Pair(0, customer.id, reasons)
        matches.append(
            {
                "id": customer.id,
                "name": customer.name,
                "code": customer.code,
                "email": customer.email,
                "is_active": customer.is_active,
                "score": pair.score,
                "reasons": pair.reason_labels(),
            }
        )
    matches.sort(key=lambda m: -m["score"])
    return {"errors": errors, "matches": matches[:HINT_LIMIT]}
