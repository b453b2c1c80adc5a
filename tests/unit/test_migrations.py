"""The schema comes from migrations: an empty database upgrades to the models' schema and back."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app import create_app
from config import TestConfig
from crm.extensions import db


def test_upgrade_from_empty_database_and_back(empty_database_url):
    app = create_app(type("Fresh", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": empty_database_url}))
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"crm_customer", "crm_contact", "crm_audit_entry", "ab_user", "crm_tenant"} <= tables
        from flask_appbuilder import Model

        import crm.models  # noqa: F401

        missing = {t for t in Model.metadata.tables if t not in tables}
        assert missing == set()
        with db.engine.connect() as conn:
            assert (
                conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                == "m_deal_forecast"
            )
        downgrade(revision="base")
        assert not ({"crm_customer", "crm_audit_entry"} & set(inspect(db.engine).get_table_names()))
        upgrade()
        db.session.remove()
        db.engine.dispose()


def test_app_starts_on_an_empty_database_without_errors(empty_database_url):
    app = create_app(type("Fresh", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": empty_database_url}))
    assert app.config["FAB_UPDATE_PERMS"] is False
    with app.app_context():
        db.engine.dispose()
