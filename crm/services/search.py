"""Substring search over customers, backed by a trigram index on both databases.

``crm_customer.search_text`` holds name, company, tax number, email, phone and
code in lower case. SQLite indexes it with an FTS5 trigram table kept in step by
triggers; PostgreSQL with a pg_trgm GIN index (both made by the migrations). Both answer ``%term%`` without
reading every row, for terms of three characters or more.
"""
from sqlalchemy import and_, literal_column, select, table

from crm.models import Customer

MIN_INDEXED = 3

def _like_pattern(term):
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def terms_of(query):
    return [t for t in (query or "").lower().split() if t]


def customer_matches(dialect_name, query):
    """A WHERE clause: customers whose search text contains every word of ``query``."""
    clauses = []
    for term in terms_of(query):
        if dialect_name == "sqlite" and len(term) >= MIN_INDEXED:
            phrase = '"' + term.replace('"', '""') + '"'
            fts = select(literal_column("rowid")).select_from(table("crm_customer_fts")).where(
                literal_column("crm_customer_fts").op("MATCH")(phrase))
            clauses.append(Customer.id.in_(fts.scalar_subquery()))
        else:
            clauses.append(Customer.search_text.like(_like_pattern(term), escape="\\"))
    return and_(*clauses) if clauses else None
