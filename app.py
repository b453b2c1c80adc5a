"""Application factory: ``create_app()`` serves the CRM; tests build one per run."""

import os

import click
from flask import Flask
from flask_appbuilder import AppBuilder
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine

import config as default_config
from crm.extensions import csrf, db, migrate

HERE = os.path.dirname(os.path.abspath(__file__))


# How SQLite waits for the disk at each commit (environment CRM_SQLITE_SYNCHRONOUS; unset:
# SQLite's FULL). The test suite sets OFF: its databases need not survive a power cut, and
# waiting for the disk at every commit doubled its time.
SQLITE_SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        synchronous = os.environ.get("CRM_SQLITE_SYNCHRONOUS", "").upper()
        if synchronous in SQLITE_SYNCHRONOUS:
            cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.close()


def _sqlite_busy_timeout(app):
    """Writers wait for each other (up to CRM_SQLITE_BUSY_TIMEOUT seconds) instead of
    failing at once with "database is locked"; WAL lets readers go on meanwhile."""
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(options.get("connect_args") or {})
    connect_args.setdefault("timeout", app.config["CRM_SQLITE_BUSY_TIMEOUT"])
    options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _pool_limits(app):
    """Connections one process keeps (CRM_DB_POOL_SIZE) and opens beyond them when busy
    (CRM_DB_MAX_OVERFLOW): the most one web worker or consumer holds on the server."""
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.setdefault("pool_size", app.config["CRM_DB_POOL_SIZE"])
    options.setdefault("max_overflow", app.config["CRM_DB_MAX_OVERFLOW"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _load_config(app, config):
    app.config.from_object(default_config.Config)
    if config is None:
        return
    if isinstance(config, dict):
        app.config.update(config)
    else:
        app.config.from_object(config)


def _serves_requests():
    """True for a web server (gunicorn, ``flask run``, tests' clients), False for any other
    ``flask`` command: those leave FAB's permission sync to ``flask crm sync-roles``."""
    context = click.get_current_context(silent=True)
    return context is None or context.info_name == "run"


def create_app(config=None):
    app = Flask(
        __name__,
        template_folder=os.path.join(HERE, "crm", "templates"),
        static_folder=os.path.join(HERE, "crm", "static"),
        instance_path=default_config.INSTANCE_DIR,
    )
    _load_config(app, config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        _sqlite_busy_timeout(app)
    else:
        _pool_limits(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(
            os.path.dirname(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///") :]) or ".",
            exist_ok=True,
        )

    from crm import caching, i18n, jobs
    from crm.api import register_apis
    from crm.cli import crm_cli
    from crm.security import api_csrf, headers, tenancy
    from crm.security.manager import CrmSecurityManager
    from crm.services.core import audit, storage
    from crm.views import register_views, request_args
    from crm.views.home import HomeView
    from crm.web import errors as http_errors, request_input, rison_schemas

    storage.check_config(app.config)
    tenancy.install()
    rison_schemas.install()
    jobs.init_app(app)
    caching.init_app(app)
    audit.install()
    headers.install(app)
    with app.app_context():
        db.init_app(app)
        # Before AppBuilder: FAB exempts its API blueprints from this instance.
        csrf.init_app(app)
        migrate.init_app(app, db, directory=os.path.join(HERE, "migrations"))
        if "ab_permission" not in inspect(db.engine).get_table_names():
            # Empty database (first ``flask db upgrade``): nothing to sync permissions into.
            app.config["FAB_UPDATE_PERMS"] = False
        elif not _serves_requests():
            app.config["FAB_UPDATE_PERMS"] = False
        appbuilder = AppBuilder(
            security_manager_class=CrmSecurityManager,
            indexview=HomeView,
            base_template="crm/base.html",
        )
        appbuilder.init_app(app, db.session)
        i18n.install(app)
        register_views(appbuilder)
        register_apis(appbuilder)
        api_csrf.install(app, appbuilder, csrf)
    request_input.install(app)
    request_args.install(app)
    http_errors.install(app)
    app.cli.add_command(crm_cli)
    return app
