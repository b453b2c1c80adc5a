"""Set one of the record's fields (those the catalogue marks settable) through the
record's service rule, as a form would."""

from typing import Any

from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy.orm import Session

from crm.services.automation import values
from crm.services.automation.actions.base import Context
from crm.services.automation.catalogue import FIELDS

LABEL = _l("Set a field")


def clean(session: Session, entity: str, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("field")
    field = FIELDS[entity].get(name) if isinstance(name, str) else None
    if field is None or not field.settable:
        raise ValueError(gettext("unknown field “%(field)s”.", field=name))
    return {"field": name, "value": values.clean(session, field, params.get("value"))}


def run(ctx: Context, params: dict[str, Any], index: int) -> None:
    name = params["field"]
    field = FIELDS[ctx.entity][name]
    if field.kind in values.RELATIONS:
        # The row, as a form sets it: the services read the relationship, not the id.
        setattr(
            ctx.record, name[: -len("_id")], values.owned(ctx.session, field.kind, params["value"])
        )
    else:
        setattr(ctx.record, name, values.typed(field, params["value"]))
    ctx.spec.prepare(ctx.session, ctx.record)
