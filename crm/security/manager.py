"""FAB's security manager, bound to tenants and to the sign-in rules.

Screens: crm/security/user_views.py; JWT sign-in: token_api.py; the rules behind
sessions, tokens and lockout: crm/services/accounts/logins.py.
"""

import functools
import logging
from types import SimpleNamespace

from flask import current_app, g, has_request_context, session
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import assoc_permissionview_role
from flask_login import current_user, user_logged_in
from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload
from werkzeug.security import generate_password_hash

from crm.models import CrmUser
from crm.security import permission_version, tenancy
from crm.security.token_api import VERSION_CLAIM, CrmSecurityApi
from crm.security.user_views import (
    PolicyResetMyPasswordView,
    SharedRoleView,
    TenantResetPasswordView,
    TenantUserView,
    UserInterface,
)
from crm.services.accounts import logins

log = logging.getLogger(__name__)
# The session cookie's copy of the user's session version (crm/services/accounts/logins.py).
SESSION_VERSION_KEY = "_crm_sv"


def _stamp_session_version(sender, user, **extra):
    session[SESSION_VERSION_KEY] = user.session_version


@functools.lru_cache(maxsize=8192)
def _builtin_answer(manager, role_name, permission_name, view_name):
    return SecurityManager._has_access_builtin_roles(
        manager, SimpleNamespace(name=role_name), permission_name, view_name
    )


@functools.lru_cache(maxsize=16384)
def _builtin_roles_answer(manager, role_names, permission_name, view_name):
    return any(_builtin_answer(manager, name, permission_name, view_name) for name in role_names)


