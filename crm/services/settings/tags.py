"""Tags typed on a customer's form: an existing tag of the tenant by name (any case), or
a new one, created with the customer by whoever may edit it."""

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.models import Tag
from crm.services.core.validation import FieldInvalid

NAME_LIMIT = 60


def tags_for(session: Session, tenant_id: int, chosen: Iterable[str]) -> list[Any]:
    """The tags ``chosen`` names: ``id:<n>`` is the tenant's tag n; anything else is a
    name, the tenant's tag of that name or a new one (not yet added to the session; it
    is saved with the record that holds it). Raises FieldInvalid for a bad name or id."""
    found: list[Any] = []
    for raw in chosen:
        raw = (raw or "").strip()
        if not raw:
            continue
        if raw.startswith("id:") and raw[3:].isdigit():
            tag = session.scalar(
                select(Tag).where(Tag.tenant_id == tenant_id, Tag.id == int(raw[3:]))
            )
            if tag is None:
                raise FieldInvalid(_l("No such tag. Choose one from the list."))
        else:
            name = " ".join(raw.split())
            if len(name) > NAME_LIMIT:
                raise FieldInvalid(_l("A tag has at most 60 characters."))
            tag = next((t for t in found if t.name.lower() == name.lower()), None)
            tag = tag or session.scalar(
                select(Tag).where(Tag.tenant_id == tenant_id, func.lower(Tag.name) == name.lower())
            )
            tag = tag or Tag(tenant_id=tenant_id, name=name)
        if tag not in found:
            found.append(tag)
    return found
