"""Writes an import's checked rows: creates and updates with their contacts, addresses,
audit entries and import items, as many-row statements queued to the writing thread."""

import datetime as dt
from collections import deque
from collections.abc import Container, Iterable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Integer, Table, bindparam, select, update
from sqlalchemy.orm import Session

from crm.models import Address, AuditEntry, Company, Contact, ImportItem, ImportRun
from crm.services.bulk.data_fields import model_of
from crm.services.bulk.imports.bulk_sql import BulkInserter
from crm.services.bulk.imports.statement_queue import StatementQueue
from crm.services.bulk.imports.validate import RowResult, literal_list
from crm.services.core.audit import entity_name, entry_row, plain_value as audit_plain, who
from crm.services.core.transaction import commit_so_far
from crm.services.customers import customer_text, customers, tax_registrations

# Seconds an import leaves SQLite's write lock free after each chunk: longer than the 100 ms
# between a waiting writer's retries (see Writer.commit_chunk).
WRITER_HANDOFF = 0.12

PARTS = ("contact", "billing", "shipping")
CODE_BATCH = 5000  # generated customer codes reserved and checked per query
SEARCH_COLUMNS = ("name", "tax_number", "email", "phone", "code", "company_id")
AUDIT_EXCLUDED = {"id", "created_at", "updated_at", "search_text"}
NOT_AUDITED = AUDIT_EXCLUDED | {"tenant_id"}
_AS_IS = frozenset({str, int, bool, float, type(None)})


def plain(value: Any) -> Any:
    """A value as the audit trail stores it (crm.services.core.audit.plain_value), plain types first."""
    return value if type(value) in _AS_IS else audit_plain(value)


