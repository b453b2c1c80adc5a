"""FAB's security manager, bound to tenants.

A tenant's Admin manages the users of that tenant only (the user model is
tenant-scoped like every CRM model); roles are shared configuration, readable
but not editable on screen; FAB's group and permission editors are not offered.
"""
from flask import abort, current_app, g, has_request_context, request
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import assoc_permissionview_role
from flask_appbuilder.security.views import (
    ResetPasswordView, RoleModelView, UserDBModelView,
)
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select
from werkzeug.security import generate_password_hash
from wtforms.validators import DataRequired

from crm.models import CrmUser
from crm.security.scoping import ScopedRoutesMixin


def _without_groups(columns):
    return [c for c in columns if c != "groups"]


class TenantUserView(ScopedRoutesMixin, UserDBModelView):
    list_columns = ["first_name", "last_name", "username", "email", "active", "roles"]
    search_columns = ["first_name", "last_name", "username", "email", "active", "roles"]
    add_columns = _without_groups(UserDBModelView.add_columns)
    edit_columns = _without_groups(UserDBModelView.edit_columns)
    show_fieldsets = [
        (_l("User info"), {"fields": ["username", "active", "roles", "login_count"]}),
        (_l("Personal Info"), {"fields": ["first_name", "last_name", "email"], "expanded": True}),
        (_l("Audit Info"), {"fields": ["last_login", "fail_login_count", "created_on", "changed_on"],
                            "expanded": False}),
    ]
    validators_columns = {"roles": [DataRequired()]}


class SharedRoleView(ScopedRoutesMixin, RoleModelView):
    """Roles are configuration (crm/security/roles.py): shown, never edited on screen."""

    base_permissions = ["can_list", "can_show"]
    copy_role = None


class TenantResetPasswordView(ResetPasswordView):
    """Reset another user's password, only within the admin's own tenant."""

    def _check_user(self):
        pk = request.args.get("pk", type=int)
        if pk is None or self.appbuilder.sm.session.scalar(
                select(CrmUser.id).where(CrmUser.id == pk)) is None:
            abort(404)

    def form_get(self, form):
        self._check_user()

    def form_post(self, form):
        self._check_user()
        super().form_post(form)


class CrmSecurityManager(SecurityManager):
    user_model = CrmUser
    userdbmodelview = TenantUserView
    rolemodelview = SharedRoleView
    resetpasswordview = TenantResetPasswordView
    userstatschartview = None

    def hash_password(self, password):
        return generate_password_hash(
            password,
            method=current_app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
            salt_length=current_app.config.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16),
        )

    def exist_permission_on_roles(self, view_name, permission_name, role_ids):
        # FAB asks the database once per check (dozens per page for an Admin); load the
        # roles' (view, permission) pairs once per request instead.
        if not has_request_context():
            return super().exist_permission_on_roles(view_name, permission_name, role_ids)
        cache = g.setdefault("_crm_role_permissions", {})
        key = tuple(sorted(role_ids))
        if key not in cache:
            cache[key] = self._role_permission_pairs(role_ids)
        return (view_name, permission_name) in cache[key]

    def _role_permission_pairs(self, role_ids):
        pv = self.permissionview_model
        rows = self.session.execute(
            select(self.viewmenu_model.name, self.permission_model.name)
            .select_from(pv)
            .join(assoc_permissionview_role, assoc_permissionview_role.c.permission_view_id == pv.id)
            .join(self.viewmenu_model, self.viewmenu_model.id == pv.view_menu_id)
            .join(self.permission_model, self.permission_model.id == pv.permission_id)
            .where(assoc_permissionview_role.c.role_id.in_(role_ids)))
        return {(view, permission) for view, permission in rows}

    def get_user_by_id(self, pk):
        return self.session.scalar(select(CrmUser).where(CrmUser.id == pk))

    def create_db(self):
        # Alembic owns the schema; only seed roles and permissions once tables exist.
        if "ab_role" in inspect(self.session.get_bind()).get_table_names():
            super(SecurityManager, self).create_db()

    def register_views(self):
        # FAB's user-group editor would let one tenant's admin attach roles across
        # tenants; it is left out (the other security screens are off by config).
        original, self.groupmodelview = self.groupmodelview, None
        add_view = self.appbuilder.add_view

        def add_view_unless_none(view, *args, **kwargs):
            if view is None:
                return None
            return add_view(view, *args, **kwargs)

        self.appbuilder.add_view = add_view_unless_none
        try:
            super().register_views()
        finally:
            self.appbuilder.add_view = add_view
            self.groupmodelview = original
