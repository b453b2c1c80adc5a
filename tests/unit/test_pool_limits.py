"""A web worker or consumer holds at most CRM_DB_POOL_SIZE + CRM_DB_MAX_OVERFLOW
connections on PostgreSQL: what sizing the server's max_connections counts on."""

import pytest
from sqlalchemy import exc

from app import create_app
from config import TestConfig
from crm.extensions import db
from tests.conftest import POSTGRES_URL


@pytest.mark.skipif(not POSTGRES_URL, reason="SQLite has no server connections to count")
def test_a_process_opens_no_more_connections_than_its_pool_allows(database):
    pooled = type(
        "Pooled",
        (TestConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": database["url"],
            "CRM_DB_POOL_SIZE": 2,
            "CRM_DB_MAX_OVERFLOW": 1,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_timeout": 0.5},
        },
    )
    app = create_app(pooled)
    with app.app_context():
        engine = db.engine
        held = [engine.connect() for _ in range(3)]
        try:
            with pytest.raises(exc.TimeoutError):
                engine.connect()
        finally:
            for connection in held:
                connection.close()
            engine.dispose()
