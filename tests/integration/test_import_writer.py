"""The import's writing machinery: ids given out before rows are written are the rows' ids,
SQLite's write lock is held from the first id on (no other connection can add a row and
take an id), statements queued to the writing thread run in order, and a failed statement
is raised to the importing thread, stops the statements after it and leaves nothing."""

import sqlite3
import time

import pytest
from sqlalchemy import func, select

from crm.models import AuditEntry, Customer
from crm.models.base import utcnow
from crm.security.tenancy import tenant_scope
from crm.services.bulk.imports.bulk_sql import BulkInserter
from crm.services.bulk.imports.statement_queue import StatementQueue


def audit_row(tenant_id, entity_id, summary):
    return {
        "tenant_id": tenant_id,
        "user_id": None,
        "username": "test",
        "at": utcnow(),
        "entity": "customer",
        "entity_id": entity_id,
        "action": "create",
        "changes": {"name": [None, summary]},
        "summary": summary,
        "parent_entity": None,
        "parent_id": None,
    }


def customer_row(tenant_id, i):
    now = utcnow()
    return {
        "tenant_id": tenant_id,
        "name": f"Queued {i}",
        "code": f"Q{i:05d}",
        "kind": "company",
        "email": f"queued{i}@example.com",
        "currency": "EUR",
        "discount_rate": 0,
        "credit_hold": False,
        "is_active": True,
        "balance": 0,
        "order_total": 0,
        "search_text": f"queued {i}",
        "created_at": now,
        "updated_at": now,
    }


def test_given_ids_are_the_rows_ids_in_order(app, acme, db_session):
    with db_session() as session, tenant_scope(acme.id):
        statements = StatementQueue(threaded=True)
        try:
            inserter = BulkInserter(session, statements)
            first = inserter.insert(
                Customer.__table__, [customer_row(acme.id, i) for i in range(5)]
            )
            second = inserter.insert(
                Customer.__table__, [customer_row(acme.id, i) for i in range(5, 8)]
            )
            inserter.insert(
                AuditEntry.__table__,
                [audit_row(acme.id, cid, f"Queued {i}") for i, cid in enumerate(first + second)],
                want_ids=False,
            )
            statements.finish()
        finally:
            statements.close()
        assert len(set(first + second)) == 8 and first + second == sorted(first + second)
        stored = dict(
            session.execute(
                select(Customer.id, Customer.name).where(Customer.code.like("Q%"))
            ).all()
        )
        assert stored == {cid: f"Queued {i}" for i, cid in enumerate(first + second)}
        audited = dict(
            session.execute(
                select(AuditEntry.entity_id, AuditEntry.summary).where(
                    AuditEntry.username == "test"
                )
            ).all()
        )
        assert audited == stored
        session.rollback()


def test_sqlite_holds_the_write_lock_from_the_first_id(app, acme, db_session):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        pytest.skip("SQLite's database-wide write lock")
    path = app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///") :]
    with db_session() as session, tenant_scope(acme.id):
        ids = BulkInserter(session)._sqlite_ids(Customer.__table__, 3)  # nothing written yet
        assert len(ids) == 3
        other = sqlite3.connect(path, timeout=0.2)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute(
                    "INSERT INTO crm_tenant (name, created_at) VALUES ('Other', '2026-01-01')"
                )
        finally:
            other.close()
        session.rollback()


def test_a_failed_statement_is_raised_and_stops_the_queue(app, acme, db_session):
    ran = []
    statements = StatementQueue(threaded=True)
    try:
        statements.submit(lambda: ran.append(1))

        def fail():
            raise RuntimeError("disk full")

        statements.submit(fail)
        statements.submit(lambda: ran.append(3))
        with pytest.raises(RuntimeError, match="disk full"):
            statements.finish()
    finally:
        statements.close()
    assert ran == [1]


def test_a_failed_insert_leaves_nothing_after_rollback(app, acme, db_session):
    with db_session() as session, tenant_scope(acme.id):
        before = session.scalar(select(func.count(Customer.id)))
        statements = StatementQueue(threaded=True)
        try:
            inserter = BulkInserter(session, statements)
            inserter.insert(Customer.__table__, [customer_row(acme.id, 1)])
            inserter.insert(Customer.__table__, [customer_row(acme.id, 1)])  # same email and code
            with pytest.raises(Exception, match="(?i)unique"):
                statements.finish()
        finally:
            statements.close()
        session.rollback()
        assert session.scalar(select(func.count(Customer.id))) == before


def test_a_pause_leaves_the_connection_to_the_importing_thread_and_delays_what_follows():
    """The pause after a chunk's commit (SQLite's hand-off to waiting writers) holds back the
    statements queued after it but not the importing thread's reads."""
    ran: list[tuple[str, float]] = []
    statements = StatementQueue(threaded=True)
    try:
        started = time.monotonic()
        statements.submit(lambda: ran.append(("commit", time.monotonic() - started)))
        statements.pause(0.3)
        statements.submit(lambda: ran.append(("next chunk", time.monotonic() - started)))
        time.sleep(0.05)
        with statements.turn():  # not held by the pause
            ran.append(("read", time.monotonic() - started))
        statements.finish()
    finally:
        statements.close()
    assert [name for name, _ in ran] == ["commit", "read", "next chunk"]
    assert dict(ran)["read"] < 0.3 <= dict(ran)["next chunk"]
