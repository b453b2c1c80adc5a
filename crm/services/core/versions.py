"""The version an edit form was loaded with, and the one check of it on save
(README, *Concurrent users*): a save based on an older read is refused."""

from collections.abc import Iterable
from typing import Any

from crm.services.core.errors import EditConflict


def version_of(record: Any) -> str:
    """What an edit form of one record carries: its ``version``."""
    return str(record.version)


def version_of_rows(rows: Iterable[Any]) -> str:
    """What a form over several rows carries (the settings, a customer's custom fields):
    every row's id and version, so an added, changed or removed row all count as a change."""
    return "rows:" + ",".join(f"{r.id}.{r.version}" for r in sorted(rows, key=lambda r: r.id))


def is_stale(loaded: object, current: str) -> bool:
    """True when the form's ``loaded`` version is no longer ``current``. A form without one
    (a page from before versions, a client that does not send it) is not checked."""
    if loaded is None or str(loaded) == "":
        return False
    return str(loaded) != current


def check_version(loaded: object, current: str) -> None:
    """Raise EditConflict when the form was loaded from an older version than ``current``."""
    if is_stale(loaded, current):
        raise EditConflict()
