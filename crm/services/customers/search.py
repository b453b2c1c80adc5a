"""Substring search over a list (customers, companies, contacts, leads, deals, invoices),
backed by a trigram index on both databases.

``crm_customer.search_text`` holds name, company, tax number, email, phone, code,
city and contact names in lower case (``customer_text``); the other lists' ``search_text`` is the lower-cased searched
columns, computed by the database (``crm.models.base.searched_text``). SQLite
indexes it with an FTS5 trigram table (``<table>_fts``) kept in step by triggers;
PostgreSQL with a pg_trgm GIN index (both made by the migrations). Both answer
``%term%`` without reading every row, for terms of three characters or more.

A page of matches can be found two ways, and which one is fast depends on how
many rows match, which the databases guess badly (SQLite keeps no statistics
unless someone runs ANALYZE; PostgreSQL estimates ``LIKE '%word%'`` from a
100-row sample of the whole table, all tenants). The caller, which has counted
the matches, chooses a ``plan``:

``MATCHES_FIRST``
    read the matching rows through the trigram index, then sort them: the cost
    follows the number of matches. SQLite joins the FTS5 matches as a
    materialised set (a subquery with a LIMIT is never flattened), so it cannot
    instead walk a ``tenant_id``/``is_active`` index probing every row;
    PostgreSQL takes the matching ids first (``id = ANY(ARRAY(...))``), so a
    word it wrongly thinks common cannot send it walking the whole tenant.
``IN_ORDER``
    walk the list's sort index and keep matching rows until the page is full:
    the cost follows how far the page lies (page end / share of rows matching),
    so it suits words that match many rows. SQLite probes the FTS5 matches;
    PostgreSQL tests ``strpos(search_text, word) > 0``, which the trigram index
    cannot serve and which it does not estimate as rare (``LIKE`` on an
    unindexed expression it puts at 0.01 % and then plans parallel workers).

Without a plan (counts, other callers) SQLite starts from the FTS5 matches and
PostgreSQL chooses itself, which for a count is the trigram index.
"""

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, any_, func, literal_column, select, table
from sqlalchemy.orm import Query, aliased

from crm.models import Customer

MIN_INDEXED = 3
MATCHES_FIRST = "matches-first"
IN_ORDER = "in-order"

# A list query: a statement (pickers) or the list screens' Query.
Q = TypeVar("Q", Select[Any], Query[Any])


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def terms_of(query: str | None) -> list[str]:
    return [t for t in (query or "").lower().split() if t]


def _split(dialect_name: str, query: str | None) -> tuple[list[str], list[str]]:
    """(words the FTS5 index answers, words matched with LIKE)."""
    terms = terms_of(query)
    if dialect_name != "sqlite":
        return [], terms
    return ([t for t in terms if len(t) >= MIN_INDEXED], [t for t in terms if len(t) < MIN_INDEXED])


def _fts_rowids(entity: Any, terms: list[str]) -> Select[Any]:
    """Ids of the rows (all tenants) whose search text contains every term."""
    fts = f"{entity.__tablename__}_fts"
    phrases = " AND ".join('"' + term.replace('"', '""') + '"' for term in terms)
    return (
        select(literal_column("rowid").label("id"))
        .select_from(table(fts))
        .where(literal_column(fts).op("MATCH")(phrases))
    )


def _like_clauses(entity: Any, terms: list[str]) -> list[ColumnElement[bool]]:
    return [entity.search_text.like(_like_pattern(term), escape="\\") for term in terms]


def _substring_clauses(entity: Any, terms: list[str]) -> list[ColumnElement[bool]]:
    # The same test as LIKE '%term%' (a literal substring), but one the trigram index
    # cannot serve and PostgreSQL does not take for rare: it walks the sort index.
    return [func.strpos(entity.search_text, term) > 0 for term in terms]


def filter_by_text(
    query: Q, entity: Any, dialect_name: str, text: str | None, plan: str | None = None
) -> Q:
    """``query`` (of ``entity``, a model with ``search_text`` and its index) narrowed to
    rows whose search text contains every word."""
    indexed, scanned = _split(dialect_name, text)
    if dialect_name == "sqlite":
        if indexed and plan == IN_ORDER:
            query = query.filter(entity.id.in_(_fts_rowids(entity, indexed).scalar_subquery()))
        elif indexed:
            matches = _fts_rowids(entity, indexed).limit(-1).subquery("crm_search")
            query = query.join(matches, entity.id == matches.c.id)
        clauses = _like_clauses(entity, scanned)
    elif plan == IN_ORDER:
        clauses = _substring_clauses(entity, scanned)
    elif plan == MATCHES_FIRST and scanned:
        match = aliased(entity, name="crm_match")  # the tenancy hook scopes aliases too
        ids = select(match.id).where(*_like_clauses(match, scanned))
        clauses = [entity.id == any_(func.array(ids.scalar_subquery()))]
    else:
        clauses = _like_clauses(entity, scanned)
    return query.filter(*clauses) if clauses else query


def filter_customers(query: Q, dialect_name: str, text: str | None, plan: str | None = None) -> Q:
    """``query`` (of Customer) narrowed to customers whose search text contains every word."""
    return filter_by_text(query, Customer, dialect_name, text, plan)
