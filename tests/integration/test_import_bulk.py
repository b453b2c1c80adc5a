"""Imports of many rows: every contact, address, audit entry and import item belongs to its
own customer across chunks; matching by email (case, apostrophes) on re-import; search finds
imported customers; the lookups use the unique email index; Import buttons on the lists."""

import gc
import re

import pytest
from sqlalchemy import func, select

from crm.models import Address, AuditEntry, Contact, Customer, ImportItem, ImportRun
from crm.security.tenancy import tenant_scope
from crm.services.bulk.imports import runs
from crm.services.bulk.imports.validate import CHUNK, RowChecker
from crm.services.core.audit import acting_as
from tests.integration import import_files

HEAD = [
    "Name",
    "Email",
    "Phone",
    "Contact name",
    "Contact email",
    "Billing street",
    "Billing city",
    "Billing country",
]
ROWS = CHUNK + 150  # two chunks


def _row(i):
    return [
        f"Customer {i} Ltd",
        f"Buyer{i}@Customer{i % 7}.EXAMPLE",
        f"+49 30 1234{i % 10000:04d}",
        f"Person {i}",
        f"person{i}@customer{i % 7}.example",
        f"{i} High Street",
        "Springfield",
        "DE",
    ]


def _import(session, tenant_id, path, name, mode="valid_rows"):
    with tenant_scope(tenant_id), acting_as("test"):
        run = runs.create_run(session, "customers", name, path.read_bytes(), username="test")
        runs.begin(session, run, mode)
        return runs.execute(session, run)


def test_rows_over_several_chunks_keep_their_parts_audit_and_items(app, acme, tmp_path, db_session):
    last = _row(ROWS - 1)
    earlier = import_files.csv_file(
        tmp_path / "earlier.csv",
        [HEAD, [f"Customer {ROWS - 1} (old name)", last[1].lower()] + last[2:]],
    )
    path = import_files.xlsx(
        tmp_path / "many.xlsx", [HEAD] + [_row(i) for i in range(ROWS)] + [_row(5)]
    )  # the same email again, in the second chunk
    with db_session() as s:
        assert _import(s, acme.id, earlier, "earlier.csv").created_count == 1
        run = _import(s, acme.id, path, "many.xlsx")
        assert (run.status, run.created_count, run.updated_count, run.failed_count) == (
            "done",
            ROWS - 1,
            1,
            1,
        ), run.message
        assert gc.isenabled()
    with db_session() as s, tenant_scope(acme.id):
        customers = {c.id: c for c in s.scalars(select(Customer))}
        assert len(customers) == ROWS
        number = {cid: int(re.search(r"\d+", c.name).group()) for cid, c in customers.items()}
        for cid, c in customers.items():
            i = number[cid]
            # the form's normalisation: the domain in lower case, the local part as typed
            assert c.email == f"Buyer{i}@customer{i % 7}.example"
            assert c.phone == f"+49301234{i % 10000:04d}"
            assert (c.city, c.country) == ("Springfield", "DE")
        contacts = s.execute(select(Contact.customer_id, Contact.name, Contact.id)).all()
        assert len(contacts) == ROWS
        assert all(name == f"Person {number[cid]}" for cid, name, _ in contacts)
        addresses = s.execute(select(Address.customer_id, Address.line1, Address.id)).all()
        assert len(addresses) == ROWS
        assert all(line1 == f"{number[cid]} High Street" for cid, line1, _ in addresses)
        audits = s.execute(
            select(
                AuditEntry.entity,
                AuditEntry.entity_id,
                AuditEntry.parent_id,
                AuditEntry.summary,
                AuditEntry.changes,
            ).where(
                AuditEntry.action == "create",
                AuditEntry.entity.in_(("customer", "contact", "address")),
            )
        ).all()
        by_entity = {}
        for entry in audits:
            by_entity.setdefault(entry.entity, []).append(entry)
        assert {k: len(v) for k, v in by_entity.items()} == {
            "customer": ROWS,
            "contact": ROWS,
            "address": ROWS,
        }
        for entry in by_entity["customer"]:
            customer = customers[entry.entity_id]
            if number[customer.id] == ROWS - 1:  # created by the earlier file, then updated
                assert entry.summary == f"Customer {ROWS - 1} (old name) ({customer.code})"
                continue
            assert entry.summary == f"{customer.name} ({customer.code})"
            assert entry.changes["email"] == [None, customer.email]
            assert "search_text" not in entry.changes and "tenant_id" not in entry.changes
        contact_owner = {contact_id: cid for cid, _, contact_id in contacts}
        for entry in by_entity["contact"]:
            assert contact_owner[entry.entity_id] == entry.parent_id
            assert entry.summary == f"Person {number[entry.parent_id]}"
        address_owner = {address_id: cid for cid, _, address_id in addresses}
        for entry in by_entity["address"]:
            assert address_owner[entry.entity_id] == entry.parent_id
        items = s.scalars(
            select(ImportItem.record_id).where(ImportItem.import_run_id == run.id)
        ).all()
        assert sorted(items) == sorted(customers)
        assert (
            s.scalar(
                select(func.count(AuditEntry.id)).where(
                    AuditEntry.entity == "customer", AuditEntry.action == "update"
                )
            )
            == 1
        )


