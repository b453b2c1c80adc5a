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
                == "m_contact_search"
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


def test_tax_registrations_migration_moves_each_customers_number(empty_database_url):
    """Before m_tax_registrations a customer had one regime and number; after it, that is
    its registration used on invoices, every tenant has the tax regimes, and the customer
    keeps the number as that registration's copy."""
    app = create_app(type("Fresh", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": empty_database_url}))
    with app.app_context():
        upgrade(revision="m_search_indexes")
        customer = (
            "INSERT INTO crm_customer (id, kind, name, code, email, currency, discount_rate, "
            "credit_hold, balance, is_active, search_text, tenant_id, created_at, updated_at, "
            "tax_regime, tax_number) VALUES (:id, 'company', :name, :code, :email, 'EUR', 0, "
            ":no, 0, :yes, '', 1, :now, :now, :regime, :number)"
        )
        now = "2026-01-02 03:04:05"
        with db.engine.begin() as conn:
            conn.execute(
                text("INSERT INTO crm_tenant (id, name, created_at) VALUES (1, 'Old', :now)"),
                {"now": now},
            )
            for pk, regime, number in (
                (1, "GSTIN", "27AAPFU0939F1ZV"),
                (2, None, None),
                (3, None, "FREE-7"),
            ):
                conn.execute(
                    text(customer),
                    {
                        "id": pk,
                        "name": f"C{pk}",
                        "code": f"C{pk}",
                        "email": f"c{pk}@x.example",
                        "no": False,
                        "yes": True,
                        "now": now,
                        "regime": regime,
                        "number": number,
                    },
                )
        upgrade()
        with db.engine.connect() as conn:
            moved = conn.execute(
                text(
                    "SELECT customer_id, regime, number, for_invoices, tenant_id "
                    "FROM crm_tax_registration ORDER BY customer_id"
                )
            ).all()
            regimes = conn.execute(
                text("SELECT code, validator FROM crm_tax_regime WHERE tenant_id = 1")
            ).all()
            kept = conn.execute(
                text("SELECT tax_regime, tax_number FROM crm_customer ORDER BY id")
            ).all()
        assert [tuple(r) for r in moved] == [
            (1, "GSTIN", "27AAPFU0939F1ZV", True, 1),
            (3, "OTHER", "FREE-7", True, 1),
        ]
        assert ("GSTIN", "GSTIN") in regimes and ("PAN", "PAN") in regimes and len(regimes) == 11
        assert [tuple(r) for r in kept] == [
            ("GSTIN", "27AAPFU0939F1ZV"),
            (None, None),
            ("OTHER", "FREE-7"),
        ]
        db.session.remove()
        db.engine.dispose()


def _old_customers(conn, rows):
    """A tenant (id 1) and customers as an older revision stored them: (id, search text,
    city) each, named C<id> with code K<id>."""
    now = "2026-01-02 03:04:05"
    conn.execute(
        text("INSERT INTO crm_tenant (id, name, created_at) VALUES (1, 'Old', :now)"),
        {"now": now},
    )
    for pk, search, city in rows:
        conn.execute(
            text(
                "INSERT INTO crm_customer (id, kind, name, code, email, currency, "
                "discount_rate, credit_hold, balance, is_active, search_text, tenant_id, "
                "created_at, updated_at, city) VALUES (:id, 'company', :name, :code, "
                ":email, 'EUR', 0, :no, 0, :yes, :search, 1, :now, :now, :city)"
            ),
            {
                "id": pk,
                "name": f"C{pk}",
                "code": f"K{pk}",
                "email": f"c{pk}@x.example",
                "search": search,
                "no": False,
                "yes": True,
                "now": now,
                "city": city,
            },
        )
    return now


def test_saved_views_migration_adds_each_customers_city_to_its_search_text(empty_database_url):
    """Before m_saved_views the search text had no city; after it, customers are found by
    their city, on SQLite through the FTS index the triggers keep in step."""
    app = create_app(type("Fresh", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": empty_database_url}))
    with app.app_context():
        upgrade(revision="m_automation_rules")
        with db.engine.begin() as conn:
            _old_customers(conn, [(1, "c1 c1@x.example", "Scranton"), (2, "c2 c2@x.example", None)])
        upgrade()
        with db.engine.connect() as conn:
            texts = conn.execute(text("SELECT search_text FROM crm_customer ORDER BY id")).all()
            if db.engine.dialect.name == "sqlite":
                found = conn.execute(
                    text(
                        "SELECT rowid FROM crm_customer_fts WHERE crm_customer_fts MATCH 'scranton'"
                    )
                ).all()
                assert [r[0] for r in found] == [1]
        assert [r[0] for r in texts] == ["c1 c1@x.example scranton", "c2 c2@x.example"]
        db.session.remove()
        db.engine.dispose()


def test_contact_search_migration_adds_contact_names_to_the_search_text(empty_database_url):
    """After m_contact_search a customer's search text ends with its contacts' names
    (primary first, lower-cased as Python does, so upper-case accents match); a downgrade
    takes them out again."""
    app = create_app(type("Fresh", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": empty_database_url}))
    with app.app_context():
        upgrade(revision="m_email")
        with db.engine.begin() as conn:
            now = _old_customers(
                conn, [(pk, f"c{pk} c{pk}@x.example k{pk}", None) for pk in (1, 2)]
            )
            for pk, name, primary in ((1, "Ann Lee", False), (2, "ÖZ Müller", True)):
                conn.execute(
                    text(
                        "INSERT INTO crm_contact (id, customer_id, name, is_primary, tenant_id, "
                        "created_at, updated_at, version) "
                        "VALUES (:id, 1, :name, :primary, 1, :now, :now, 1)"
                    ),
                    {"id": pk, "name": name, "primary": primary, "now": now},
                )
        upgrade()
        read = text("SELECT search_text FROM crm_customer ORDER BY id")
        with db.engine.connect() as conn:
            assert [r[0] for r in conn.execute(read)] == [
                "c1 c1@x.example k1 öz müller ann lee",
                "c2 c2@x.example k2",
            ]
            if db.engine.dialect.name == "sqlite":
                found = conn.execute(
                    text(
                        "SELECT rowid FROM crm_customer_fts WHERE crm_customer_fts MATCH '\"öz mü\"'"
                    )
                ).all()
                assert [r[0] for r in found] == [1]
        downgrade(revision="m_email")
        with db.engine.connect() as conn:
            assert [r[0] for r in conn.execute(read)] == [
                "c1 c1@x.example k1",
                "c2 c2@x.example k2",
            ]
        db.session.remove()
        db.engine.dispose()
