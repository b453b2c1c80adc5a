"""Application settings, read from the environment with safe defaults."""

import os
import secrets

from flask_appbuilder.const import AUTH_DB

from crm.security.passwords import check_password
from crm.security.roles import fab_roles
from crm.services.ledger import limits

BASE_DIR = os.path.abspath(os.path.dirname(__file__))
INSTANCE_DIR = os.environ.get("CRM_INSTANCE_DIR", os.path.join(BASE_DIR, "instance"))


def _env_int(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def _env_flag(name):
    return os.environ.get(name, "").lower() in ("1", "true", "yes")


def _secret_key(instance_dir=INSTANCE_DIR):
    """CRM_SECRET_KEY, else a random key kept in the instance folder (made on first start,
    readable by its owner only)."""
    if os.environ.get("CRM_SECRET_KEY"):
        return os.environ["CRM_SECRET_KEY"]
    path = os.path.join(instance_dir, "secret_key")
    if not os.path.exists(path):
        os.makedirs(instance_dir, exist_ok=True)
        # Written aside, then linked into place: web workers starting together all end up
        # with the one key that won, never with a half-written one. Created with its mode,
        # so the key is never readable by others, not even briefly.
        aside = f"{path}.{os.getpid()}"
        with os.fdopen(os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
            out.write(secrets.token_hex(32))
        try:
            os.link(aside, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(aside)
    with open(path) as key:
        return key.read().strip()


class Config:
    APP_NAME = "Ledgerline CRM"
    APP_THEME = ""
    SECRET_KEY = _secret_key()
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "CRM_DATABASE_URL", "sqlite:///" + os.path.join(INSTANCE_DIR, "crm.sqlite3")
    )
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    # PostgreSQL connections of one process: kept open, and opened beyond them when busy.
    CRM_DB_POOL_SIZE = _env_int("CRM_DB_POOL_SIZE", 5)
    CRM_DB_MAX_OVERFLOW = _env_int("CRM_DB_MAX_OVERFLOW", 10)
    # SQLite has one writer at a time: how long a write waits for another one to finish.
    CRM_SQLITE_BUSY_TIMEOUT = _env_int("CRM_SQLITE_BUSY_TIMEOUT", 5)

    AUTH_TYPE = AUTH_DB
    AUTH_ROLE_ADMIN = "Admin"
    AUTH_ROLE_PUBLIC = "Public"
    AUTH_USER_REGISTRATION = False
    FAB_ROLES = fab_roles()
    FAB_UPDATE_PERMS = True
    FAB_API_SWAGGER_UI = True
    FAB_ADD_OPENAPI_VIEWS = False  # crm.api registers them, with the document cached
    FAB_ADD_SECURITY_PERMISSION_VIEW = False
    FAB_ADD_SECURITY_VIEW_MENU_VIEW = False
    FAB_ADD_SECURITY_PERMISSION_VIEWS_VIEW = False
    FAB_PASSWORD_HASH_METHOD = "scrypt"
    # One password policy for every user and password form and the CLI (crm/security/passwords.py).
    FAB_PASSWORD_COMPLEXITY_ENABLED = True
    FAB_PASSWORD_COMPLEXITY_VALIDATOR = staticmethod(check_password)

    # Both sign-ins (the form and POST /api/v1/security/login) are rate limited per client
    # address by Flask-Limiter, counted in Redis when CRM_REDIS_URL is set.
    CRM_REDIS_URL = os.environ.get("CRM_REDIS_URL") or None
    AUTH_RATE_LIMITED = os.environ.get("CRM_LOGIN_RATE_LIMITED", "1").lower() not in (
        "0",
        "false",
        "no",
    )
    AUTH_RATE_LIMIT = os.environ.get("CRM_LOGIN_RATE_LIMIT", "20 per minute")
    # FAB switches Flask-Limiter off unless this is set, whatever AUTH_RATE_LIMITED says.
    RATELIMIT_ENABLED = AUTH_RATE_LIMITED
    RATELIMIT_STORAGE_URI = CRM_REDIS_URL or "memory://"
    # After this many failed sign-ins of one account, each within the window of the one
    # before, the account refuses every sign-in for the lock time (counted in the database).
    CRM_LOGIN_LOCK_FAILURES = _env_int("CRM_LOGIN_LOCK_FAILURES", 10)
    CRM_LOGIN_LOCK_MINUTES = _env_int("CRM_LOGIN_LOCK_MINUTES", 15)

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None

    # Cookies: never read by scripts, not sent on cross-site subrequests or posts, and sent
    # over HTTPS only when CRM_SECURE_COOKIES is on (off for http://127.0.0.1 development).
    CRM_SECURE_COOKIES = _env_flag("CRM_SECURE_COOKIES")
    SESSION_COOKIE_SECURE = REMEMBER_COOKIE_SECURE = CRM_SECURE_COOKIES
    SESSION_COOKIE_HTTPONLY = REMEMBER_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = REMEMBER_COOKIE_SAMESITE = "Lax"
    # Redirect http:// to https:// (behind a proxy, X-Forwarded-Proto counts as https).
    CRM_FORCE_HTTPS = _env_flag("CRM_FORCE_HTTPS")

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_FOLDER = "translations"
    # FAB puts its own catalogues first; translations-framework/ holds FAB's strings in the
    # languages FAB does not ship (Hindi); translations/ holds the CRM's (crm/i18n).
    BABEL_TRANSLATION_DIRECTORIES = "translations-framework;translations"
    LANGUAGES = {
        "en": {"flag": "gb", "name": "English"},
        "de": {"flag": "de", "name": "Deutsch"},
        "fr": {"flag": "fr", "name": "Français"},
        "es": {"flag": "es", "name": "Español"},
        "hi": {"flag": "in", "name": "हिन्दी"},
    }

    # Where file bytes are kept (crm/services/core/storage.py): "local" keeps documents under
    # CRM_DOCUMENT_DIR and job result files under CRM_JOB_DIR, folders every web worker and
    # consumer must see (one machine, or a shared mount).
    CRM_STORAGE = os.environ.get("CRM_STORAGE", "local")
    CRM_DOCUMENT_DIR = os.environ.get("CRM_DOCUMENT_DIR", os.path.join(INSTANCE_DIR, "documents"))
    CRM_DOCUMENT_MAX_BYTES = _env_int("CRM_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)
    CRM_DOCUMENT_EXTENSIONS = (
        "pdf",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "txt",
        "csv",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "odt",
        "ods",
    )
    MAX_CONTENT_LENGTH = CRM_DOCUMENT_MAX_BYTES + 1024 * 1024

    # Lists stop paging this many rows deep; past it users narrow with search.
    CRM_LIST_MAX_DEPTH = _env_int("CRM_LIST_MAX_DEPTH", 50_000)
    # A search pages at most this deep: past it, a more precise term is quicker for everyone.
    CRM_SEARCH_MAX_DEPTH = _env_int("CRM_SEARCH_MAX_DEPTH", 5_000)
    PAGE_SIZE = 25

    # Imports: files above these limits are refused before they are read
    # (crm/services/bulk/imports/file_limits.py); uploads are also capped by MAX_CONTENT_LENGTH.
    CRM_IMPORT_MAX_FILE_BYTES = _env_int("CRM_IMPORT_MAX_FILE_BYTES", 50 * 1024 * 1024)
    CRM_IMPORT_MAX_UNCOMPRESSED_BYTES = _env_int(
        "CRM_IMPORT_MAX_UNCOMPRESSED_BYTES", 300 * 1024 * 1024
    )
    CRM_IMPORT_MAX_ROWS = _env_int("CRM_IMPORT_MAX_ROWS", 1_000_000)
    # The preview of a file of more rows than this is checked by a background job.
    CRM_IMPORT_PREVIEW_BACKGROUND_ROWS = _env_int("CRM_IMPORT_PREVIEW_BACKGROUND_ROWS", 20_000)
    CRM_IMPORT_MAX_COLUMNS = _env_int("CRM_IMPORT_MAX_COLUMNS", 500)
    CRM_IMPORT_MAX_CELLS = _env_int("CRM_IMPORT_MAX_CELLS", 10_000_000)

    # Outgoing mail (statements of account), see crm/services/core/mailer.py.
    CRM_SMTP_HOST = os.environ.get("CRM_SMTP_HOST", "localhost")
    CRM_SMTP_PORT = _env_int("CRM_SMTP_PORT", 25)
    CRM_SMTP_STARTTLS = _env_flag("CRM_SMTP_STARTTLS")
    CRM_SMTP_SSL = _env_flag("CRM_SMTP_SSL")
    CRM_SMTP_USER = os.environ.get("CRM_SMTP_USER") or None
    CRM_SMTP_PASSWORD = os.environ.get("CRM_SMTP_PASSWORD") or None
    # Key of the stored mail-server passwords (crm/security/secrets.py); derived from
    # SECRET_KEY when unset.
    CRM_SECRET_KEY_ENCRYPTION = os.environ.get("CRM_SECRET_KEY_ENCRYPTION") or None
    # Minutes between two fetches of every tenant's inbound IMAP mailbox.
    CRM_INBOUND_MAIL_MINUTES = _env_int("CRM_INBOUND_MAIL_MINUTES", 5)
    CRM_IMAP_TIMEOUT = _env_int("CRM_IMAP_TIMEOUT", 30)
    CRM_MAIL_SENDER = os.environ.get("CRM_MAIL_SENDER", "ledgerline@localhost")
    # The address the CRM is reached at, for links in e-mails (task reminders, digests).
    CRM_BASE_URL = os.environ.get("CRM_BASE_URL", "http://localhost:5000")
    # One request may not ask for more: lines on a sales order or invoice, invoices one
    # payment is allocated to at once (crm/services/ledger/limits.py).
    CRM_MAX_DOCUMENT_LINES = _env_int("CRM_MAX_DOCUMENT_LINES", limits.DOCUMENT_LINES)
    CRM_MAX_ALLOCATIONS = _env_int("CRM_MAX_ALLOCATIONS", limits.ALLOCATIONS)
    # A batch from the customer list sends at most this many statements at once.
    CRM_STATEMENT_BATCH_MAX = _env_int("CRM_STATEMENT_BATCH_MAX", 2000)

    # Background jobs (crm/jobs): the queue is a SQLite file here unless CRM_REDIS_URL is
    # set; result files (large exports) are kept under CRM_JOB_DIR.
    CRM_JOB_QUEUE_FILE = os.environ.get(
        "CRM_JOB_QUEUE_FILE", os.path.join(INSTANCE_DIR, "jobs.sqlite3")
    )
    CRM_JOB_DIR = os.environ.get("CRM_JOB_DIR", os.path.join(INSTANCE_DIR, "jobs"))
    # Tasks run at once inside the request that submits them (tests, debugging).
    CRM_JOBS_IMMEDIATE = _env_flag("CRM_JOBS_IMMEDIATE")
    CRM_JOB_WORKERS = _env_int("CRM_JOB_WORKERS", 2)
    # How much lower a consumer's CPU priority is than the web workers' (added to its
    # nice value at start): on shared cores the pages stay quick while jobs run, and the
    # jobs take the CPU the pages leave. 0 keeps the same priority.
    CRM_JOB_NICENESS = _env_int("CRM_JOB_NICENESS", 10)
    # The share of its time a job works (the rest it rests, between progress reports): below
    # 1 a long import or statement batch leaves the database and the cores to the pages.
    CRM_JOB_BUSY_SHARE = float(os.environ.get("CRM_JOB_BUSY_SHARE", "0.5"))
    # A running job with no sign of life for this long is marked failed.
    CRM_JOB_HEARTBEAT_TIMEOUT = _env_int("CRM_JOB_HEARTBEAT_TIMEOUT", 60)
    # A list export of more rows than this runs as a job (smaller ones download at once).
    CRM_EXPORT_BACKGROUND_ROWS = _env_int("CRM_EXPORT_BACKGROUND_ROWS", 20_000)
    # Webhooks (crm/services/webhooks): minutes between a failed delivery's attempts, the
    # deliveries in a row that fail for good before an endpoint is disabled, the timeout
    # of one POST, and whether endpoints may be on private or loopback addresses.
    CRM_WEBHOOK_RETRY_MINUTES = os.environ.get("CRM_WEBHOOK_RETRY_MINUTES", "1,5,30,120,720")
    CRM_WEBHOOK_DISABLE_AFTER = _env_int("CRM_WEBHOOK_DISABLE_AFTER", 5)
    CRM_WEBHOOK_TIMEOUT = _env_int("CRM_WEBHOOK_TIMEOUT", 10)
    CRM_WEBHOOKS_ALLOW_PRIVATE = _env_flag("CRM_WEBHOOKS_ALLOW_PRIVATE")

    # The short-lived cache (crm/caching.py): Redis with CRM_REDIS_URL, else this folder.
    CRM_CACHE_DIR = os.environ.get("CRM_CACHE_DIR", os.path.join(INSTANCE_DIR, "cache"))
    # The dashboard's figures are computed at most this often per tenant, filter and
    # language (0: every time); the page says how old they are and can refresh them.
    CRM_DASHBOARD_CACHE_SECONDS = _env_int("CRM_DASHBOARD_CACHE_SECONDS", 60)


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-that-is-long-enough-for-hs256"
    FAB_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    # Every test signs in from 127.0.0.1; the rate-limit tests set their own limit.
    AUTH_RATE_LIMIT = "10000 per second"
    RATELIMIT_STORAGE_URI = "memory://"
    # Jobs run inside the request that submits them; the consumer tests turn this off.
    CRM_JOBS_IMMEDIATE = True
    CRM_JOB_BUSY_SHARE = 1.0  # tests' jobs work without rests
