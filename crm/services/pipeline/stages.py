"""Stages of a pipeline: the columns of the deal board.

Rules (one place for the form, the API and the import):
* names are unique within their pipeline, ignoring case; colours look like #2e86c1;
  the probability is a whole number from 0 to 100;
* per pipeline at most one default stage (making another the default takes the flag
  from the old one), at most one won and at most one lost stage (a second one is
  refused, naming the first); a stage is never both won and lost, and the default
  stage is an open one (new deals do not start closed);
* a stage keeps its pipeline (its deals belong to that pipeline);
* a stage with deals cannot be deleted (``move_deals`` empties it first), and the
  default stage cannot be deleted while the pipeline has other stages.
"""

from typing import Any, cast

from flask_babel import gettext, lazy_gettext as _l, ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.models import Deal, Stage
from crm.services.core.errors import NotAllowed, ValidationFailed
from crm.services.core.transaction import transactional
from crm.services.pipeline import positions
from crm.services.pipeline.deal_stages import move_deal_to_stage
from crm.services.pipeline.setting_names import check_colour, clean_name, tenant_of

# Deals are moved in batches of this many: one UPDATE statement (executemany) per batch.
MOVE_BATCH = 500


def _pipeline_id(stage: Any) -> Any:
    return stage.pipeline.id if stage.pipeline is not None else stage.pipeline_id


def _siblings(session: Session, stage: Any) -> list[Any]:
    with session.no_autoflush:
        return list(
            session.scalars(
                select(Stage).where(
                    Stage.tenant_id == tenant_of(stage),
                    Stage.pipeline_id == _pipeline_id(stage),
                    Stage.id != (stage.id or 0),
                )
            )
        )


def prepare(session: Session, stage: Any) -> None:
    """Validate and normalise a stage before it is saved; moves the default flag to it."""
    errors: dict[str, list[Any]] = {}
    if _pipeline_id(stage) is None:
        errors["pipeline"] = [_l("Choose the pipeline.")]
        raise ValidationFailed(errors)
    clean_name(session, stage, errors, Stage.pipeline_id == _pipeline_id(stage))
    check_colour(errors, stage)
    stage.is_default, stage.is_won, stage.is_lost = (
        bool(stage.is_default),
        bool(stage.is_won),
        bool(stage.is_lost),
    )
    if stage.probability is None:
        stage.probability = 100 if stage.is_won else 0
    if isinstance(stage.probability, bool) or not 0 <= stage.probability <= 100:
        errors["probability"] = [_l("Enter a probability from 0 to 100.")]
    siblings = _siblings(session, stage)
    if stage.is_won and stage.is_lost:
        errors["is_lost"] = [_l("A stage cannot be both won and lost.")]
    else:
        won = next((s for s in siblings if s.is_won), None)
        if stage.is_won and won is not None:
            errors["is_won"] = [
                _l("“%(name)s” is already the won stage of this pipeline.", name=won.name)
            ]
        lost = next((s for s in siblings if s.is_lost), None)
        if stage.is_lost and lost is not None:
            errors["is_lost"] = [
                _l("“%(name)s” is already the lost stage of this pipeline.", name=lost.name)
            ]
    if stage.is_default and (stage.is_won or stage.is_lost):
        errors["is_default"] = [_l("The default stage must be an open stage, not won or lost.")]
    if errors:
        raise ValidationFailed(errors)
    if stage.is_default:
        for old in siblings:
            if old.is_default:
                old.is_default = False
    if stage.id is None:
        stage.position = positions.next_position(
            session,
            Stage,
            Stage.tenant_id == tenant_of(stage),
            Stage.pipeline_id == _pipeline_id(stage),
        )


def deal_count(session: Session, stage: Any) -> int:
    return cast(int, session.scalar(select(func.count(Deal.id)).where(Deal.stage_id == stage.id)))


def check_delete(session: Session, stage: Any) -> None:
    deals = deal_count(session, stage)
    if deals:
        raise NotAllowed(
            ngettext(
                "“%(name)s” has %(num)d deal and cannot be deleted. Move it to another stage "
                "of the pipeline first.",
                "“%(name)s” has %(num)d deals and cannot be deleted. Move them to another stage "
                "of the pipeline first.",
                deals,
                name=stage.name,
            )
        )
    if stage.is_default and _siblings(session, stage):
        raise NotAllowed(
            gettext(
                "“%(name)s” is the default stage of its pipeline and cannot be deleted while the "
                "pipeline has other stages. Make another stage the default first.",
                name=stage.name,
            )
        )


@transactional
def reorder(session: Session, ids: object) -> list[Any]:
    """The columns of one pipeline's board in the order of ``ids`` (all its stages, once)."""
    ids = positions.clean_ids(ids)
    first = session.scalar(select(Stage).where(Stage.id == ids[0]))
    if first is None:
        raise ValidationFailed({"ids": [_l("No such stage.")]})
    return positions.reorder(
        session,
        Stage,
        ids,
        Stage.tenant_id == first.tenant_id,
        Stage.pipeline_id == first.pipeline_id,
    )


def of_pipeline(session: Session, pipeline: Any) -> list[Any]:
    return list(
        session.scalars(
            select(Stage).where(Stage.pipeline_id == pipeline.id).order_by(Stage.position, Stage.id)
        )
    )


# --- moving a stage's deals ---------------------------------------------------------


@transactional
def move_deals(session: Session, stage: Any, target: Any) -> int:
    """Move every deal of ``stage`` to ``target`` (another stage of the same pipeline) in
    one transaction. Each deal goes through the deals' own stage rule
    (``deal_stages.move_deal_to_stage``: won and lost stages close it today, open stages
    reopen it), so each change is audited like a move on the board. Returns how many moved."""
    if target is None:
        raise ValidationFailed({"target": [_l("Choose the stage to move the deals to.")]})
    if target.id == stage.id:
        raise ValidationFailed({"target": [_l("Choose a different stage.")]})
    if target.pipeline_id != stage.pipeline_id:
        raise ValidationFailed({"target": [_l("Choose a stage of the same pipeline.")]})
    moved = 0
    while True:
        batch = list(
            session.scalars(
                select(Deal).where(Deal.stage_id == stage.id).order_by(Deal.id).limit(MOVE_BATCH)
            )
        )
        if not batch:
            break
        for deal in batch:
            move_deal_to_stage(session, deal, target)
        session.flush()
        moved += len(batch)
    return moved
