"""Pipelines: the sales processes deals go through, exactly one of them the default.

Rules (one place for the form, the API and the import):
* names are unique in the tenant, ignoring case;
* exactly one pipeline is the default (new deals land there): making another the
  default takes the flag from the old one; the default cannot be unchecked, nor
  deactivated;
* a pipeline can be deleted only when it has no stages and no deals and is not the default.
"""

from typing import Any, cast

from flask_babel import gettext, lazy_gettext as _l, ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.models import Deal, Pipeline, Stage
from crm.security.tenancy import current_tenant_id
from crm.services.core.errors import NotAllowed, ValidationFailed
from crm.services.core.transaction import transactional
from crm.services.pipeline import positions
from crm.services.pipeline.setting_names import clean_name, others_flagged, tenant_of


def prepare(session: Session, pipeline: Any) -> None:
    """Validate and normalise a pipeline before it is saved; moves the default flag to it."""
    errors: dict[str, list[Any]] = {}
    clean_name(session, pipeline, errors)
    pipeline.description = (pipeline.description or "").strip() or None
    pipeline.is_active = True if pipeline.is_active is None else bool(pipeline.is_active)
    previous = others_flagged(session, pipeline)
    if not pipeline.is_default and not previous:
        if pipeline.id is None:
            pipeline.is_default = True  # the first pipeline of a tenant is its default
        else:
            errors["is_default"] = [
                _l("There must be a default pipeline. Make another pipeline the default instead.")
            ]
    if pipeline.is_default and not pipeline.is_active:
        errors["is_active"] = [_l("The default pipeline must be active: new deals go there.")]
    if errors:
        raise ValidationFailed(errors)
    if pipeline.is_default:
        for old in previous:
            old.is_default = False
    if pipeline.id is None:
        pipeline.position = positions.next_position(
            session, Pipeline, Pipeline.tenant_id == tenant_of(pipeline)
        )


def counts(session: Session, pipeline: Any) -> tuple[int, int]:
    """(stages, deals) of a pipeline."""
    stages = session.scalar(select(func.count(Stage.id)).where(Stage.pipeline_id == pipeline.id))
    deals = session.scalar(select(func.count(Deal.id)).where(Deal.pipeline_id == pipeline.id))
    return cast(int, stages), cast(int, deals)


def check_delete(session: Session, pipeline: Any) -> None:
    """Refuse with every reason at once, so the user knows all that is in the way."""
    reasons: list[str] = []
    if pipeline.is_default:
        reasons.append(
            gettext("it is the default pipeline (make another pipeline the default first)")
        )
    stages, deals = counts(session, pipeline)
    if stages:
        reasons.append(
            ngettext(
                "it has %(num)d stage (delete it first)",
                "it has %(num)d stages (delete them first)",
                stages,
            )
        )
    if deals:
        reasons.append(ngettext("%(num)d deal is in it", "%(num)d deals are in it", deals))
    if reasons:
        raise NotAllowed(
            gettext(
                "“%(name)s” cannot be deleted: %(reasons)s.",
                name=pipeline.name,
                reasons="; ".join(reasons),
            )
        )


@transactional
def toggle_active(session: Session, pipeline: Any) -> str:
    if pipeline.is_default and pipeline.is_active:
        raise NotAllowed(
            gettext(
                "“%(name)s” is the default pipeline and stays active. Make "
                "another pipeline the default first.",
                name=pipeline.name,
            )
        )
    pipeline.is_active = not pipeline.is_active
    return cast(
        str,
        gettext(
            "%(name)s is now %(state)s.",
            name=pipeline.name,
            state=gettext("active") if pipeline.is_active else gettext("inactive"),
        ),
    )


@transactional
def reorder(session: Session, ids: object) -> list[Any]:
    return positions.reorder(session, Pipeline, ids, Pipeline.tenant_id == current_tenant_id())


def default_pipeline(session: Session) -> Any:
    return session.scalar(
        select(Pipeline).where(Pipeline.is_default.is_(True)).order_by(Pipeline.position)
    )


def ordered(session: Session) -> list[Any]:
    return list(session.scalars(select(Pipeline).order_by(Pipeline.position, Pipeline.name)))
