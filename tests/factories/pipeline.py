"""Pipelines, deals and leads, made through the same services the app uses.

``deal()`` and ``lead()`` name stages, statuses and sources by their names; each returns
the new id. ``load_deal()`` reads a deal back with its stage's name.
"""

from types import SimpleNamespace

from sqlalchemy import select

from crm.extensions import db
from crm.models import Deal, Lead, LeadSource, LeadStatus, Pipeline, Stage
from crm.security.tenancy import tenant_scope
from crm.services.pipeline import deals, leads


def sales(app, tenant):
    """The seeded "Sales" pipeline: .id and .stages {name: id}."""
    with app.app_context(), tenant_scope(tenant.id):
        found = db.session.scalar(
            select(Pipeline).where(Pipeline.tenant_id == tenant.id, Pipeline.name == "Sales")
        )
        found = SimpleNamespace(id=found.id, stages={s.name: s.id for s in found.stages})
        db.session.remove()
    return found


def pipeline(
    app,
    tenant,
    name="Enterprise",
    stages=(("Intro", {}), ("Signed", {"is_won": True}), ("Dropped", {"is_lost": True})),
    is_active=True,
    default_stage=None,
):
    """Another pipeline with its stages; .id and .stages {name: id}."""
    with app.app_context(), tenant_scope(tenant.id):
        row = Pipeline(tenant_id=tenant.id, name=name, is_active=is_active, position=5)
        row.stages = [
            Stage(
                tenant_id=tenant.id,
                name=stage_name,
                position=i,
                is_default=stage_name == default_stage,
                **flags,
            )
            for i, (stage_name, flags) in enumerate(stages)
        ]
        db.session.add(row)
        db.session.commit()
        found = SimpleNamespace(id=row.id, stages={s.name: s.id for s in row.stages})
        db.session.remove()
    return found


def deal(app, tenant, title="Big rollout", stage=None, pipeline=None, **fields):
    """A deal made by ``deals.create_deal``; its id.

    ``stage`` names a stage (of the pipeline named ``pipeline``, else of the first pipeline
    that has one by that name); ``pipeline`` alone puts the deal in that pipeline's default
    stage; neither: the default pipeline and stage. ``fields`` are create_deal's
    (``customer_id``, ``company_id``, ``value``, ``stage_id``, ...)."""
    with app.app_context(), tenant_scope(tenant.id):
        query = select(Stage).join(Pipeline).where(Pipeline.tenant_id == tenant.id)
        if pipeline is not None:
            query = query.where(Pipeline.name == pipeline)
        if stage is not None:
            row = db.session.scalars(
                query.where(Stage.name == stage).order_by(Pipeline.id, Stage.id)
            ).first()
            fields.setdefault("pipeline_id", row.pipeline_id)
            fields.setdefault("stage_id", row.id)
        elif pipeline is not None:
            fields.setdefault(
                "pipeline_id",
                db.session.scalar(
                    select(Pipeline.id).where(
                        Pipeline.tenant_id == tenant.id, Pipeline.name == pipeline
                    )
                ),
            )
        pk = deals.create_deal(db.session, title=title, **fields).id
        db.session.remove()
    return pk


def lead(app, tenant, title="Website redesign", status=None, source=None, **fields):
    """A lead saved through the lead rules; its id. ``status`` and ``source`` are names
    (no status: the tenant's default one)."""
    with app.app_context(), tenant_scope(tenant.id):
        item = Lead(tenant_id=tenant.id, title=title, **fields)
        if status is not None:
            item.status = (
                db.session.query(LeadStatus).filter_by(tenant_id=tenant.id, name=status).one()
            )
        if source is not None:
            item.source = (
                db.session.query(LeadSource).filter_by(tenant_id=tenant.id, name=source).one()
            )
        leads.prepare(db.session, item)
        db.session.add(item)
        db.session.commit()
        pk = item.id
        db.session.remove()
    return pk


def load_deal(app, pk):
    """The deal as saved, detached, with its stage's name."""
    with app.app_context():
        row = db.session.get(Deal, pk)
        found = None
        if row is not None:
            found = SimpleNamespace(
                **{c.key: getattr(row, c.key) for c in Deal.__mapper__.column_attrs},
                stage_name=row.stage.name,
            )
        db.session.remove()
    return found
