"""The one rule for moving a deal between stages: Kanban drop, edit form, stage control, API.

* A deal moves only between stages of its own pipeline.
* Reaching the pipeline's won stage sets the actual close date to today.
* Reaching the lost stage sets the actual close date and keeps the (optional)
  lost reason.
* Going back to an open stage clears both.
* Moving to the stage the deal is already in changes nothing.

``move_deal_to_stage`` applies the rule without committing, so the edit form can
use it inside its save; ``change_stage`` is the whole operation for the board,
the stage control on the deal page and ``PUT /api/v1/deal/<id>/stage``.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import QueryContext, Session
from sqlalchemy.orm.exc import StaleDataError

from crm.models import Deal, Stage
from crm.security.tenancy import get_owned
from crm.services.core.errors import EditConflict, NotFound, ValidationFailed
from crm.services.core.transaction import transaction

LOST_REASON_LENGTH = Deal.__table__.c.lost_reason.type.length

# The stage whose rule the deal's close date and lost reason currently follow:
# the stage it was loaded in, or the one ``move_deal_to_stage`` last applied.
# Kept beside the row because a flush between the change and the rule (an
# autoflush while a form or an API body is loaded) would erase the history.
_RULED_STAGE = "_crm_ruled_stage_id"


@event.listens_for(Deal, "load")
def _remember_loaded_stage(deal: Any, context: QueryContext) -> None:
    deal.__dict__[_RULED_STAGE] = deal.__dict__.get("stage_id")


@event.listens_for(Deal, "refresh")
def _remember_refreshed_stage(
    deal: Any, context: QueryContext, attrs: Iterable[str] | None
) -> None:
    if attrs is None or "stage_id" in attrs:
        deal.__dict__[_RULED_STAGE] = deal.__dict__.get("stage_id")


def ruled_stage_id(deal: Any) -> Any:
    """The stage whose rule the deal's dates follow now; None for a deal never placed."""
    if _RULED_STAGE in deal.__dict__:
        return deal.__dict__[_RULED_STAGE]
    state = inspect(deal)
    if not state.has_identity:
        return None
    history = state.attrs.stage_id.history
    if history.deleted:
        return history.deleted[0]
    return history.unchanged[0] if history.unchanged else None


def pipeline_id_of(deal: Any) -> Any:
    """The pipeline the deal is (about to be) in: a newly set relationship wins over the column."""
    pipeline = deal.pipeline
    return pipeline.id if pipeline is not None else deal.pipeline_id


def today() -> dt.date:
    return dt.date.today()


def clean_lost_reason(reason: str | None) -> str | None:
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > LOST_REASON_LENGTH:
        raise ValidationFailed(
            {
                "lost_reason": [
                    _l("Keep the lost reason under %(count)s characters.", count=LOST_REASON_LENGTH)
                ]
            }
        )
    return reason


def move_deal_to_stage(
    session: Session, deal: Any, stage: Any, lost_reason: str | None = None
) -> bool:
    """Put ``deal`` in ``stage`` and set its close date and lost reason by the rule above.

    Returns True when the deal changed stage, False for a move to its own stage.
    Raises ValidationFailed for a stage of another pipeline. Does not commit.
    """
    if stage is None:
        raise ValidationFailed({"stage": [_l("Choose a stage.")]})
    pipeline_id = pipeline_id_of(deal)
    if stage.pipeline_id != pipeline_id:
        raise ValidationFailed(
            {
                "stage": [
                    gettext(
                        "%(stage)s is a stage of another pipeline; a deal moves only between the stages "
                        "of its own pipeline.",
                        stage=stage.name,
                    )
                ]
            }
        )
    reason = clean_lost_reason(lost_reason)
    if ruled_stage_id(deal) == stage.id:
        deal.stage = stage
        return False
    deal.stage = stage
    if stage.is_won:
        deal.actual_close_date, deal.lost_reason = today(), None
    elif stage.is_lost:
        deal.actual_close_date, deal.lost_reason = today(), reason
    else:
        deal.actual_close_date, deal.lost_reason = None, None
    deal.__dict__[_RULED_STAGE] = stage.id
    return True


def find_stage(session: Session, stage_id: object) -> Any:
    """The current tenant's stage with this id; NotFound otherwise."""
    stage = get_owned(session, Stage, stage_id)
    if stage is None:
        raise NotFound(_l("No such stage."))
    return stage


def change_stage(
    session: Session, deal: Any, stage_id: object, lost_reason: str | None = None
) -> Any:
    """Move ``deal`` to the stage with ``stage_id`` (the tenant's), as one transaction.

    Returns the stage the deal left, so callers can refresh what showed it.

    Two moves of one deal at the same moment run one after the other: the deal is
    re-read under a row lock (PostgreSQL) before the rule applies, and its version
    check refuses a move based on a state another move has meanwhile changed (SQLite
    has no row locks), so a deal never ends won with a lost reason.
    """
    try:
        with transaction(session):
            return _change_stage(session, deal, stage_id, lost_reason)
    except StaleDataError:
        # Raised once the transaction is rolled back: the message's language is read
        # from the signed-in user, through this session.
        raise EditConflict() from None


def _change_stage(session: Session, deal: Any, stage_id: object, lost_reason: str | None) -> Any:
    stage = find_stage(session, stage_id)
    if inspect(deal).persistent and not session.is_modified(deal):
        # The deal's row alone: its eagerly joined relations may be NULL, which
        # PostgreSQL will not lock.
        session.execute(select(Deal.id).where(Deal.id == deal.id).with_for_update())
        session.refresh(deal)
    left = deal.stage
    move_deal_to_stage(session, deal, stage, lost_reason)
    session.flush()  # the version check, inside the transaction
    return left
