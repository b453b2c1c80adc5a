"""Typed errors raised by services; views flash them, the API returns them as JSON."""

from typing import Any

from flask_babel import lazy_gettext as _l


class CrmError(Exception):
    """A refused operation. ``status`` is the HTTP status the API answers with."""

    status = 400

    def __init__(self, message: object, errors: dict[str, list[Any]] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        # field name -> list of messages, for forms and JSON bodies
        self.errors = errors or {}


class ValidationFailed(CrmError):
    status = 422

    def __init__(self, errors: dict[str, list[Any]]) -> None:
        first = next(iter(errors.items()))
        super().__init__(f"{first[0]}: {first[1][0]}", errors)


class NotAllowed(CrmError):
    """The record exists but the rule forbids the operation (e.g. delete with history)."""

    status = 409


class Forbidden(CrmError):
    """The user's role does not allow the operation (e.g. sharing a saved view)."""

    status = 403


class NotFound(CrmError):
    status = 404

    def __init__(self, message: object = None) -> None:
        super().__init__(message or _l("Not found."))


class EditConflict(CrmError):
    """The record was saved by someone else after this edit read it."""

    status = 409

    def __init__(self, message: object = None) -> None:
        super().__init__(message or CHANGED_MEANWHILE)


CHANGED_MEANWHILE = _l(
    "This record was changed by someone else meanwhile — reload to see their changes."
)
