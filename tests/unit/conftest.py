"""Fixtures of the unit tests: an empty database of their own for the migration tests."""

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import POSTGRES_URL


@pytest.fixture
def empty_database_url(tmp_path):
    """The URL of a database with no tables: a SQLite file, or a fresh PostgreSQL database
    beside the one CRM_TEST_POSTGRES_URL names (dropped afterwards)."""
    if not POSTGRES_URL:
        yield "sqlite:///" + os.path.join(str(tmp_path), "empty.sqlite3")
        return
    name = "crm_migration_" + uuid.uuid4().hex[:8]
    server = create_engine(
        POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1),
        isolation_level="AUTOCOMMIT",
    )
    with server.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    base = POSTGRES_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    yield f"{base}/{name}"
    with server.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    server.dispose()