def test_search_finds_imported_customers(app, acme, acme_manager, browser, tmp_path):
    path = import_files.xlsx(tmp_path / "few.xlsx", [HEAD] + [_row(i) for i in range(30)])
    from crm.extensions import db

    with app.app_context():
        assert _import(db.session, acme.id, path, "few.xlsx").status == "done"
    page = (
        browser(acme_manager)
        .get("/customers/list/?_flt_0_search_text=buyer17@")
        .get_data(as_text=True)
    )
    assert "Customer 17 Ltd" in page and "Customer 16 Ltd" not in page


def test_reimport_matches_emails_ignoring_case_with_apostrophes(app, acme, tmp_path, db_session):
    first = import_files.csv_file(
        tmp_path / "first.csv",
        [
            ["Name", "Email"],
            ["O'Brien & Sons", "Sean.O'Brien@Example.com"],
            ["Plain", "a@b.example"],
        ],
    )
    second = import_files.csv_file(
        tmp_path / "second.csv",
        [
            ["Name", "Email"],
            ["O'Brien and Sons", "sean.o'brien@EXAMPLE.COM"],
            ["Plain", "a@B.EXAMPLE"],
        ],
    )
    with db_session() as s:
        assert _import(s, acme.id, first, "first.csv").created_count == 2
        run = _import(s, acme.id, second, "second.csv")
        assert (run.created_count, run.updated_count, run.unchanged_count) == (0, 1, 1), run.message
    with db_session() as s, tenant_scope(acme.id):
        assert s.scalar(select(func.count(Customer.id))) == 2
        assert s.execute(
            select(Customer.name, Customer.email).where(Customer.name.like("O'Brien%"))
        ).all() == [("O'Brien and Sons", "sean.o'brien@example.com")]


def test_the_match_lookup_searches_the_unique_email_index(app, acme, db_session):
    with db_session() as s:
        if s.get_bind().dialect.name != "sqlite":
            pytest.skip("PostgreSQL keeps statistics; the query names no index there")
        checker = RowChecker(s, acme.id, "customers", {"Email": "email"}, ["Email"])
        query = checker._match_query(["a@b.example", "c@d.example"])
        sql = str(
            query.compile(dialect=s.get_bind().dialect, compile_kwargs={"render_postcompile": True})
        )
        plan = (
            s.connection()
            .exec_driver_sql("EXPLAIN QUERY PLAN " + sql, (acme.id, "a@b.example", "c@d.example"))
            .all()
        )
        assert "USING INDEX uq_customer_email" in " ".join(str(row[-1]) for row in plan)
        assert len(s.execute(query).all()) == 0


def test_lists_offer_import_to_those_who_may_import(app, acme, acme_manager, acme_member, browser):
    manager, member = browser(acme_manager), browser(acme_member)
    for url, entity in (
        ("/customers/list/", "customers"),
        ("/companies/list/", "companies"),
        ("/leads/list/", "leads"),
    ):
        page = manager.get(url).get_data(as_text=True)
        link = f'href="/import/?entity={entity}"'
        assert link in page, url
        upload = manager.get(f"/import/?entity={entity}").get_data(as_text=True)
        assert f'<option value="{entity}" selected>' in upload
        member_page = member.get(url)
        assert member_page.status_code == 200 and "/import/?entity=" not in member_page.get_data(
            as_text=True
        )


