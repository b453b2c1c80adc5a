"""Lead sources: where leads come from. A source leads use can be deactivated (it leaves
the pickers of new leads) but not deleted, so the history keeps its origin."""

from typing import Any, cast

from flask_babel import gettext, ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.models import Lead
from crm.services.core.errors import NotAllowed, ValidationFailed
from crm.services.core.transaction import transactional
from crm.services.pipeline.setting_names import clean_name


def prepare(session: Session, source: Any) -> None:
    errors: dict[str, list[Any]] = {}
    clean_name(session, source, errors)
    source.is_active = True if source.is_active is None else bool(source.is_active)
    if errors:
        raise ValidationFailed(errors)


def leads_using(session: Session, source: Any) -> int:
    return cast(int, session.scalar(select(func.count(Lead.id)).where(Lead.source_id == source.id)))


def check_delete(session: Session, source: Any) -> None:
    used = leads_using(session, source)
    if used:
        raise NotAllowed(
            ngettext(
                "“%(name)s” is the source of %(num)d lead and cannot be deleted; deactivate it "
                "instead.",
                "“%(name)s” is the source of %(num)d leads and cannot be deleted; deactivate it "
                "instead.",
                used,
                name=source.name,
            )
        )


@transactional
def toggle_active(session: Session, source: Any) -> str:
    source.is_active = not source.is_active
    return cast(
        str,
        gettext(
            "%(name)s is now %(state)s.",
            name=source.name,
            state=gettext("active") if source.is_active else gettext("inactive"),
        ),
    )
