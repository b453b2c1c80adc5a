"""FAB's save and delete hooks, wired to an entity's service rules (screens and API alike)."""


class ServiceHooks:
    """Subclasses name their service functions as staticmethods: ``prepare(session, item)``
    validates and normalises before every save; ``check_delete(session, item)`` refuses
    deletes. FAB calls the hooks below from its add, edit and delete paths."""

    prepare = None
    check_delete = None

    @property
    def session(self):
        return self.datamodel.session

    def before_save(self, item):
        if self.prepare is not None:
            self.prepare(self.session, item)

    def pre_add(self, item):
        self.before_save(item)

    def pre_update(self, item):
        self.before_save(item)

    def pre_delete(self, item):
        if self.check_delete is not None:
            self.check_delete(self.session, item)
