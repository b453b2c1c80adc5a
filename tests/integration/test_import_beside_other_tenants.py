"""A long import of one tenant does not lock the others out: it commits chunk by chunk, so
on SQLite another tenant's save waits about a chunk's time, not the whole import."""

import threading
import time

import pytest
from sqlalchemy import func, select

from crm.models import Customer
from crm.security.tenancy import tenant_scope
from crm.services.bulk.imports import commit, revert, runs
from crm.services.bulk.imports.validate import CHUNK
from crm.services.core.audit import acting_as
from tests.conftest import POSTGRES_URL
from tests.integration import import_files

ROWS = 60_000
# How many of another tenant's saves must go through while the import runs: with one
# transaction for the whole import, the first save would wait for its end (or fail after
# CRM_SQLITE_BUSY_TIMEOUT) and no other would be sent. How long a save waits depends on the
# machine's load, so it is bounded only against the import's own length.
SAVES_DURING_IMPORT = 3


@pytest.mark.serial
def test_another_tenants_creates_succeed_while_a_large_import_runs(
    app, runner, api, acme, globex, globex_admin, tmp_path, db_session
):
    path = import_files.csv_file(
        tmp_path / "big.csv",
        [["Name", "Email"]] + [[f"Bulk Buyer {n}", f"bulk{n}@acme.example"] for n in range(ROWS)],
    )
    client = api(globex_admin)
    outcome = {}

    def run_import():
        started = time.monotonic()
        outcome["result"] = runner.invoke(
            args=["crm", "import", "customers", str(path), "--tenant", acme.name]
        )
        outcome["seconds"] = time.monotonic() - started

    importer = threading.Thread(target=run_import)
    importer.start()
    waits, statuses, n = [], [], 0
    while importer.is_alive():
        started = time.monotonic()
        statuses.append(
            client.post(
                "/api/v1/customer/",
                json={"name": f"Globex walk-in {n}", "email": f"walkin{n}@globex.example"},
            ).status_code
        )
        waits.append(time.monotonic() - started)
        n += 1
        time.sleep(0.2)
    importer.join()

    assert outcome["result"].exit_code == 0, outcome["result"].output
    assert set(statuses) == {201}, statuses
    assert len(statuses) >= SAVES_DURING_IMPORT, (statuses, outcome["seconds"])
    if not POSTGRES_URL:  # PostgreSQL writers of different tenants never wait for each other
        # No save waited for most of the import: the import let them in between its chunks.
        assert max(waits) < outcome["seconds"] / 2, (waits, outcome["seconds"])
    with db_session() as s:
        assert (
            s.scalar(
                select(func.count(Customer.id)).where(Customer.tenant_id == acme.id),
                execution_options={"all_tenants": True},
            )
            == ROWS
        )


def test_a_failure_after_committed_chunks_says_so_and_the_run_reverts(
    app, acme, tmp_path, db_session, monkeypatch
):
    """The chunks written before a failure stay, on both databases (all-or-nothing mode does
    not chunk); the run says how many records it wrote and a revert archives them."""
    path = import_files.csv_file(
        tmp_path / "two.csv",
        [["Name", "Email"]]
        + [[f"Chunked {n}", f"chunked{n}@acme.example"] for n in range(CHUNK + 10)],
    )
    flush_rows, calls = commit.Writer._flush_rows, []

    def failing_second_time(self, audits, items):
        calls.append(len(items))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return flush_rows(self, audits, items)

    monkeypatch.setattr(commit.Writer, "_flush_rows", failing_second_time)
    with db_session() as s, tenant_scope(acme.id), acting_as("test"):
        run = runs.create_run(s, "customers", "two.csv", path.read_bytes(), username="test")
        runs.begin(s, run, "valid_rows")
        run = runs.execute(s, run)
        assert run.status == "failed" and "disk full" in run.message
        active = select(func.count(Customer.id)).where(Customer.is_active.is_(True))
        assert f"after writing {CHUNK} records" in run.message
        assert s.scalar(active) == CHUNK
        revert.revert(s, run)
        assert s.scalar(active) == 0
