"""Create a task linked to the record, due some days on, for its owner, a chosen user or
the user who made the change."""

import datetime as dt
from typing import Any

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy.orm import Session

from crm.models import Task
from crm.services.automation.actions.base import Context, text, user_id
from crm.services.pipeline import tasks

LABEL = _l("Create a task")
ASSIGNEES = {
    "owner": _l("The record's owner"),
    "user": _l("A chosen user"),
    "actor": _l("The user who made the change"),
}
MAX_DAYS = 3650
# The links a task copies from the record it is created for.
LINKS = {
    "deal": ("deal_id", "customer_id", "company_id"),
    "lead": ("lead_id",),
    "customer": ("customer_id",),
    "task": ("deal_id", "lead_id", "customer_id", "company_id"),
}


def clean(session: Session, entity: str, params: dict[str, Any]) -> dict[str, Any]:
    title = text(params.get("title"), True, 200, gettext("The task's title"))
    description = text(params.get("description"), False, 2000, gettext("The description"))
    try:
        days = int(str(params.get("due_in_days") or 0).strip())
    except ValueError:
        raise ValueError(gettext("Give the days until the task is due as a whole number."))
    if not 0 <= days <= MAX_DAYS:
        raise ValueError(gettext("A task is due between 0 and %(n)d days on.", n=MAX_DAYS))
    assignee = params.get("assignee") or "owner"
    if assignee not in ASSIGNEES:
        raise ValueError(gettext("Choose who the task is for."))
    cleaned = {
        "title": title,
        "description": description,
        "due_in_days": days,
        "assignee": assignee,
    }
    if assignee == "user":
        cleaned["user_id"] = user_id(session, params.get("user_id"))
    return cleaned


def run(ctx: Context, params: dict[str, Any], index: int) -> None:
    if params["assignee"] == "user":
        assignee_id = params["user_id"]
    elif params["assignee"] == "actor":
        assignee_id = ctx.actor_id
    else:
        assignee_id = getattr(ctx.record, ctx.spec.owner)
    task = Task(
        title=params["title"],
        description=params.get("description"),
        due_date=tasks.today() + dt.timedelta(days=params["due_in_days"]),
        assignee_id=assignee_id,
        tenant_id=ctx.record.tenant_id,
    )
    for column in LINKS[ctx.entity]:
        source = "id" if column == f"{ctx.entity}_id" else column
        setattr(task, column, getattr(ctx.record, source))
    tasks.prepare(ctx.session, task)
    ctx.session.add(task)
    ctx.session.flush()
