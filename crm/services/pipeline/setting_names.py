"""Checks shared by the sales pipeline settings: names unique in their group, colours."""

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from crm.security.tenancy import current_tenant_id

COLOUR = re.compile(r"^#[0-9a-f]{6}$")


def tenant_of(item: Any) -> Any:
    return item.tenant_id or current_tenant_id()


def clean_name(
    session: Session, item: Any, errors: dict[str, list[Any]], *group: ColumnElement[bool]
) -> None:
    """Strip the name, require it, fit it in its column and keep it unique (ignoring case)
    among the rows of ``group`` (extra criteria, e.g. the stage's pipeline)."""
    model = type(item)
    item.name = " ".join((item.name or "").split())
    limit = model.__table__.c.name.type.length
    if not item.name:
        errors["name"] = [_l("A name is required.")]
    elif len(item.name) > limit:
        errors["name"] = [_l("Use at most %(count)d characters.", count=limit)]
    else:
        with session.no_autoflush:
            clash = session.scalar(
                select(model.id).where(
                    model.tenant_id == tenant_of(item),
                    func.lower(model.name) == item.name.lower(),
                    model.id != (item.id or 0),
                    *group,
                )
            )
        if clash:
            errors["name"] = [_l("“%(name)s” already exists.", name=item.name)]


def others_flagged(
    session: Session, item: Any, flag: str = "is_default", *group: ColumnElement[bool]
) -> list[Any]:
    """The tenant's other rows of ``item``'s model (within ``group``) whose ``flag`` is set."""
    model = type(item)
    with session.no_autoflush:
        return list(
            session.scalars(
                select(model).where(
                    model.tenant_id == tenant_of(item),
                    getattr(model, flag).is_(True),
                    model.id != (item.id or 0),
                    *group,
                )
            )
        )


def clean_colour(value: str | None) -> str | None:
    """'#rrggbb' in lower case, None when blank; ValueError otherwise."""
    value = (value or "").strip().lower()
    if not value:
        return None
    if len(value) == 6 and COLOUR.match("#" + value):
        value = "#" + value
    if not COLOUR.match(value):
        raise ValueError(value)
    return value


def check_colour(errors: dict[str, list[Any]], item: Any) -> None:
    try:
        item.colour = clean_colour(item.colour)
    except ValueError:
        errors["colour"] = [_l("Use a colour like #2e86c1.")]
