"""Pipelines and deals for the deal tests, made through the same services the app uses."""
import datetime as dt
from types import SimpleNamespace

from sqlalchemy import select

from crm.extensions import db
from crm.models import Deal, Interaction, Pipeline, Stage, Task
from crm.security.tenancy import tenant_scope
from crm.services.pipeline import deals


def sales(app, tenant):
    """The seeded "Sales" pipeline: .id and .stages {name: id}."""
    with app.app_context(), tenant_scope(tenant.id):
        pipeline = db.session.scalar(select(Pipeline).where(Pipeline.tenant_id == tenant.id,
                                                            Pipeline.name == "Sales"))
        found = SimpleNamespace(id=pipeline.id, stages={s.name: s.id for s in pipeline.stages})
        db.session.remove()
    return found


def pipeline(app, tenant, name="Enterprise", stages=(("Intro", {}), ("Signed", {"is_won": True}),
                                                     ("Dropped", {"is_lost": True})),
             is_active=True, default_stage=None):
    """Another pipeline with its stages; .id and .stages {name: id}."""
    with app.app_context(), tenant_scope(tenant.id):
        row = Pipeline(tenant_id=tenant.id, name=name, is_active=is_active, position=5)
        row.stages = [Stage(tenant_id=tenant.id, name=stage_name, position=i,
                            is_default=stage_name == default_stage, **flags)
                      for i, (stage_name, flags) in enumerate(stages)]
        db.session.add(row)
        db.session.commit()
        found = SimpleNamespace(id=row.id, stages={s.name: s.id for s in row.stages})
        db.session.remove()
    return found


def deal(app, tenant, title="Big rollout", stage=None, **fields):
    """A deal made by ``deals.create_deal``; ``stage`` names a stage of the Sales pipeline
    unless ``stage_id``/``pipeline_id`` are given. Returns its id."""
    with app.app_context(), tenant_scope(tenant.id):
        if stage is not None:
            row = db.session.scalar(select(Stage).where(Stage.tenant_id == tenant.id,
                                                        Stage.name == stage))
            fields.setdefault("pipeline_id", row.pipeline_id)
            fields.setdefault("stage_id", row.id)
        pk = deals.create_deal(db.session, title=title, **fields).id
        db.session.remove()
    return pk


def task(app, tenant, deal_id, title="Send the proposal", status="open", **fields):
    with app.app_context(), tenant_scope(tenant.id):
        row = Task(tenant_id=tenant.id, deal_id=deal_id, title=title, status=status, **fields)
        db.session.add(row)
        db.session.commit()
        pk = row.id
        db.session.remove()
    return pk


def interaction(app, tenant, deal_id, customer_id, summary="Call about pricing"):
    with app.app_context(), tenant_scope(tenant.id):
        row = Interaction(tenant_id=tenant.id, deal_id=deal_id, customer_id=customer_id,
                          summary=summary, kind="call",
                          occurred_at=dt.datetime.now(dt.timezone.utc))
        db.session.add(row)
        db.session.commit()
        pk = row.id
        db.session.remove()
    return pk


def load(app, pk):
    """The deal as saved, detached, with its stage's name."""
    with app.app_context():
        row = db.session.get(Deal, pk)
        found = None
        if row is not None:
            found = SimpleNamespace(**{c.key: getattr(row, c.key) for c in Deal.__mapper__.column_attrs},
                                    stage_name=row.stage.name)
        db.session.remove()
    return found
