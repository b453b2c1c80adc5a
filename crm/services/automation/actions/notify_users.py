"""Notify chosen users in the app, with a link to the record."""

from typing import Any

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy.orm import Session

from crm.services.accounts import notifications
from crm.services.automation.actions.base import Context, text, user_ids

LABEL = _l("Notify users")


def clean(session: Session, entity: str, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "user_ids": user_ids(session, params.get("user_ids")),
        "message": text(params.get("message"), False, 200, gettext("The message")),
    }


def run(ctx: Context, params: dict[str, Any], index: int) -> None:
    message = params.get("message") or gettext(
        "%(rule)s: %(record)s", rule=ctx.rule.name, record=str(ctx.record)
    )
    for user_id in params["user_ids"]:
        notifications.notify(ctx.session, ctx.record.tenant_id, user_id, message, ctx.link)
