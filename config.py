"""Application settings, read from the environment with safe defaults."""
import os
import secrets

from flask_appbuilder.const import AUTH_DB

from crm.security.roles import fab_roles
from crm.services import limits

BASE_DIR = os.path.abspath(os.path.dirname(__file__))
INSTANCE_DIR = os.environ.get("CRM_INSTANCE_DIR", os.path.join(BASE_DIR, "instance"))


def _env_int(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def _secret_key():
    """CRM_SECRET_KEY, else a random key kept in the instance folder (made on first start)."""
    if os.environ.get("CRM_SECRET_KEY"):
        return os.environ["CRM_SECRET_KEY"]
    path = os.path.join(INSTANCE_DIR, "secret_key")
    if not os.path.exists(path):
        os.makedirs(INSTANCE_DIR, exist_ok=True)
        with open(path, "w") as out:
            out.write(secrets.token_hex(32))
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

    AUTH_TYPE = AUTH_DB
    AUTH_ROLE_ADMIN = "Admin"
    AUTH_ROLE_PUBLIC = "Public"
    AUTH_USER_REGISTRATION = False
    FAB_ROLES = fab_roles()
    FAB_UPDATE_PERMS = True
    FAB_API_SWAGGER_UI = True
    FAB_ADD_SECURITY_PERMISSION_VIEW = False
    FAB_ADD_SECURITY_VIEW_MENU_VIEW = False
    FAB_ADD_SECURITY_PERMISSION_VIEWS_VIEW = False
    FAB_PASSWORD_HASH_METHOD = "scrypt"

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None

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

    # Documents are kept on disk, outside the database.
    CRM_DOCUMENT_DIR = os.environ.get(
        "CRM_DOCUMENT_DIR", os.path.join(INSTANCE_DIR, "documents")
    )
    CRM_DOCUMENT_MAX_BYTES = _env_int("CRM_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)
    CRM_DOCUMENT_EXTENSIONS = (
        "pdf", "png", "jpg", "jpeg", "gif", "txt", "csv",
        "doc", "docx", "xls", "xlsx", "odt", "ods",
    )
    MAX_CONTENT_LENGTH = CRM_DOCUMENT_MAX_BYTES + 1024 * 1024

    # Lists stop paging this many rows deep; past it users narrow with search.
    CRM_LIST_MAX_DEPTH = _env_int("CRM_LIST_MAX_DEPTH", 50_000)
    # A search pages at most this deep: past it, a more precise term is quicker for everyone.
    CRM_SEARCH_MAX_DEPTH = _env_int("CRM_SEARCH_MAX_DEPTH", 5_000)
    PAGE_SIZE = 25

    # Outgoing mail (statements of account), see crm/services/mailer.py.
    CRM_SMTP_HOST = os.environ.get("CRM_SMTP_HOST", "localhost")
    CRM_SMTP_PORT = _env_int("CRM_SMTP_PORT", 25)
    CRM_SMTP_STARTTLS = os.environ.get("CRM_SMTP_STARTTLS", "").lower() in ("1", "true", "yes")
    CRM_SMTP_SSL = os.environ.get("CRM_SMTP_SSL", "").lower() in ("1", "true", "yes")
    CRM_SMTP_USER = os.environ.get("CRM_SMTP_USER") or None
    CRM_SMTP_PASSWORD = os.environ.get("CRM_SMTP_PASSWORD") or None
    CRM_MAIL_SENDER = os.environ.get("CRM_MAIL_SENDER", "ledgerline@localhost")
    # One request may not ask for more: lines on a sales order or invoice, invoices one
    # payment is allocated to at once (crm/services/limits.py).
    CRM_MAX_DOCUMENT_LINES = _env_int("CRM_MAX_DOCUMENT_LINES", limits.DOCUMENT_LINES)
    CRM_MAX_ALLOCATIONS = _env_int("CRM_MAX_ALLOCATIONS", limits.ALLOCATIONS)
    # A batch from the customer list sends at most this many statements at once.
    CRM_STATEMENT_BATCH_MAX = _env_int("CRM_STATEMENT_BATCH_MAX", 2000)


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-that-is-long-enough-for-hs256"
    FAB_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
