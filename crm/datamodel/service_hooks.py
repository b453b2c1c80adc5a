"""FAB's save and delete hooks, wired to an entity's service rules (screens and API alike)."""

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

# A service rule over a record about to be saved or deleted: ``rule(session, item)``.
ServiceRule = Callable[[Session, Any], object]


class ServiceHooks:
    """Subclasses name their service functions as staticmethods: ``prepare(session, item)``
    validates and normalises before every save; ``check_delete(session, item)`` refuses
    deletes. FAB calls the hooks below from its add, edit and delete paths."""

    datamodel: Any
    prepare: ServiceRule | None = None
    check_delete: ServiceRule | None = None

    @property
    def session(self) -> Session:
        session: Session = self.datamodel.session
        return session

    def before_save(self, item: Any) -> None:
        if self.prepare is not None:
            self.prepare(self.session, item)

    def pre_add(self, item: Any) -> None:
        self.before_save(item)

    def pre_update(self, item: Any) -> None:
        self.before_save(item)

    def pre_delete(self, item: Any) -> None:
        if self.check_delete is not None:
            self.check_delete(self.session, item)
