"""Fixtures: one migrated database per run, emptied before every test.

SQLite by default; set CRM_TEST_POSTGRES_URL to run the same suite on PostgreSQL.
Under pytest-xdist (``make test`` runs ``-n 2``) each worker has its own database: a
SQLite file in the worker's temporary directory, or ``<database>_gw0``, ``<database>_gw1``
… next to the one CRM_TEST_POSTGRES_URL names (created when missing). Tests marked
``serial`` (timings that need a quiet machine) run while no other worker runs a test.
"""

import contextlib
import fcntl
import os
import re
import shutil
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, make_url, text

from app import create_app
from config import TestConfig
from crm.caching import cache
from crm.extensions import db
from crm.i18n.catalogs import compile_stale
from crm.models import Tenant
from crm.services.accounts import tenants

PASSWORD = "correct-horse-1"
POSTGRES_URL = os.environ.get("CRM_TEST_POSTGRES_URL")
# The suite's SQLite commits do not wait for the disk, as its PostgreSQL ones do not
# (_reset_postgres): a test database can lose its last commits in a crash.
os.environ.setdefault("CRM_SQLITE_SYNCHRONOUS", "OFF")
# Consumer processes the tests start (their own configuration) work without rests.
os.environ.setdefault("CRM_JOB_BUSY_SHARE", "1")
WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1", … under pytest-xdist
# Rows tests create; roles and permissions (synced once) are kept.
DATA_TABLES_KEPT = (
    "ab_role",
    "ab_permission",
    "ab_view_menu",
    "ab_permission_view",
    "ab_permission_view_role",
    "crm_permission_version",
    "alembic_version",
)


# Redis databases of the tests that use Redis, per purpose and xdist worker, so tests that
# flush theirs never empty another's (a consumer's queue, a rate limit being counted).
REDIS_BASES = {"jobs": 7, "login_limits": 9, "cache": 11}


def redis_url(purpose):
    index = int(WORKER[2:]) if WORKER else 0
    assert index < 2, "the Redis tests are laid out for at most two test workers"
    return f"redis://127.0.0.1:6379/{REDIS_BASES[purpose] + index}"


def _database_url(tmp_dir):
    if POSTGRES_URL:
        url = POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1)
        return _worker_database(url, WORKER) if WORKER else url
    return "sqlite:///" + os.path.join(tmp_dir, "crm.sqlite3")


def _worker_database(url, worker):
    """The URL of this worker's own PostgreSQL database, created (through a connection to
    the given database) when it does not exist yet."""
    given = make_url(url)
    own = given.set(database=f"{given.database}_{worker}")
    engine = create_engine(given, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}
        )
        if not exists:
            quoted = conn.dialect.identifier_preparer.quote(own.database)
            conn.execute(text(f"CREATE DATABASE {quoted}"))
    engine.dispose()
    return own.render_as_string(hide_password=False)


def _reset_postgres(url):
    """An empty public schema. The suite's commits do not wait for the disk (a crash of the
    server may lose the last ones, which a test database can afford)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
        quoted = conn.dialect.identifier_preparer.quote(make_url(url).database)
        conn.execute(text(f"ALTER DATABASE {quoted} SET synchronous_commit = off"))
    engine.dispose()


def migrate(app):
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    tmp_dir = tmp_path_factory.mktemp("db")
    url = _database_url(str(tmp_dir))
    if POSTGRES_URL:
        _reset_postgres(url)
    config = {"SQLALCHEMY_DATABASE_URI": url}
    migrate(create_app(type("Migrating", (TestConfig,), config)))
    return {"url": url, "tmp": tmp_dir}


@pytest.fixture(autouse=True)
def _serial(request, tmp_path_factory):
    """Under pytest-xdist, a test marked ``serial`` holds an exclusive lock that every other
    test holds shared: it starts when the other workers' running tests end, and they wait
    for it. Without xdist there is nothing to wait for."""
    if not WORKER:
        yield
        return
    exclusive = request.node.get_closest_marker("serial") is not None
    # The workers' temporary directories share this parent (the run's base directory).
    path = tmp_path_factory.getbasetemp().parent / "serial.lock"
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogues():
    """What ``make translations`` compiles, for runs started with plain pytest."""
    compile_stale()


@pytest.fixture(scope="session")
def _app(database):
    documents = os.path.join(str(database["tmp"]), "documents")
    config = type(
        "Testing",
        (TestConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": database["url"],
            "CRM_DOCUMENT_DIR": documents,
            "CRM_JOB_DIR": os.path.join(str(database["tmp"]), "jobs"),
            "CRM_CACHE_DIR": os.path.join(str(database["tmp"]), "cache"),
        },
    )
    app = create_app(config)  # syncs roles and permissions into the fresh schema
    if not POSTGRES_URL:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        path = database["url"][len("sqlite:///") :]
        _sqlite_copy(path, path + ".template")
    return app


def _sqlite_copy(source, target):
    """A consistent copy through SQLite's backup API (safe with WAL)."""
    import sqlite3

    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


