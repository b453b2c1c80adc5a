"""Fixtures of the unit tests: an empty database of their own for the migration tests."""

import os

import pytest

from tests.conftest import POSTGRES_URL, WORKER, _reset_postgres, _worker_database


@pytest.fixture
def empty_database_url(tmp_path):
    """The URL of a database with no tables: a SQLite file, or, on PostgreSQL, a database
    beside the suite's (``<database>_empty``, per xdist worker) whose public schema is
    dropped and made again. The database is kept for the next test: dropping a database
    makes the server write a checkpoint, which took most of a minute on a busy machine."""
    if not POSTGRES_URL:
        yield "sqlite:///" + os.path.join(str(tmp_path), "empty.sqlite3")
        return
    url = POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    empty = _worker_database(url, f"{WORKER}_empty" if WORKER else "empty")
    _reset_postgres(empty)
    yield empty