class CrmSecurityManager(SecurityManager):
    user_model = CrmUser
    userdbmodelview = TenantUserView
    rolemodelview = SharedRoleView
    resetpasswordview = TenantResetPasswordView
    resetmypasswordview = PolicyResetMyPasswordView
    security_api = CrmSecurityApi
    userstatschartview = None

    def __init__(self, appbuilder):
        # Before FAB's own set-up, which may already sync roles and permissions.
        permission_version.install()
        super().__init__(appbuilder)
        self.userdbmodelview.datamodel = UserInterface(self.user_model)
        self._kept_pairs = (None, {})

    def create_login_manager(self, app):
        login_manager = super().create_login_manager(app)
        user_logged_in.connect(_stamp_session_version)
        return login_manager

    def load_user(self, pk):
        """The session's user, unless the session predates a sign-out, a password change or
        a deactivation: then the request is anonymous."""
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            return None
        user = self._user_with_roles(pk)
        if (
            user is None
            or not user.is_active
            or session.get(SESSION_VERSION_KEY) != user.session_version
        ):
            return None
        return user

    def load_user_jwt(self, _jwt_header, jwt_data):
        try:
            pk = int(jwt_data.get("sub"))
        except (TypeError, ValueError):
            return None
        user = self._user_with_roles(pk)
        if (
            user is None
            or not user.is_active
            or jwt_data.get(VERSION_CLAIM) != user.session_version
        ):
            return None
        g.user = user
        return user

    def _user_with_roles(self, pk):
        # One query for the user, its roles and its groups' roles: every permission check
        # of the request reads them.
        query = (
            select(CrmUser)
            .where(CrmUser.id == pk)
            .options(
                joinedload(CrmUser.roles),
                joinedload(CrmUser.groups).joinedload(self.group_model.roles),
            )
        )
        with tenancy.loading_user():
            return self.session.execute(query).unique().scalar_one_or_none()

    def on_user_logout(self, user):
        logins.sign_out_everywhere(self.session, user.id)

    def reset_password(self, userid, password):
        super().reset_password(userid, password)
        # Changing one's own password signs out every other session, not this one.
        own = (
            has_request_context()
            and current_user.is_authenticated
            and str(current_user.id) == str(userid)
        )
        if own:
            session[SESSION_VERSION_KEY] = logins.current_version(self.session, userid)

    @property
    def auth_rate_limit(self):
        # Read per request, so an operator's (or a test's) change applies without a restart.
        return lambda: current_app.config["AUTH_RATE_LIMIT"]

    def auth_user_db(self, username, password):
        user = self.find_user(username=username) if username else None
        if user is None and username:
            user = self.find_user(email=username)
        if user is not None and logins.is_locked(user, logins.utcnow()):
            log.info("Sign-in refused: account %s is locked", username)
            return None
        return super().auth_user_db(username, password)

    def update_user_auth_stat(self, user, success=True):
        if success:
            return super().update_user_auth_stat(user, success)
        config = current_app.config
        logins.record_failed_login(
            self.session,
            user.id,
            logins.utcnow(),
            config["CRM_LOGIN_LOCK_FAILURES"],
            config["CRM_LOGIN_LOCK_MINUTES"],
        )
        self.on_user_login_failed(user)

    def hash_password(self, password):
        return generate_password_hash(
            password,
            method=current_app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
            salt_length=current_app.config.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16),
        )

    def has_access(self, permission_name, view_name):
        # A page asks the same question many times (menu, buttons, the view itself):
        # answered once per request and signed-in user, and for users whose roles are all
        # built-in (configuration) once per process and set of roles. A token's user is
        # known only once its endpoint verified the token, so API requests ask each time.
        asked = self._asked()
        if asked is None:
            return super().has_access(permission_name, view_name)
        _, _, builtin, answers = asked
        if builtin is not None:
            return _builtin_roles_answer(self, builtin, permission_name, view_name)
        key = (permission_name, view_name)
        if key not in answers:
            answers[key] = super().has_access(permission_name, view_name)
        return answers[key]

    def permission_key(self):
        """What every permission answer of this request depends on when that holds for the
        process: the names of the signed-in user's roles, all built-in. None otherwise."""
        asked = self._asked()
        return None if asked is None else asked[2]

    def _asked(self):
        """(signed-in user, ``g.user``, the user's built-in role names or None, answers so
        far) for this request; None outside a request or with no signed-in user."""
        if not has_request_context():
            return None
        user = current_user._get_current_object()
        if not user.is_authenticated:
            return None
        named = g.get("user")
        asked = g.get("_crm_access")
        if asked is None or asked[0] is not user or asked[1] is not named:
            asked = (user, named, self._builtin_role_names(user, named), {})
            g._crm_access = asked
        return asked

    def _builtin_role_names(self, user, named):
        """The names of ``user``'s roles (its groups' too) when every one is a built-in
        role, whose answers hold for the process; else None. None too when FAB would answer
        for another user than the session's (an API key's, a token's)."""
        if g.get("_api_key_user", False) or not user.is_active:
            return None
        if named is not current_user and named is not user:
            return None
        names = tuple(sorted({role.name for role in self.get_user_roles(user)}))
        if not names or any(name not in self.builtin_roles for name in names):
            return None
        return names

    def _has_access_builtin_roles(self, role, permission_name, view_name):
        # Built-in roles are configuration (FAB_ROLES): their answers hold for the process.
        return _builtin_answer(self, role.name, permission_name, view_name)

    def exist_permission_on_roles(self, view_name, permission_name, role_ids):
        # FAB asks the database once per check (dozens per page for an Admin). The roles'
        # (view, permission) pairs are kept for the process while the permission version
        # read once per request stays the same.
        if not has_request_context():
            return super().exist_permission_on_roles(view_name, permission_name, role_ids)
        kept = self._request_pairs()
        key = tuple(sorted(role_ids))
        if key not in kept:
            kept[key] = self._role_permission_pairs(role_ids)
        return (view_name, permission_name) in kept[key]

    def is_item_public(self, permission_name, view_name):
        # FAB asks on every API request, with two queries (the Public role, then its
        # permissions). Its (view, permission) pairs are kept like other stored roles'.
        if not has_request_context():
            return super().is_item_public(permission_name, view_name)
        kept = self._request_pairs()
        key = ("public", self.auth_role_public)
        if key not in kept:
            kept[key] = {
                (pv.view_menu.name, pv.permission.name) for pv in super().get_public_permissions()
            }
        return (view_name, permission_name) in kept[key]

    def _request_pairs(self):
        """{roles: their (view, permission) pairs} kept under the permission version this
        request read (read at its first question)."""
        kept = g.get("_crm_role_permissions")
        if kept is None:
            kept = g._crm_role_permissions = self._pairs_kept_at(
                permission_version.current(self.session)
            )
        return kept

    def _pairs_kept_at(self, version):
        """The pairs kept for the process at ``version`` (a fresh dict for a new one, and
        one of the request's own when there is no version to keep them under). A request
        keeps the dict of the version it read, so another request's newer version never
        receives pairs read under an older one."""
        if version is None:
            return {}
        if self._kept_pairs[0] != version:
            self._kept_pairs = (version, {})
        return self._kept_pairs[1]

    def _role_permission_pairs(self, role_ids):
        pv = self.permissionview_model
        rows = self.session.execute(
            select(self.viewmenu_model.name, self.permission_model.name)
            .select_from(pv)
            .join(
                assoc_permissionview_role, assoc_permissionview_role.c.permission_view_id == pv.id
            )
            .join(self.viewmenu_model, self.viewmenu_model.id == pv.view_menu_id)
            .join(self.permission_model, self.permission_model.id == pv.permission_id)
            .where(assoc_permissionview_role.c.role_id.in_(role_ids))
        )
        return {(view, permission) for view, permission in rows}

    def get_user_by_id(self, pk):
        # FAB's reset-password screen passes the id as the query string gave it: PostgreSQL
        # will not compare an integer column with text.
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            return None
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
        # FAB limits the sign-in form only; the JWT sign-in gets the same limit.
        if self.is_auth_limited:
            for view in self.appbuilder.baseviews:
                if isinstance(view, CrmSecurityApi):
                    self.limiter.limit(self.auth_rate_limit, methods=["POST"])(view.blueprint)
