"""FAB checks every API request's ``q`` argument with ``jsonschema.validate``, which first
checks the schema itself against its meta-schema: most of an API list's Python time. The
schemas are FAB's constants, so each is checked once per process and its validator kept.
tests/integration/test_api_rison_schemas.py fails if FAB stops calling it this way."""

from typing import Any

import jsonschema
from flask_appbuilder import api as fab_api


class CheckedSchemas:
    """Stands in for the ``jsonschema`` module inside ``flask_appbuilder.api``: the same
    ``validate`` (same errors, same best-matching message), the schema checked once."""

    ValidationError = jsonschema.ValidationError

    def __init__(self) -> None:
        self._validators: dict[int, tuple[Any, Any]] = {}

    def validate(self, instance: Any, schema: Any) -> None:
        kept = self._validators.get(id(schema))
        if kept is None or kept[0] is not schema:
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            kept = (schema, cls(schema))
            self._validators[id(schema)] = kept
        error = jsonschema.exceptions.best_match(kept[1].iter_errors(instance))
        if error is not None:
            raise error

    def __getattr__(self, name: str) -> Any:
        return getattr(jsonschema, name)


def install() -> None:
    if not isinstance(fab_api.jsonschema, CheckedSchemas):
        fab_api.jsonschema = CheckedSchemas()
