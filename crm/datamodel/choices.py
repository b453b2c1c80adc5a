"""The records a form or filter bar offers to choose from: pipelines, stages and owners
(deal forms, the deal list and board, the dashboard), in the order they are listed."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from crm.extensions import db
from crm.models import CrmUser, Pipeline, Stage


def pipelines(active_only: bool) -> Sequence[Pipeline]:
    query = select(Pipeline).order_by(Pipeline.is_default.desc(), Pipeline.position, Pipeline.name)
    if active_only:
        query = query.where(Pipeline.is_active.is_(True))
    return db.session.scalars(query).all()


def stages(active_only: bool) -> Sequence[Stage]:
    query = (
        select(Stage)
        .join(Stage.pipeline)
        .options(contains_eager(Stage.pipeline))
        .order_by(
            Pipeline.is_default.desc(), Pipeline.position, Pipeline.name, Stage.position, Stage.id
        )
    )
    if active_only:
        query = query.where(Pipeline.is_active.is_(True))
    return db.session.scalars(query).unique().all()


def owners(active_only: bool) -> Sequence[CrmUser]:
    query = select(CrmUser).order_by(CrmUser.first_name, CrmUser.last_name, CrmUser.username)
    if active_only:
        query = query.where(CrmUser.active.is_(True))
    return db.session.scalars(query).all()


def stages_of(session: Session, deal: Any) -> list[Stage]:
    """The stages of the deal's pipeline, in order, for the indicator and the stage control."""
    return list(
        session.scalars(
            select(Stage)
            .where(Stage.pipeline_id == deal.pipeline_id)
            .order_by(Stage.position, Stage.id)
        )
    )
