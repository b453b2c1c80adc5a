"""Make a chosen user the record's owner."""

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from crm.services.automation.actions.base import Context, set_owner, user_id

LABEL = _l("Assign an owner")


def clean(session: Session, entity: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"user_id": user_id(session, params.get("user_id"))}


def run(ctx: Context, params: dict[str, Any], index: int) -> None:
    set_owner(ctx, params["user_id"])
