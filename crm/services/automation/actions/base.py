"""What every action gets when it runs, and the checks actions share."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext
from sqlalchemy.orm import Session

from crm.services.automation import values
from crm.services.automation.catalogue import ENTITIES, Entity


@dataclass
class Context:
    session: Session
    rule: Any
    entity: str
    record: Any
    # The user whose change started the chain (None: an import, a command).
    actor_id: int | None
    # Called once the run's transaction has committed (queueing a webhook delivery).
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    serialise: Callable[[Any], dict[str, Any] | None] = lambda record: None
    send_delivery: Callable[[int], None] = lambda delivery_id: None
    # Queues an email from the record (crm.services.mail.compose.submit_email's arguments).
    send_email: Callable[[Session, dict[str, Any]], None] = lambda session, message: None

    @property
    def spec(self) -> Entity:
        return ENTITIES[self.entity]

    @property
    def link(self) -> str:
        return self.spec.link.format(id=self.record.id)


def user_id(session: Session, value: object) -> int:
    """A chosen user of this organisation who can sign in; ValueError otherwise."""
    return int(values.owned(session, "user", value).id)


def user_ids(session: Session, value: object) -> list[int]:
    if not isinstance(value, list) or not value:
        raise ValueError(gettext("Choose at least one user."))
    chosen = []
    for item in value:
        found = user_id(session, item)
        if found not in chosen:
            chosen.append(found)
    return chosen


def text(value: object, required: bool, length: int, label: str) -> str | None:
    cleaned = (str(value) if value is not None else "").strip()
    if required and not cleaned:
        raise ValueError(gettext("%(label)s is required.", label=label))
    if len(cleaned) > length:
        raise ValueError(
            gettext("Keep %(label)s under %(count)s characters.", label=label, count=length)
        )
    return cleaned or None


def set_owner(ctx: Context, owner_id: int) -> None:
    """Give the record a new owner through its service rule."""
    relation = ctx.spec.owner[: -len("_id")]
    setattr(ctx.record, relation, values.owned(ctx.session, "user", owner_id))
    ctx.spec.prepare(ctx.session, ctx.record)
