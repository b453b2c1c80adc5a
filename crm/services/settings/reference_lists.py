"""Reference lists a tenant edits: payment terms, segments, regions, tags."""

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.models import PaymentTerm, SubSegment, Tag
from crm.security.tenancy import current_tenant_id
from crm.services.core.delete_rules import delete_blockers
from crm.services.core.errors import ValidationFailed


def prepare_named(session: Session, item: Any) -> None:
    """Names are required and unique within the tenant (and within a segment)."""
    model = type(item)
    item.name = (item.name or "").strip()
    errors = {}
    if not item.name:
        errors["name"] = [_l("A name is required.")]
    else:
        query = select(model.id).where(
            model.tenant_id == (item.tenant_id or current_tenant_id()),
            model.name == item.name,
            model.id != (item.id or 0),
        )
        if model is SubSegment:
            if item.segment is None:
                errors["segment"] = [_l("Choose the segment.")]
            else:
                query = query.where(model.segment_id == item.segment.id)
        if "segment" not in errors and session.scalar(query):
            errors["name"] = [_l("“%(name)s” already exists.", name=item.name)]
    if model is PaymentTerm and (item.days is None or item.days < 0):
        errors["days"] = [_l("Enter the number of days until payment is due (0 or more).")]
    if model is Tag and item.colour and not (len(item.colour) == 7 and item.colour.startswith("#")):
        errors["colour"] = [_l("Use a colour like #2e86c1.")]
    if errors:
        raise ValidationFailed(errors)


def check_delete(session: Session, item: Any) -> None:
    found = delete_blockers(session, item)
    if found:
        from flask_babel import gettext

        what = ", ".join(f"{count} {label}" for label, count in found)
        from crm.services.core.errors import NotAllowed

        raise NotAllowed(
            gettext(
                "“%(name)s” is in use by %(what)s; deactivate or reassign first.",
                name=str(item),
                what=what,
            )
        )
