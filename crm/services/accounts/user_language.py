"""The language a user picked for the CRM's screens."""

from collections.abc import Collection
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from crm.services.core.errors import CrmError
from crm.services.core.transaction import transactional


def check_language(code: str, shipped: Collection[str]) -> str:
    if code not in shipped:
        message = _l("Choose one of the languages the CRM ships.")
        raise CrmError(message, {"locale": [message]})
    return code


@transactional
def set_user_language(session: Session, user: Any, code: str, shipped: Collection[str]) -> None:
    """Store ``code`` on ``user`` ; the choice follows them to every browser."""
    user.locale = check_language(code, shipped)