# Empties every data table that has rows and restarts the sequences it used (ids start at 1
# again, as after TRUNCATE … RESTART IDENTITY) in one round trip. A TRUNCATE of every table
# took about half a second per test; checking each table and deleting from the few a test
# filled takes a few milliseconds. Triggers and foreign keys are off while it runs
# (session_replication_role), so the order of the tables does not matter.
_EMPTY_POSTGRES = """
DO $$
DECLARE
    t record;
    seq oid;
    has_rows boolean;
BEGIN
    SET LOCAL session_replication_role = replica;
    FOR t IN
        SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT IN (%(kept)s)
    LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM public.%%I)', t.relname) INTO has_rows;
        IF has_rows THEN
            EXECUTE format('DELETE FROM public.%%I', t.relname);
        END IF;
        FOR seq IN
            SELECT d.objid FROM pg_depend d JOIN pg_class s ON s.oid = d.objid
            WHERE d.refobjid = t.oid AND s.relkind = 'S' AND d.deptype IN ('a', 'i')
        LOOP
            IF pg_sequence_last_value(seq) IS NOT NULL THEN
                EXECUTE format('ALTER SEQUENCE %%s RESTART', seq::regclass);
            END IF;
        END LOOP;
    END LOOP;
END $$;
""" % {"kept": ", ".join(f"'{name}'" for name in DATA_TABLES_KEPT)}


def _empty_postgres(app):
    with app.app_context():
        db.session.remove()
        db.session.execute(text(_EMPTY_POSTGRES))
        db.session.commit()


def _empty_sqlite(app):
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    path = app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///") :]
    _sqlite_copy(path + ".template", path)


def empty_database(app):
    """Back to the migrated schema with no tenants, users or records, and no documents, job
    results or cached figures."""
    (_empty_postgres if POSTGRES_URL else _empty_sqlite)(app)
    shutil.rmtree(app.config["CRM_DOCUMENT_DIR"], ignore_errors=True)
    shutil.rmtree(app.config["CRM_JOB_DIR"], ignore_errors=True)
    with app.app_context():
        cache.clear()


@pytest.fixture
def app(_app):
    """The app over an empty database. No app context stays pushed: each request
    gets its own, as in production; test code opens one with ``db_session``."""
    empty_database(_app)
    return _app


@pytest.fixture
def db_session(app):
    """``with db_session() as s:`` — a session in a fresh app context, closed after."""

    @contextlib.contextmanager
    def opened():
        with app.app_context():
            try:
                yield db.session
            finally:
                db.session.remove()

    return opened


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def notes_block_customers(monkeypatch):
    """Notes block a customer's delete, standing in for the ledger and pipeline rules
    (deals, orders, invoices …) of the delete-rule table."""
    from crm.models import Customer, Note
    from crm.services.core import delete_rules

    monkeypatch.setattr(
        delete_rules, "DELETE_RULES", ((Customer, Note, Note.customer_id, "notes"),)
    )


# --- tenants and persona users -------------------------------------------------------


def make_tenant(app, name):
    with app.app_context():
        tenant = tenants.create_tenant(db.session, name)
        record = SimpleNamespace(id=tenant.id, name=tenant.name)
        db.session.remove()
    return record


def make_user(app, tenant, role, username):
    with app.app_context():
        user = tenants.create_user(
            app.appbuilder.sm,
            db.session.get(Tenant, tenant.id),
            role,
            username,
            PASSWORD,
            f"{username}@example.com",
            role,
            tenant.name.split()[0],
        )
        record = SimpleNamespace(id=user.id, username=user.username, tenant_id=tenant.id, role=role)
        db.session.remove()
    return record


@pytest.fixture
def acme(app):
    return make_tenant(app, "Acme Trading")


@pytest.fixture
def globex(app):
    return make_tenant(app, "Globex Industries")


@pytest.fixture
def acme_admin(app, acme):
    return make_user(app, acme, "Admin", "acme-admin")


@pytest.fixture
def acme_manager(app, acme):
    return make_user(app, acme, "Manager", "acme-manager")


@pytest.fixture
def acme_member(app, acme):
    return make_user(app, acme, "Member", "acme-member")


@pytest.fixture
def globex_admin(app, globex):
    return make_user(app, globex, "Admin", "globex-admin")


# --- browser-like clients -----------------------------------------------------------

_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


class Browser:
    """A test client that signs in through the login form and sends CSRF tokens like a browser."""

    def __init__(self, client):
        self.client = client
        self.token = None

    def _token_from(self, html):
        match = _CSRF.search(html)
        return match and (match.group(1) or match.group(2))

    def login(self, username, password=PASSWORD):
        page = self.client.get("/login/")
        self.token = self._token_from(page.get_data(as_text=True))
        response = self.client.post(
            "/login/", data={"username": username, "password": password, "csrf_token": self.token}
        )
        assert response.status_code == 302, "login failed"
        return self

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url, data=None, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.token)
        return self.client.post(url, data=data, **kwargs)


@pytest.fixture
def browser(app):
    def signed_in(user):
        return Browser(app.test_client()).login(user.username)

    return signed_in


@pytest.fixture
def api(app):
    """A JSON client signed in with a JWT: api(user).get('/api/v1/customer/')."""

    class Api:
        def __init__(self, user):
            self.client = app.test_client()
            response = self.client.post(
                "/api/v1/security/login",
                json={"username": user.username, "password": PASSWORD, "provider": "db"},
            )
            assert response.status_code == 200, response.get_data(as_text=True)
            self.headers = {"Authorization": "Bearer " + response.json["access_token"]}

        def __getattr__(self, method):
            call = getattr(self.client, method)
            return lambda url, **kw: call(url, headers=self.headers, **kw)

    return Api
