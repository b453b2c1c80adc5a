"""What a customer is found by: ``crm_customer.search_text``, the lower-cased name,
company, tax number, email, phone, code, city and the names of its first contacts
(primary first), so the customer list's one trigram index answers a search by any of
them (``crm.services.customers.search``).

Every way a contact is written through a session (screens, API, the customer form,
lead conversion, demo data) keeps its customer's text in step through flush hooks
installed when this module loads; the import writes its rows' text itself with
``compose``, and merge recomputes the survivor's.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, bindparam, inspect, select, update
from sqlalchemy.orm import Session, UOWTransaction

from crm.models import Company, Contact, Customer
from crm.services.core import session_hooks

# Contacts beyond these are not searched: a customer with hundreds of contacts would
# otherwise carry them all in every row of its list's index.
SEARCHED_CONTACTS = 10
_TOUCHED = "crm_contact_text_customers"
_OWN_FIELDS = ("name", "tax_number", "email", "phone", "code", "city")


def compose(values: Mapping[str, Any], company: str | None, contacts: Iterable[str] = ()) -> str:
    """The search text of a customer with these column ``values`` (name, tax_number,
    email, phone, code, city), company name and contact names."""
    parts = [values.get("name"), company, *(values.get(f) for f in _OWN_FIELDS[1:])]
    seen = set()
    words = []
    for part in [*parts, *contacts]:
        text = (part or "").lower()
        if text and text not in seen:  # an individual's own name as a contact: once
            seen.add(text)
            words.append(text)
    return " ".join(words)


def contact_names(
    connection: Connection | Session, customer_ids: Iterable[Any]
) -> dict[Any, list[str]]:
    """The searched contact names of each customer (primary first, then oldest first)."""
    ids = sorted({i for i in customer_ids if i is not None})
    found: dict[Any, list[str]] = {i: [] for i in ids}
    if not ids:
        return found
    table = Contact.__table__
    rows = connection.execute(
        select(table.c.customer_id, table.c.name)
        # The ids written into the text: an import asks for 2,000 at a time, and PostgreSQL
        # would otherwise keep the plan of a prepared statement made on an empty table.
        .where(table.c.customer_id.in_(bindparam("ids", ids, literal_execute=True)))
        .order_by(table.c.customer_id, table.c.is_primary.desc(), table.c.id)
    )
    for customer_id, name in rows:
        names = found[customer_id]
        if len(names) < SEARCHED_CONTACTS:
            names.append(name)
    return found


def refresh(connection: Connection, customer_ids: Iterable[int]) -> None:
    """Rewrite the stored search text of these customers from the database's rows,
    leaving their version and update time alone (a contact's save is not an edit of the
    customer, and must not make an open customer form stale)."""
    ids = sorted({i for i in customer_ids if i is not None})
    if not ids:
        return
    customer, company = Customer.__table__, Company.__table__
    rows = connection.execute(
        select(
            customer.c.id, company.c.name.label("company"), *(customer.c[f] for f in _OWN_FIELDS)
        )
        .select_from(customer.outerjoin(company, company.c.id == customer.c.company_id))
        .where(customer.c.id.in_(ids))
    ).mappings()
    names = contact_names(connection, ids)
    changes = [
        {"_id": row["id"], "text": compose(dict(row), row["company"], names[row["id"]])}
        for row in rows
    ]
    if changes:
        connection.execute(
            update(customer)
            .where(customer.c.id == bindparam("_id"))
            .values(search_text=bindparam("text"), updated_at=customer.c.updated_at),
            changes,
        )


def _contacts(session: Session) -> Iterable[Contact]:
    for collection in (session.new, session.dirty, session.deleted):
        for obj in collection:
            if isinstance(obj, Contact):
                yield obj


def _note_before_flush(session: Session, flush_context: UOWTransaction, instances: object) -> None:
    """The contacts whose names count somewhere else after this flush, and the customers
    they leave (read before the flush overwrites them)."""
    noted = session.info.setdefault(_TOUCHED, ([], set()))
    contacts, left = noted
    for contact in _contacts(session):
        if contact in session.new or contact in session.deleted:
            contacts.append(contact)
            continue
        state = inspect(contact)
        # A move shows on the relationship (screens and API set it) or on the column.
        moved_id, moved = state.attrs.customer_id.history, state.attrs.customer.history
        if any(h.has_changes() for h in (state.attrs.name.history, moved_id, moved)):
            contacts.append(contact)
            left.update(v for v in (*moved_id.deleted, *moved_id.unchanged) if isinstance(v, int))
            left.update(c.id for c in moved.deleted if c is not None and c.id is not None)


def _refresh_after_flush(session: Session, flush_context: UOWTransaction) -> None:
    noted = session.info.get(_TOUCHED)
    if not noted or not noted[0]:
        return
    contacts, left = noted
    left.update(c.customer_id for c in contacts if c.customer_id is not None)  # where now
    refresh(session.connection(), [i for i in left if isinstance(i, int)])


def _expire_refreshed(session: Session, flush_context: UOWTransaction) -> None:
    contacts, left = session.info.pop(_TOUCHED, ([], set()))
    session_hooks.expire_loaded(session, Customer, left, ["search_text"])


session_hooks.listen(
    before_flush=_note_before_flush,
    after_flush=_refresh_after_flush,
    after_flush_postexec=_expire_refreshed,
)
