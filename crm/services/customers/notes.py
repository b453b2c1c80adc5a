"""Internal notes on a customer."""

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from crm.models import Note
from crm.security.tenancy import current_user_id
from crm.services.core.errors import ValidationFailed


def prepare(session: Session, note: Note) -> None:
    note.body = (note.body or "").strip()
    errors = {}
    if not note.body:
        errors["body"] = [_l("Write the note first.")]
    if note.customer is None and note.customer_id is None:
        errors["customer"] = [_l("Choose the customer this note belongs to.")]
    if errors:
        raise ValidationFailed(errors)
    if note.author_id is None:
        note.author_id = current_user_id()
