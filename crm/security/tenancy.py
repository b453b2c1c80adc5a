"""The one place CRM data is scoped to a tenant.

Two layers:

* every ORM SELECT of a tenant-owned model gets ``tenant_id = <current tenant>``
  added by a session-wide ``do_orm_execute`` hook. That covers list, search,
  detail, edit, delete, bulk actions, related-field dropdowns, search filters,
  charts, exports and the API, whoever wrote the query;
* every insert of a tenant-owned row is stamped with the current tenant in
  ``before_flush``, and a row can never be moved to another tenant.

The current tenant is the signed-in user's (screens and JWT API alike), or the
one an operator command chose with ``tenant_scope``. With neither (sign-in
itself, migrations), queries are not filtered; every CRM view requires login.
"""

import contextlib
import contextvars

from flask import g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session, with_loader_criteria

from crm.models.base import TenantMixin

_explicit_tenant = contextvars.ContextVar("crm_explicit_tenant", default=None)


class TenantRequired(RuntimeError):
    """A tenant-owned row was written with no tenant to stamp on it."""


@contextlib.contextmanager
def tenant_scope(tenant_id):
    """Run a block (a CLI command, a background job) as the given tenant."""
    token = _explicit_tenant.set(tenant_id)
    try:
        yield
    finally:
        _explicit_tenant.reset(token)


@contextlib.contextmanager
def loading_user():
    """Load the request's user unscoped: its own query must not ask for the user (through
    ``g.user``) again, which would load it a second time."""
    resolving = g.get("_crm_resolving_tenant", False)
    g._crm_resolving_tenant = True
    try:
        yield
    finally:
        g._crm_resolving_tenant = resolving


def current_tenant_id():
    explicit = _explicit_tenant.get()
    if explicit is not None:
        return explicit
    if not has_request_context() or g.get("_crm_resolving_tenant"):
        return None
    # Reading g.user may load the user, which runs a query that comes back here.
    g._crm_resolving_tenant = True
    try:
        user = g.get("user")
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        return getattr(user, "tenant_id", None)
    finally:
        g._crm_resolving_tenant = False


def signed_in_user():
    """The user of the current request (screen or JWT API), or None outside one."""
    if not has_request_context():
        return None
    user = g.get("user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def current_user_id():
    user = signed_in_user()
    return user.id if user is not None else None


def _scope_selects(state):
    if not state.is_select or state.is_column_load or state.is_relationship_load:
        return
    if state.execution_options.get("all_tenants"):
        return
    state.statement = scoped(state.statement)


def scoped(statement):
    """``statement`` limited to the current tenant's rows of every tenant-owned table it
    reads (aliases and subqueries too), as the session hook runs it. Exports that hand
    their SELECT to the database in another form (PostgreSQL's COPY) compile this."""
    tenant_id = current_tenant_id()
    if tenant_id is None:
        return statement
    return statement.options(
        with_loader_criteria(
            TenantMixin, lambda cls: cls.tenant_id == tenant_id, include_aliases=True
        )
    )


def _stamp_inserts(session, flush_context, instances):
    tenant_id = current_tenant_id()
    for obj in session.new:
        if not isinstance(obj, TenantMixin):
            continue
        if tenant_id is not None:
            obj.tenant_id = tenant_id
        elif obj.tenant_id is None:
            raise TenantRequired(f"{type(obj).__name__} written without a tenant")
    if tenant_id is None:
        return
    for obj in session.dirty:
        if isinstance(obj, TenantMixin) and obj.tenant_id != tenant_id:
            raise TenantRequired(f"{type(obj).__name__} belongs to another tenant")


def install():
    """Attach the scoping hooks to every SQLAlchemy session (idempotent)."""
    if not event.contains(Session, "do_orm_execute", _scope_selects):
        event.listen(Session, "do_orm_execute", _scope_selects)
        event.listen(Session, "before_flush", _stamp_inserts)


def get_owned(session, model, pk):
    """The current tenant's row of ``model`` with this primary key, or None."""
    from sqlalchemy import select

    from crm.models.base import MAX_ID

    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk <= MAX_ID:
        return None
    return session.scalar(select(model).where(model.id == pk))
