"""Hooks that every session runs (flush events), attached once per process, and what
they share."""

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key


def listen(**hooks: Callable[..., None]) -> None:
    """Attach each hook to every session under its event's name (idempotent)."""
    for name, hook in hooks.items():
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)


def expire_loaded(
    session: Session, model: type[Any], ids: Iterable[Any], attributes: list[str]
) -> None:
    """After a Core statement rewrote ``attributes`` of these rows, the copies the
    session holds read them again when next asked."""
    for pk in ids:
        if pk is None:
            continue
        loaded = session.identity_map.get(identity_key(model, pk))
        if loaded is not None:
            session.expire(loaded, attributes)
