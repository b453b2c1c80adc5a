"""Tags typed on a customer's form or sent to its API: an existing tag of the tenant by id
or by name (any case), or a new one, created with the customer by whoever may edit it."""

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.models import Tag
from crm.services.core.validation import FieldInvalid

NAME_LIMIT = 60


def tags_for(session: Session, tenant_id: int, chosen: Iterable[str]) -> list[Any]:
    """The tags a form's values name: ``id:<n>`` is the tenant's tag n; anything else is a
    name (see tags_named)."""
    return tags_named(
        session,
        tenant_id,
        (
            int(raw[3:]) if raw.startswith("id:") and raw[3:].isdigit() else raw
            for raw in ((raw or "").strip() for raw in chosen)
        ),
    )


def tags_named(session: Session, tenant_id: int, chosen: Iterable[int | str]) -> list[Any]:
    """The tags ``chosen`` names, each by id (an int) or by name (a string): the tenant's
    tag of that name (any case) or a new one (not yet added to the session; it is saved
    with the record that holds it). Raises FieldInvalid for a bad name or id."""
    found: list[Any] = []
    for value in chosen:
        if isinstance(value, int) and not isinstance(value, bool):
            tag = session.scalar(select(Tag).where(Tag.tenant_id == tenant_id, Tag.id == value))
            if tag is None:
                raise FieldInvalid(_l("No such tag. Choose one from the list."))
        elif isinstance(value, str):
            name = " ".join(value.split())
            if not name:
                continue
            if len(name) > NAME_LIMIT:
                raise FieldInvalid(_l("A tag has at most 60 characters."))
            tag = next((t for t in found if t.name.lower() == name.lower()), None)
            tag = tag or session.scalar(
                select(Tag).where(Tag.tenant_id == tenant_id, func.lower(Tag.name) == name.lower())
            )
            tag = tag or Tag(tenant_id=tenant_id, name=name)
        else:
            raise FieldInvalid(_l("Give a tag's id or its name."))
        if tag not in found:
            found.append(tag)
    return found