def test_an_all_or_nothing_import_that_stops_midway_leaves_nothing_behind(
    app, acme, tmp_path, db_session, monkeypatch
):
    """One transaction on both databases (valid rows commit chunk by chunk on SQLite:
    test_import_beside_other_tenants.py)."""
    from crm.services.bulk.imports import commit

    path = import_files.xlsx(tmp_path / "many.xlsx", [HEAD] + [_row(i) for i in range(ROWS)])
    calls = []
    flush_rows = commit.Writer._flush_rows

    def failing_second_time(self, audits, items):
        calls.append(len(items))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return flush_rows(self, audits, items)

    monkeypatch.setattr(commit.Writer, "_flush_rows", failing_second_time)
    with db_session() as s:
        run = _import(s, acme.id, path, "many.xlsx", mode="all_or_nothing")
        assert run.status == "failed" and "disk full" in run.message
        assert calls == [CHUNK, ROWS - CHUNK]
    with db_session() as s:
        for model in (Customer, Contact, Address, ImportItem):
            assert s.scalar(select(func.count(model.id))) == 0, model
        assert (
            s.scalar(
                select(func.count(AuditEntry.id)).where(
                    AuditEntry.entity.in_(("customer", "contact", "address"))
                )
            )
            == 0
        )
        assert s.scalar(select(ImportRun.status)) == "failed"


def _import_coded(db_session, tenant, tmp_path, name, count, codes):
    """Import ``count`` customers "<name> <i>", row i with the code ``codes.get(i)``."""
    rows = [["Name", "Email", "Code"]] + [
        [f"{name} {i}", f"{name.lower()}{i}@example.com", codes.get(i, "")] for i in range(count)
    ]
    path = import_files.csv_file(tmp_path / f"{name}.csv", rows)
    with db_session() as s:
        return _import(s, tenant.id, path, f"{name}.csv")


def test_generated_codes_never_take_a_code_the_file_names(app, acme, tmp_path, db_session):
    """Rows without a code get the next free ones; a code another row names, in this chunk
    or a later one, is left for that row (the later row's INSERT may still be queued)."""
    with db_session() as s:
        first = (
            s.scalar(select(func.max(Customer.id)).execution_options(all_tenants=True)) or 0
        ) + 1
    named_later, named_here = f"C{first + 3:06d}", f"C{first + CHUNK + 40:06d}"
    run = _import_coded(
        db_session, acme, tmp_path, "Coded", CHUNK + 100, {1: named_here, CHUNK + 50: named_later}
    )
    assert (run.status, run.created_count, run.failed_count) == ("done", CHUNK + 100, 0), (
        run.message
    )
    with db_session() as s, tenant_scope(acme.id):
        codes = dict(
            s.execute(
                select(Customer.name, Customer.code).where(Customer.name.like("Coded %"))
            ).all()
        )
    assert len(set(codes.values())) == CHUNK + 100
    assert codes["Coded 1"] == named_here and codes[f"Coded {CHUNK + 50}"] == named_later
    assert codes["Coded 0"] == f"C{first:06d}" and codes["Coded 2"] == f"C{first + 1:06d}"


def test_a_code_named_twice_fails_the_later_row_even_in_a_later_chunk(
    app, acme, tmp_path, db_session
):
    run = _import_coded(
        db_session,
        acme,
        tmp_path,
        "Twice",
        CHUNK + 20,
        {0: "KEY-1", CHUNK + 5: "KEY-1", 7: "KEY-2", 9: "KEY-2"},
    )
    assert (run.status, run.created_count, run.failed_count) == ("done", CHUNK + 18, 2), run.message
    with db_session() as s, tenant_scope(acme.id):
        by_code = dict(
            s.execute(
                select(Customer.code, Customer.name).where(Customer.code.in_(["KEY-1", "KEY-2"]))
            ).all()
        )
    assert by_code == {"KEY-1": "Twice 0", "KEY-2": "Twice 7"}
