"""Search-as-you-type lookups behind the record pickers: a page of active records.

Plain queries over a session; the tenant hook scopes them like every other query.
Pickers never list a whole table: a page holds ``PAGE_SIZE`` records and says
whether more follow, so a tenant with a million customers costs one indexed
query per keystroke.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import QueryableAttribute, Session, joinedload

from crm.models import Company, Contact, Customer, Deal, Lead, LeadStatus, Stage
from crm.services.customers.search import MATCHES_FIRST, filter_customers, terms_of

PAGE_SIZE = 20
# Nobody scrolls a picker this far; past it the user narrows the term instead.
MAX_PAGE = 50


@dataclass(frozen=True)
class Matches:
    records: list[Any]
    more: bool


def _page(session: Session, query: Select[Any], page: int | None) -> Matches:
    page = min(max(page or 1, 1), MAX_PAGE)
    # One row past the page tells whether another page follows, without counting.
    rows = list(session.scalars(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)))
    more = len(rows) > PAGE_SIZE and page < MAX_PAGE
    return Matches(rows[:PAGE_SIZE], more)


def customers(session: Session, term: str = "", page: int | None = 1) -> Matches:
    """Active customers whose search text holds every word of ``term``, by name."""
    query = select(Customer).where(Customer.is_active.is_(True))
    # Start from the matches: a word nobody matches then costs nothing, instead of a
    # walk through the whole tenant in name order looking for 20 rows.
    query = filter_customers(query, session.get_bind().dialect.name, term, plan=MATCHES_FIRST)
    return _page(session, query.order_by(Customer.name, Customer.id), page)


def _escaped(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def companies(session: Session, term: str = "", page: int | None = 1) -> Matches:
    """Active companies whose name holds every word of ``term``; names starting with
    the term come first, then by name."""
    words = terms_of(term)
    query = select(Company).where(Company.is_active.is_(True))
    if words:
        name = func.lower(Company.name)
        query = query.where(and_(*(name.like(f"%{_escaped(w)}%", escape="\\") for w in words)))
        starts = name.like(f"{_escaped(' '.join(words))}%", escape="\\")
        query = query.order_by(case((starts, 0), else_=1))
    return _page(session, query.order_by(Company.name, Company.id), page)


# --- pickers of interactions and tasks --------------------------------------------------


def _holds_words(
    columns: Sequence[QueryableAttribute[str]], words: Sequence[str]
) -> ColumnElement[bool]:
    """Every word appears in one of ``columns`` (case-insensitive substring)."""
    return and_(
        *(
            or_(*(func.lower(c).like(f"%{_escaped(w)}%", escape="\\") for c in columns))
            for w in words
        )
    )


def deals_to_link(
    session: Session, term: str = "", page: int | None = 1, customer_id: int | None = None
) -> Matches:
    """Deals whose title holds every word of ``term`` — only ``customer_id``'s when
    given — open ones first, then by title; their customers come along for the label."""
    query = select(Deal).join(Stage, Deal.stage_id == Stage.id).options(joinedload(Deal.customer))
    if customer_id is not None:
        query = query.where(Deal.customer_id == customer_id)
    words = terms_of(term)
    if words:
        query = query.where(_holds_words([Deal.title], words))
    closed = case((or_(Stage.is_won.is_(True), Stage.is_lost.is_(True)), 1), else_=0)
    return _page(session, query.order_by(closed, Deal.title, Deal.id), page)


def leads_to_link(session: Session, term: str = "", page: int | None = 1) -> Matches:
    """Leads whose title, contact or company name holds every word of ``term``;
    open ones (not converted, not in a final status) first, then by title."""
    query = select(Lead).join(LeadStatus, Lead.status_id == LeadStatus.id)
    words = terms_of(term)
    if words:
        query = query.where(_holds_words([Lead.title, Lead.contact_name, Lead.company_name], words))
    finished = case(
        (or_(LeadStatus.is_final.is_(True), Lead.converted_at.is_not(None)), 1), else_=0
    )
    return _page(session, query.order_by(finished, Lead.title, Lead.id), page)


def contacts_of_customer(
    session: Session, customer_id: int, term: str = "", page: int | None = 1
) -> Matches:
    """One customer's contacts whose name or email holds every word of ``term``;
    the primary contact first, then by name."""
    query = select(Contact).where(Contact.customer_id == customer_id)
    words = terms_of(term)
    if words:
        query = query.where(_holds_words([Contact.name, Contact.email], words))
    return _page(session, query.order_by(Contact.is_primary.desc(), Contact.name, Contact.id), page)
