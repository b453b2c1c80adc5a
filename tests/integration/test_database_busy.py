"""On SQLite a change that waited CRM_SQLITE_BUSY_TIMEOUT for another writer (a large
import's chunk) is refused with 503, a message and Retry-After, in the API and on the
page; nothing half-written stays, and the same change goes through once the writer is done."""

import sqlite3

import pytest
from sqlalchemy import func, select

from app import create_app
from config import TestConfig
from crm.extensions import db
from crm.models import Customer
from tests.conftest import PASSWORD, POSTGRES_URL, Browser

pytestmark = pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite's one-writer lock")


@pytest.fixture
def impatient(app):
    """Another web worker of the installation that waits one second for a busy database."""
    keys = ("SQLALCHEMY_DATABASE_URI", "CRM_DOCUMENT_DIR", "CRM_JOB_DIR", "CRM_CACHE_DIR")
    config = {key: app.config[key] for key in keys}
    worker = create_app(type("Impatient", (TestConfig,), {**config, "CRM_SQLITE_BUSY_TIMEOUT": 1}))
    yield worker
    with worker.app_context():
        db.engine.dispose()


@pytest.fixture
def held_write_lock(app):
    """Another writer holding SQLite's write lock until the test releases it."""
    path = app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///") :]
    holder = sqlite3.connect(path, isolation_level=None)

    class Lock:
        def take(self):
            holder.execute("BEGIN IMMEDIATE")

        def release(self):
            holder.execute("ROLLBACK")

    yield Lock()
    holder.close()


def _customers(app):
    with app.app_context():
        return db.session.scalar(
            select(func.count(Customer.id)), execution_options={"all_tenants": True}
        )


def test_the_api_answers_503_and_the_change_goes_through_later(
    impatient, acme, acme_admin, held_write_lock
):
    client = impatient.test_client()
    token = client.post(
        "/api/v1/security/login",
        json={"username": acme_admin.username, "password": PASSWORD, "provider": "db"},
    ).json["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    body = {"name": "Walk-in Buyer", "email": "walkin@acme.example"}
    held_write_lock.take()
    refused = client.post("/api/v1/customer/", json=body, headers=headers)
    held_write_lock.release()
    assert refused.status_code == 503, refused.get_data(as_text=True)
    assert refused.json["message"].startswith("The database is busy")
    assert refused.json["errors"] == {}
    assert refused.headers["Retry-After"] == "5"
    assert _customers(impatient) == 0
    assert client.post("/api/v1/customer/", json=body, headers=headers).status_code == 201


def test_the_page_says_the_database_is_busy(impatient, acme, acme_admin, held_write_lock):
    browser = Browser(impatient.test_client()).login(acme_admin.username)
    form = {"kind": "company", "name": "Walk-in Buyer", "email": "walkin@acme.example"}
    held_write_lock.take()
    refused = browser.post("/customers/add", {**form, "currency": "EUR"})
    held_write_lock.release()
    assert refused.status_code == 503
    assert "The database is busy" in refused.get_data(as_text=True)
    assert _customers(impatient) == 0