def created_changes(row: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The audit changes of a new row: every set column but the bookkeeping ones."""
    return {
        k: [None, v if type(v) in _AS_IS else audit_plain(v)]
        for k, v in row.items()
        if v is not None and k not in NOT_AUDITED
    }


def _defaults(table: Table, now: dt.datetime) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in table.columns:
        if column.key == "id":
            continue
        default: Any = column.default
        if default is None:
            values[column.key] = None
        elif default.is_scalar:
            values[column.key] = default.arg
        else:
            values[column.key] = now
    return values


def _contacts_after(
    names: list[str],
    parts: Mapping[tuple[Any, str], Mapping[str, Any]],
    customer_id: Any,
    result: RowResult,
) -> list[str]:
    """A customer's searched contact names once the row's primary contact is written
    (the stored primary comes first in ``names``)."""
    name = (result.values.get("contact") or {}).get("name")
    if not name:
        return names
    if parts.get((customer_id, "contact")) is not None and names:
        return [name, *names[1:]]
    return [name, *names]


class Summary:
    def __init__(self) -> None:
        self.created = self.updated = self.unchanged = 0
        self.failed: list[RowResult] = []
        self.warned: list[RowResult] = []  # RowResults imported with warnings
        self.total = 0


class Writer:
    """Writes checked rows of one import run into the session's transaction."""

    now: dt.datetime  # the time stamp of every row written
    checker_default_status: int | None  # leads: the status of rows that name none

    def __init__(self, session: Session, run: ImportRun, statements: StatementQueue) -> None:
        self.session = session
        self.statements = statements
        self.commit_queued = False
        self.bulk = BulkInserter(session, statements)
        self.run = run
        self.tenant_id = run.tenant_id
        self.entity = run.entity
        self.model = model_of(run.entity)
        self.table = self.model.__table__
        self.actor = who()
        self.entity_label = entity_name(self.model)
        self.company_names: dict[Any, Any] = {}
        if self.entity == "customers":
            self.company_names = dict(
                cast(
                    "list[tuple[Any, Any]]",
                    self.session.execute(select(Company.id, Company.name)).all(),
                )
            )
        self.named_codes: set[str] = (
            set()
        )  # codes the file names anywhere (check_rows): never generated
        self._free_codes: deque[str] = deque()  # generated codes checked free, not yet handed out
        self._bases: dict[str, dict[str, Any]] = {}

    # --- audit and items ---------------------------------------------------------

    def _audit(
        self,
        entity: str,
        entity_id: int | None,
        action: str,
        changes: dict[str, list[Any]],
        summary: str | None,
        parent_id: int | None = None,
    ) -> dict[str, Any]:
        return entry_row(
            self.tenant_id,
            entity,
            entity_id,
            action,
            changes,
            summary,
            parent_entity="customer" if parent_id else None,
            parent_id=parent_id,
            at=self.now,
            actor=self.actor,
        )

    @staticmethod
    def _summary(entity: str, values: Mapping[str, Any]) -> str:
        if entity == "customers":
            return f"{values['name']} ({values['code']})"
        return values.get("name") or values.get("title") or ""

    # --- customers' derived columns ---------------------------------------------

    def _next_codes(self, count: int) -> list[str]:
        codes: list[str] = []
        while len(codes) < count:
            if not self._free_codes:
                self._check_free_codes(count - len(codes))
            code = self._free_codes.popleft()
            if code not in self.named_codes:  # left for the row that names it
                codes.append(code)
        return codes

    def _reserve_code_numbers(self, count: int) -> Any:
        """A block of the tenant's code numbers. On PostgreSQL it is taken and committed on
        a connection of its own, so the counter row is not held for the whole import
        (other users' creates would wait for it); SQLite has one writer anyway."""
        bind = self.session.get_bind()
        if bind.dialect.name == "postgresql":
            with Session(getattr(bind, "engine", bind)) as own, own.begin():
                return customers.take_code_numbers(own, self.tenant_id, count)
        with self.statements.turn():
            return customers.take_code_numbers(self.session, self.tenant_id, count)

    def _check_free_codes(self, wanted: int) -> None:
        """Add the next generated codes no customer of the tenant has to the free ones:
        up to a few thousand are reserved and checked at a time and handed out in order."""
        from crm.models import Customer

        size = min(wanted, CODE_BATCH)
        first = self._reserve_code_numbers(size)
        batch = [customers.code_for(n) for n in range(first, first + size)]
        with self.statements.turn():
            taken = set(
                self.session.scalars(
                    select(Customer.code).where(
                        Customer.tenant_id == self.tenant_id, Customer.code.in_(literal_list(batch))
                    )
                )
            )
        self._free_codes.extend(c for c in batch if c not in taken)

    def _search_text(self, values: Mapping[str, Any], contacts: Sequence[str]) -> str:
        company = self.company_names.get(values.get("company_id"))
        return customer_text.compose(values, company, contacts)

    @staticmethod
    def _location(addresses: Mapping[str, Mapping[str, Any] | None]) -> tuple[Any, Any]:
        """City and country of the main address: contact, else billing, else shipping."""
        for kind in ("contact_address", "billing", "shipping"):
            found = addresses.get(kind)
            if found:
                return found.get("city"), found.get("country")
        return None, None

    # --- creates ----------------------------------------------------------------

    def create(self, results: Sequence[RowResult]) -> int:
        self._settle()
        record_rows: list[dict[str, Any]] = []
        defaults = self._base(self.table)
        if self.entity == "customers":
            codes = iter(
                self._next_codes(sum(1 for r in results if not r.values["record"].get("code")))
            )
        for result in results:
            values = {**defaults, **result.values["record"], "tenant_id": self.tenant_id}
            if self.entity == "customers":
                values["code"] = values.get("code") or next(codes)
                values["city"], values["country"] = self._location(
                    {p: result.values.get(p) for p in ("billing", "shipping")}
                )
                contact = result.values.get("contact") or {}
                values["search_text"] = self._search_text(values, [contact.get("name") or ""])
            elif self.entity == "leads" and values.get("status_id") is None:
                values["status_id"] = self.checker_default_status
            record_rows.append(values)
        ids = self._insert(self.table, record_rows)
        audits: list[dict[str, Any]]
        items: list[dict[str, Any]]
        audits, items = [], []
        for record_id, values in zip(ids, record_rows):
            changes = created_changes(values)
            audits.append(
                self._audit(
                    self.entity_label,
                    record_id,
                    "create",
                    changes,
                    self._summary(self.entity, values),
                )
            )
            items.append(
                {
                    "tenant_id": self.tenant_id,
                    "import_run_id": self.run.id,
                    "record_id": record_id,
                    "action": "created",
                    "previous": None,
                }
            )
        if self.entity == "customers":
            audits.extend(
                self._create_parts(
                    [(record_id, result, {}) for record_id, result in zip(ids, results)]
                )
            )
            self._save_tax_registrations(
                (record_id, values.get("tax_regime"), values.get("tax_number"))
                for record_id, values in zip(ids, record_rows)
                if values.get("tax_number")
            )
        self._flush_rows(audits, items)
        return len(ids)

    @staticmethod
    def _saved_numbers(
        current: Mapping[Any, Mapping[str, Any]], updates: Iterable[list[dict[str, Any]]]
    ) -> list[tuple[int, Any, Any]]:
        """(customer id, regime, number) of the updated customers whose tax number changed."""
        saved = []
        for rows in updates:
            for row in rows:
                if "tax_number" in row or "tax_regime" in row:
                    old = current[row["_id"]]
                    saved.append(
                        (
                            row["_id"],
                            row.get("tax_regime", old.get("tax_regime")),
                            row.get("tax_number", old.get("tax_number")),
                        )
                    )
        return saved

    def _save_tax_registrations(self, saved: Iterable[tuple[int, Any, Any]]) -> None:
        """The customers' tax numbers become their registrations used on invoices."""
        statements = tax_registrations.saved_numbers_statements(
            self.tenant_id, self.now, list(saved)
        )
        if not statements:
            return
        connection = self.bulk.connection

        def run() -> None:  # queued: after the customers' own rows are written
            for statement, rows in statements:
                connection.execute(statement, rows)

        self.statements.submit(run)

    def _insert(self, table: Table, rows: Sequence[Mapping[str, Any]]) -> list[int]:
        """Insert ``rows``; returns their new ids in the same order."""
        return cast(list[int], self.bulk.insert(table, rows))

    def _base(self, table: Table) -> dict[str, Any]:
        """The table's column defaults for this import's rows (the same for every row)."""
        found = self._bases.get(table.name)
        if found is None:
            found = self._bases[table.name] = _defaults(table, self.now)
        return found

    def _part_row(
        self, part: str, customer_id: int, values: Mapping[str, Any]
    ) -> tuple[Table, dict[str, Any]]:
        if part == "contact":
            base = self._base(Contact.__table__)
            return Contact.__table__, {
                **base,
                "name": None,
                **values,
                "customer_id": customer_id,
                "is_primary": True,
                "tenant_id": self.tenant_id,
            }
        base = self._base(Address.__table__)
        return Address.__table__, {
            **base,
            **values,
            "kind": part,
            "is_default": True,
            "customer_id": customer_id,
            "tenant_id": self.tenant_id,
        }

    def _create_parts(
        self, wanted: Iterable[tuple[Any, RowResult, Container[str]]]
    ) -> list[dict[str, Any]]:
        """Insert the contacts/addresses in ``wanted`` [(customer id, result, skip parts)];
        returns their audit rows and records the new ids in ``self.created_parts``."""
        audits: list[dict[str, Any]] = []
        self.created_parts: dict[tuple[int, str], int] = {}
        for part in PARTS:
            rows: list[dict[str, Any]]
            owners: list[int]
            rows, owners = [], []
            for customer_id, result, skip in wanted:
                values = result.values.get(part)
                if values and part not in skip:
                    table, row = self._part_row(part, customer_id, values)
                    rows.append(row)
                    owners.append(customer_id)
            if not rows:
                continue
            table = Contact.__table__ if part == "contact" else Address.__table__
            ids = self._insert(table, rows)
            label = "contact" if part == "contact" else "address"
            for part_id, customer_id, row in zip(ids, owners, rows):
                self.created_parts[(customer_id, part)] = part_id
                changes = created_changes(row)
                summary = (
                    row["name"]
                    if part == "contact"
                    else ", ".join(str(row[k]) for k in ("line1", "city", "country") if row.get(k))
                )
                audits.append(self._audit(label, part_id, "create", changes, summary, customer_id))
        return audits

    # --- updates ----------------------------------------------------------------

    def _load(self, model: Any, columns: Sequence[str], where: Any) -> dict[Any, dict[str, Any]]:
        query = select(model.id, *[getattr(model, c) for c in columns]).where(where)
        with self.statements.turn():
            rows = self.session.execute(query).all()
        return {row[0]: dict(zip(columns, row[1:])) for row in rows}

    def update(self, results: Sequence[RowResult]) -> tuple[int, int]:
        self._settle()
        ids = [r.existing_id for r in results]
        columns = sorted(
            {c for r in results for c in r.values["record"]}
            | (
                set(SEARCH_COLUMNS) | {"city", "country", "search_text"}
                if self.entity == "customers"
                else set()
            )
        )
        current = self._load(self.model, columns, self.model.id.in_(literal_list(ids, Integer)))
        parts = self._load_parts(ids) if self.entity == "customers" else {}
        if self.entity == "customers":
            with self.statements.turn():
                contact_names = customer_text.contact_names(self.session, ids)
        updates: dict[frozenset[str], list[dict[str, Any]]]
        audits: list[dict[str, Any]]
        items: list[dict[str, Any]]
        new_parts: list[tuple[Any, RowResult, set[str]]]
        updates, audits, items, new_parts = {}, [], [], []
        part_updates: dict[tuple[Any, frozenset[str]], list[dict[str, Any]]] = {}
        changed_count = 0
        for result in results:
            record_id = result.existing_id
            old = current[record_id]
            new = {**old, **result.values["record"]}
            changes = {
                k: [plain(old[k]), plain(v)]
                for k, v in result.values["record"].items()
                if plain(old[k]) != plain(v)
            }
            previous = {"record": {k: plain(old[k]) for k in changes}}
            part_audits: list[dict[str, Any]]
            skip: set[str]
            part_audits, skip = [], set()
            if self.entity == "customers":
                skip = self._update_parts(
                    record_id, result, parts, previous, part_updates, part_audits
                )
                addresses = {
                    kind: {
                        **(parts.get((record_id, kind)) or {}),
                        **(result.values.get(kind) or {}),
                    }
                    for kind in ("contact_address", "billing", "shipping")
                    if parts.get((record_id, kind)) or result.values.get(kind)
                }
                new["city"], new["country"] = self._location(addresses)
                new["search_text"] = self._search_text(
                    new, _contacts_after(contact_names[record_id], parts, record_id, result)
                )
                for column in ("city", "country"):
                    if plain(new[column]) != plain(old[column]):
                        changes[column] = [plain(old[column]), plain(new[column])]
                        previous["record"][column] = plain(old[column])
                if any(result.values.get(p) and p not in skip for p in PARTS):
                    new_parts.append((record_id, result, skip))
            touched = (
                changes or part_audits or any(result.values.get(p) and p not in skip for p in PARTS)
            )
            if not touched:
                continue
            changed_count += 1
            values = {k: new[k] for k in changes}
            if self.entity == "customers":
                values["search_text"] = new["search_text"]
                previous["record"]["search_text"] = old["search_text"]
            values["updated_at"] = self.now
            updates.setdefault(frozenset(values), []).append({"_id": record_id, **values})
            if changes:
                audits.append(
                    self._audit(
                        self.entity_label,
                        record_id,
                        "update",
                        changes,
                        self._summary(self.entity, new),
                    )
                )
            audits.extend(part_audits)
            items.append(
                {
                    "tenant_id": self.tenant_id,
                    "import_run_id": self.run.id,
                    "record_id": record_id,
                    "action": "updated",
                    "previous": previous,
                }
            )
        for columns_set, rows in updates.items():
            self._execute_update(self.table, columns_set, rows)
        if self.entity == "customers":
            self._save_tax_registrations(self._saved_numbers(current, updates.values()))
        for (table, columns_set), rows in part_updates.items():
            self._execute_update(table, columns_set, rows)
        if new_parts:
            audits.extend(self._create_parts(new_parts))
            by_record = {i["record_id"]: i for i in items}
            for (customer_id, part), part_id in self.created_parts.items():
                by_record[customer_id]["previous"][part] = {"id": part_id, "created": True}
        self._flush_rows(audits, items)
        return changed_count, len(results) - changed_count

    def _execute_update(
        self, table: Table, columns_set: Iterable[str], rows: list[dict[str, Any]]
    ) -> None:
        statement = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({c: bindparam(c) for c in columns_set})
        )
        with self.statements.turn():
            self.session.execute(statement, rows, execution_options={"synchronize_session": False})

    def _load_parts(
        self, customer_ids: Sequence[int | None]
    ) -> dict[tuple[Any, str], dict[str, Any]]:
        """{(customer id, "contact"|"billing"|"shipping"): {"id", columns...}} of the parts
        an import writes: the primary contact and the default address of each kind."""
        found: dict[tuple[Any, str], dict[str, Any]] = {}
        contact_columns = ["customer_id", "name", "role", "email", "phone"]
        for contact_id, row in self._load(
            Contact,
            contact_columns,
            Contact.customer_id.in_(literal_list(customer_ids, Integer))
            & Contact.is_primary.is_(True),
        ).items():
            found.setdefault((row.pop("customer_id"), "contact"), {"id": contact_id, **row})
        address_columns = [
            "customer_id",
            "kind",
            "line1",
            "line2",
            "city",
            "state",
            "postal_code",
            "country",
        ]
        for address_id, row in self._load(
            Address,
            address_columns,
            Address.customer_id.in_(literal_list(customer_ids, Integer))
            & Address.is_default.is_(True),
        ).items():
            customer_id, kind = row.pop("customer_id"), row.pop("kind")
            # A contact-kind address only decides the list's city; imports write billing/shipping.
            part = "contact_address" if kind == "contact" else kind
            found.setdefault((customer_id, part), {"id": address_id, **row})
        return found

    def _update_parts(
        self,
        customer_id: Any,
        result: RowResult,
        parts: Mapping[tuple[Any, str], Mapping[str, Any]],
        previous: dict[str, dict[str, Any]],
        part_updates: dict[tuple[Any, frozenset[str]], list[dict[str, Any]]],
        audits: list[dict[str, Any]],
    ) -> set[str]:
        """Update the existing primary contact / default addresses; returns the parts done."""
        done: set[str] = set()
        for part in PARTS:
            values = result.values.get(part)
            existing = parts.get((customer_id, part))
            if not values or existing is None:
                continue
            done.add(part)
            changes = {
                k: [plain(existing.get(k)), plain(v)]
                for k, v in values.items()
                if plain(existing.get(k)) != plain(v)
            }
            if not changes:
                continue
            table = Contact.__table__ if part == "contact" else Address.__table__
            row = {k: v for k, v in values.items() if k in changes}
            row["updated_at"] = self.now
            part_updates.setdefault((table, frozenset(row)), []).append(
                {"_id": existing["id"], **row}
            )
            previous[part] = {
                "id": existing["id"],
                "values": {k: plain(existing.get(k)) for k in changes},
            }
            label = "contact" if part == "contact" else "address"
            merged = {**existing, **values}
            summary = (
                merged.get("name")
                if part == "contact"
                else ", ".join(
                    str(merged[k]) for k in ("line1", "city", "country") if merged.get(k)
                )
            )
            audits.append(
                self._audit(label, existing["id"], "update", changes, summary, customer_id)
            )
        return done

    def commit_chunk(self) -> None:
        """Commit what is written so far on the shared connection (the session's transaction
        goes on with the next statement). The commit is queued behind the chunk's statements,
        so the next chunk is checked while they run; ``_settle`` waits for it before new ids.

        On SQLite the connection then stays idle for WRITER_HANDOFF: a save waiting for the
        write lock retries only every 100 ms (SQLite's busy handler), and without the pause
        the next chunk's statements, already queued, would take the lock back first each
        time, so another tenant's save could wait out its busy timeout and fail."""
        self.statements.submit(commit_so_far(self.session))
        if self.session.get_bind().dialect.name == "sqlite":
            self.statements.pause(WRITER_HANDOFF)
        self.commit_queued = True

    def _settle(self) -> None:
        """After a queued commit, other connections may add rows: once it has run, the next
        ids are read again under the next write lock."""
        if self.commit_queued:
            self.statements.finish()
            self.bulk.forget_ids()
            self.commit_queued = False

    def _flush_rows(self, audits: list[dict[str, Any]], items: list[dict[str, Any]]) -> None:
        self.bulk.insert(AuditEntry.__table__, audits, want_ids=False)
        self.bulk.insert(ImportItem.__table__, items, want_ids=False)
