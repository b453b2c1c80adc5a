"""Lead statuses: the columns of the lead board, exactly one of them the default.

Rules (one place for the form, the API and the import):
* names are unique in the tenant, ignoring case; colours look like #2e86c1;
* exactly one status is the default: making another status the default takes the
  flag from the old one, and the default cannot simply be unchecked;
* the default cannot be a final status (new leads would start closed and off the board);
* the default status cannot be deleted, nor a status that leads use.
"""

from typing import Any, cast

from flask_babel import gettext, lazy_gettext as _l, ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.models import Lead, LeadStatus
from crm.security.tenancy import current_tenant_id
from crm.services.core.errors import NotAllowed, ValidationFailed
from crm.services.core.transaction import transactional
from crm.services.pipeline import positions
from crm.services.pipeline.setting_names import check_colour, clean_name, others_flagged, tenant_of


def prepare(session: Session, status: Any) -> None:
    """Validate and normalise a status before it is saved; moves the default flag to it."""
    errors: dict[str, list[Any]] = {}
    clean_name(session, status, errors)
    check_colour(errors, status)
    status.is_final = bool(status.is_final)
    previous = others_flagged(session, status)
    if not status.is_default and not previous:
        if status.id is None:
            status.is_default = True  # the first status of a tenant is its default
        else:
            errors["is_default"] = [
                _l("There must be a default status. Make another status the default instead.")
            ]
    if status.is_default and status.is_final:
        errors["is_final"] = [
            _l("The default status cannot be final: new leads would start closed.")
        ]
    if errors:
        raise ValidationFailed(errors)
    if status.is_default:
        for old in previous:
            old.is_default = False
    if status.id is None:
        status.position = positions.next_position(
            session, LeadStatus, LeadStatus.tenant_id == tenant_of(status)
        )


def leads_using(session: Session, status: Any) -> int:
    return cast(int, session.scalar(select(func.count(Lead.id)).where(Lead.status_id == status.id)))


def check_delete(session: Session, status: Any) -> None:
    if status.is_default:
        raise NotAllowed(
            gettext(
                "“%(name)s” is the default status and cannot be deleted. Make "
                "another status the default first.",
                name=status.name,
            )
        )
    used = leads_using(session, status)
    if used:
        raise NotAllowed(
            ngettext(
                "“%(name)s” is the status of %(num)d lead; move it to another status first.",
                "“%(name)s” is the status of %(num)d leads; move them to another status first.",
                used,
                name=status.name,
            )
        )


@transactional
def reorder(session: Session, ids: object) -> list[Any]:
    """The board's columns in the order of ``ids`` (every status of the tenant, once)."""
    return positions.reorder(session, LeadStatus, ids, LeadStatus.tenant_id == current_tenant_id())


def default_status(session: Session) -> Any:
    return session.scalar(
        select(LeadStatus).where(LeadStatus.is_default.is_(True)).order_by(LeadStatus.position)
    )
