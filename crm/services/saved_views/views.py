"""The saved views users keep of the lists: save, rename, share, delete, and each user's
default view of a list.

A user sees their own views and those shared with the tenant (the tenant hook adds the
tenant); only the owner changes a view; sharing needs the role's ``SHARED_VIEWS`` "edit"
and deleting another user's shared view its "delete" (crm/security/roles.py), which the
caller passes as ``may_share`` and ``may_delete_shared``.
"""

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete as sql_delete, or_, select
from sqlalchemy.orm import Session

from crm.models import SavedView, SavedViewDefault
from crm.services.core.errors import Forbidden, ValidationFailed
from crm.services.core.transaction import transactional
from crm.services.saved_views.lists import ListSpec, ViewState, clean_state, not_found

MAX_NAME = 80
NOT_OWNER = _l("Only the person who saved this view may change it.")
MAY_NOT_SHARE = _l("Your role may not share views with the organisation.")
MAY_NOT_DELETE = _l("Only the person who saved this view or an administrator may delete it.")


def _seen_by(user_id: int) -> Any:
    return or_(SavedView.owner_id == user_id, SavedView.is_shared.is_(True))


def visible(session: Session, user_id: int, list_name: str | None = None) -> list[SavedView]:
    """The user's own views and the tenant's shared ones, by list and name."""
    query = select(SavedView).where(_seen_by(user_id))
    if list_name is not None:
        query = query.where(SavedView.list_name == list_name)
    return list(session.scalars(query.order_by(SavedView.list_name, SavedView.name, SavedView.id)))


def get_visible(session: Session, user_id: int, view_id: object) -> SavedView:
    """A view the user sees (own or shared), else NotFound."""
    try:
        pk = int(view_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise not_found() from None
    view = session.scalar(select(SavedView).where(SavedView.id == pk, _seen_by(user_id)))
    if view is None:
        raise not_found()
    return view


def state_of(view: SavedView) -> ViewState:
    return ViewState(
        filters={k: list(v) for k, v in (view.filters or {}).items()},
        order_column=view.order_column,
        order_direction=view.order_direction,
        page_size=view.page_size,
        columns=list(view.columns) if view.columns else None,
    )


def _clean_name(name: object) -> str:
    text = name.strip() if isinstance(name, str) else ""
    if not text:
        raise ValidationFailed({"name": [_l("Give the view a name.")]})
    if len(text) > MAX_NAME:
        raise ValidationFailed(
            {"name": [_l("A view's name has at most %(max)s characters.", max=MAX_NAME)]}
        )
    return text


def _check_name_free(
    session: Session, owner_id: int, list_name: str, name: str, view_id: int | None
) -> None:
    clash = session.scalar(
        select(SavedView.id).where(
            SavedView.owner_id == owner_id,
            SavedView.list_name == list_name,
            SavedView.name == name,
            SavedView.id != (view_id or 0),
        )
    )
    if clash:
        raise ValidationFailed(
            {"name": [_l("You already have a view named “%(name)s” of this list.", name=name)]}
        )


def _write_state(view: SavedView, state: ViewState) -> None:
    view.filters = state.filters
    view.order_column = state.order_column
    view.order_direction = state.order_direction
    view.page_size = state.page_size
    view.columns = state.columns


def _unshare(session: Session, view: SavedView) -> None:
    """Other users' defaults of a view they no longer see go."""
    session.execute(
        sql_delete(SavedViewDefault).where(
            SavedViewDefault.saved_view_id == view.id,
            SavedViewDefault.user_id != view.owner_id,
        )
    )


@transactional
def save(
    session: Session,
    spec: ListSpec,
    owner_id: int,
    name: object,
    state: ViewState,
    shared: bool = False,
    may_share: bool = False,
) -> SavedView:
    """A new view of ``spec``'s list holding ``state`` (what the list does not know is
    left out)."""
    clean_name = _clean_name(name)
    clean = clean_state(spec, state)
    if shared and not may_share:
        raise Forbidden(MAY_NOT_SHARE)
    _check_name_free(session, owner_id, spec.name, clean_name, None)
    view = SavedView(
        owner_id=owner_id, list_name=spec.name, name=clean_name, is_shared=bool(shared)
    )
    _write_state(view, clean)
    session.add(view)
    session.flush()
    return view


@transactional
def update(
    session: Session,
    spec: ListSpec,
    user_id: int,
    view_id: object,
    name: object = None,
    state: ViewState | None = None,
    shared: bool | None = None,
    may_share: bool = False,
) -> SavedView:
    """Rename, reshare or overwrite the state of the user's own view; what is None stays."""
    view = get_visible(session, user_id, view_id)
    if view.owner_id != user_id:
        raise Forbidden(NOT_OWNER)
    clean_name = _clean_name(name) if name is not None else view.name
    clean = clean_state(spec, state) if state is not None else None
    if shared is not None and bool(shared) != view.is_shared and not may_share:
        raise Forbidden(MAY_NOT_SHARE)
    _check_name_free(session, user_id, view.list_name, clean_name, view.id)
    view.name = clean_name
    if clean is not None:
        _write_state(view, clean)
    if shared is not None:
        if view.is_shared and not shared:
            _unshare(session, view)
        view.is_shared = bool(shared)
    return view


@transactional
def delete(session: Session, user_id: int, view_id: object, may_delete_shared: bool) -> str:
    """Delete a view (its owner; an administrator also another user's shared view) and
    every default that names it. Returns its name."""
    view = get_visible(session, user_id, view_id)
    if view.owner_id != user_id and not (view.is_shared and may_delete_shared):
        raise Forbidden(MAY_NOT_DELETE)
    name = view.name
    session.execute(sql_delete(SavedViewDefault).where(SavedViewDefault.saved_view_id == view.id))
    session.delete(view)
    return name


@transactional
def set_default(session: Session, user_id: int, view_id: object) -> SavedView:
    """Make a view the user sees (own or shared) the one their bare list opens with."""
    view = get_visible(session, user_id, view_id)
    row = session.scalar(
        select(SavedViewDefault).where(
            SavedViewDefault.user_id == user_id, SavedViewDefault.list_name == view.list_name
        )
    )
    if row is None:
        session.add(
            SavedViewDefault(user_id=user_id, list_name=view.list_name, saved_view_id=view.id)
        )
    else:
        row.saved_view_id = view.id
    return view


@transactional
def clear_default(session: Session, user_id: int, list_name: str) -> None:
    """The user's bare list opens as the list does again."""
    session.execute(
        sql_delete(SavedViewDefault).where(
            SavedViewDefault.user_id == user_id, SavedViewDefault.list_name == list_name
        )
    )


def default_view(session: Session, user_id: int, list_name: str) -> SavedView | None:
    """The view the user's bare list opens with, if they still see it."""
    return session.scalar(
        select(SavedView)
        .join(SavedViewDefault, SavedViewDefault.saved_view_id == SavedView.id)
        .where(
            SavedViewDefault.user_id == user_id,
            SavedViewDefault.list_name == list_name,
            _seen_by(user_id),
        )
    )


def default_ids(session: Session, user_id: int) -> dict[str, int]:
    """{list name: default view id} of the user."""
    rows = session.execute(
        select(SavedViewDefault.list_name, SavedViewDefault.saved_view_id).where(
            SavedViewDefault.user_id == user_id
        )
    )
    return {row.list_name: row.saved_view_id for row in rows}
