"""The unit of work: the outermost ``transaction`` commits or rolls back everything inside
it; a ``savepoint`` undoes one step and keeps the rest (on SQLite and PostgreSQL)."""

import pytest
from sqlalchemy import select

from crm.extensions import db
from crm.models import Region
from crm.security.tenancy import tenant_scope
from crm.services.core.transaction import depth, savepoint, transaction, transactional

# Tenants start with regions of their own; these names are not among them.
OURS = ("Atlantis", "Lemuria", "Mu", "Hyperborea", "Zone 1", "Zone 2", "Zone 3")


def _regions(app, tenant):
    with app.app_context(), tenant_scope(tenant.id):
        names = db.session.scalars(
            select(Region.name).where(Region.name.in_(OURS)).order_by(Region.name)
        ).all()
        db.session.rollback()
        return names


@transactional
def _add_region(session, tenant, name, fail=False):
    session.add(Region(tenant_id=tenant.id, name=name))
    session.flush()
    if fail:
        raise RuntimeError("refused")


def test_the_outermost_block_commits_inner_blocks_join(app, acme):
    with app.app_context(), tenant_scope(acme.id):
        with transaction(db.session):
            _add_region(db.session, acme, "Atlantis")
            assert depth(db.session) == 1
            # The inner service did not commit: another connection cannot see its row yet.
            assert _regions_elsewhere(app, acme) == []
            _add_region(db.session, acme, "Lemuria")
        assert depth(db.session) == 0
    assert _regions(app, acme) == ["Atlantis", "Lemuria"]


def _regions_elsewhere(app, tenant):
    with db.engine.connect() as connection:
        return (
            connection.execute(
                select(Region.name).where(Region.tenant_id == tenant.id, Region.name.in_(OURS)),
                execution_options={"all_tenants": True},
            )
            .scalars()
            .all()
        )


def test_an_error_anywhere_rolls_back_the_whole_unit(app, acme):
    with app.app_context(), tenant_scope(acme.id):
        with pytest.raises(RuntimeError), transaction(db.session):
            _add_region(db.session, acme, "Atlantis")
            _add_region(db.session, acme, "Lemuria", fail=True)
        assert depth(db.session) == 0
    assert _regions(app, acme) == []


def test_a_service_called_alone_commits_its_own_work(app, acme):
    with app.app_context(), tenant_scope(acme.id):
        _add_region(db.session, acme, "Mu")
        with pytest.raises(RuntimeError):
            _add_region(db.session, acme, "Hyperborea", fail=True)
    assert _regions(app, acme) == ["Mu"]


def test_a_savepoint_undoes_one_step_and_keeps_the_others(app, acme):
    with app.app_context(), tenant_scope(acme.id):
        with transaction(db.session):
            for name in ("Zone 1", "Zone 2", "Zone 3"):
                try:
                    with savepoint(db.session):
                        _add_region(db.session, acme, name, fail=name == "Zone 2")
                except RuntimeError:
                    pass
    assert _regions(app, acme) == ["Zone 1", "Zone 3"]
