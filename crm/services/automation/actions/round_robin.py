"""Give the record to the chosen users in turn. Whose turn it is lives in the database
(crm_automation_cursor): the turn is taken with one UPDATE that holds the cursor's row
until the run commits, so any number of consumers hand out turns as one would."""

from typing import Any

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from crm.models import AutomationCursor, CrmUser
from crm.services.automation.actions.base import Context, set_owner, user_ids

LABEL = _l("Assign owners in turn (round robin)")
CURSORS = AutomationCursor.__table__


def clean(session: Session, entity: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"user_ids": user_ids(session, params.get("user_ids"))}


def take_turn(session: Session, tenant_id: int, rule_id: int, index: int) -> int:
    """The number of this turn (0 for the first), counted across every consumer."""
    dialect = session.get_bind().dialect.name
    values = {"tenant_id": tenant_id, "rule_id": rule_id, "action_index": index, "turns": 0}
    if dialect == "postgresql":
        statement: Any = postgresql.insert(CURSORS).values(values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        statement = sqlite.insert(CURSORS).values(values).on_conflict_do_nothing()
    else:
        statement = insert(CURSORS).values(values)
    session.execute(statement)
    turns = session.execute(
        update(CURSORS)
        .where(CURSORS.c.rule_id == rule_id, CURSORS.c.action_index == index)
        .values(turns=CURSORS.c.turns + 1)
        .returning(CURSORS.c.turns)
    ).scalar_one()
    return int(turns) - 1


def run(ctx: Context, params: dict[str, Any], index: int) -> None:
    chosen = params["user_ids"]
    active = set(
        ctx.session.scalars(
            select(CrmUser.id).where(CrmUser.id.in_(chosen), CrmUser.active.is_(True))
        )
    )
    users = [user for user in chosen if user in active]
    if not users:
        raise ValueError(gettext("None of the chosen users can sign in any more."))
    turn = take_turn(ctx.session, ctx.record.tenant_id, ctx.rule.id, index)
    set_owner(ctx, users[turn % len(users)])
