"""Records and read-backs for the sales pipeline settings tests (their leads and deals
come from tests.factories).
"""

from crm.extensions import db
from crm.models import AuditEntry, Pipeline, Stage
from crm.security.tenancy import tenant_scope
from crm.services.settings import configuration as crm_configuration


def ids(app, tenant, model, **filters):
    """{name: id} of the tenant's rows of ``model``."""
    with app.app_context():
        rows = db.session.query(model).filter_by(tenant_id=tenant.id, **filters).all()
        found = {row.name: row.id for row in rows}
        db.session.remove()
    return found


def stage_id(app, tenant, name, pipeline="Sales"):
    with app.app_context():
        pk = (
            db.session.query(Stage.id)
            .join(Pipeline)
            .filter(Pipeline.tenant_id == tenant.id, Pipeline.name == pipeline, Stage.name == name)
            .scalar()
        )
        db.session.remove()
    return pk


def pipeline(app, tenant, name, stages=(), **fields):
    """A pipeline with plain stages (no flags); returns its id."""
    with app.app_context(), tenant_scope(tenant.id):
        s = db.session
        position = (
            s.query(db.func.max(Pipeline.position)).filter_by(tenant_id=tenant.id).scalar() or 0
        ) + 1
        row = Pipeline(tenant_id=tenant.id, name=name, position=position, **fields)
        row.stages = [Stage(tenant_id=tenant.id, name=n, position=i) for i, n in enumerate(stages)]
        s.add(row)
        s.commit()
        pk = row.id
        s.remove()
    return pk


def rows(app, tenant, model, *columns, order=("position", "id")):
    """The tenant's rows as tuples of ``columns``, in ``order``."""
    with app.app_context():
        query = db.session.query(*[getattr(model, c) for c in columns]).filter(
            model.tenant_id == tenant.id
        )
        result = [tuple(r) for r in query.order_by(*[getattr(model, c) for c in order]).all()]
        db.session.remove()
    return result


def stages_of(app, tenant, pipeline="Sales"):
    """[(name, is_default, is_won, is_lost, position)] of one pipeline, in board order."""
    with app.app_context():
        found = (
            db.session.query(
                Stage.name, Stage.is_default, Stage.is_won, Stage.is_lost, Stage.position
            )
            .join(Pipeline)
            .filter(Pipeline.tenant_id == tenant.id, Pipeline.name == pipeline)
            .order_by(Stage.position, Stage.id)
            .all()
        )
        db.session.remove()
    return [tuple(r) for r in found]


def defaults_of(app, tenant, model):
    return [
        name for name, is_default in rows(app, tenant, model, "name", "is_default") if is_default
    ]


def configuration(app, tenant):
    """The tenant's exported configuration, without its timestamp."""
    with app.app_context(), tenant_scope(tenant.id):
        document = crm_configuration.export_configuration(db.session)
        db.session.remove()
    document.pop("exported_at")
    return document


def audit_actions(app, tenant, entity, entity_id):
    with app.app_context():
        found = [
            a
            for (a,) in db.session.query(AuditEntry.action)
            .filter_by(tenant_id=tenant.id, entity=entity, entity_id=entity_id)
            .order_by(AuditEntry.id)
        ]
        db.session.remove()
    return found


def load(app, model, pk):
    with app.app_context():
        item = db.session.get(model, pk)
        if item is not None:
            db.session.expunge(item)
        db.session.remove()
    return item


def flashes(html):
    """Flash messages and form errors shown on a page, whitespace collapsed."""
    import re

    found = re.findall(r'<div class="alert alert-[a-z]+[^"]*">(.*?)</div>', html, re.S)
    found += re.findall(r'<span class="help-block">(.*?)</span>', html, re.S)
    return " | ".join(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", m)).strip() for m in found)
