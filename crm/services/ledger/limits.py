"""How much one document or payment may hold, checked before any other work.

The defaults below apply unless config.py's CRM_MAX_DOCUMENT_LINES and
CRM_MAX_ALLOCATIONS say otherwise; screens and the API pass those values in.
"""

from typing import Any

from flask_babel import lazy_gettext as _l

from crm.services.core.errors import ValidationFailed

DOCUMENT_LINES = 500
ALLOCATIONS = 1000


def _check(field: str, items: object, limit: int | None, message: Any) -> None:
    if isinstance(items, (list, tuple)) and limit and len(items) > limit:
        raise ValidationFailed({field: [message % {"count": len(items), "max": limit}]})


def check_lines(lines: object, limit: int | None = DOCUMENT_LINES) -> None:
    """Refuse a document sent with more lines than ``limit``."""
    _check(
        "lines",
        lines,
        limit,
        _l(
            "%(count)s lines were sent; a document holds at most %(max)s. Split it into "
            "several documents."
        ),
    )


def check_allocations(allocations: object, limit: int | None = ALLOCATIONS) -> None:
    """Refuse a payment allocated to more invoices than ``limit`` at once."""
    _check(
        "allocations",
        allocations,
        limit,
        _l("%(count)s allocations were sent; a payment takes at most %(max)s at once."),
    )
