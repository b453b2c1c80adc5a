"""FAB's user, role and password screens, bound to tenants and to the password policy.

A tenant's Admin manages the users of that tenant only; usernames and emails are unique
across tenants; roles are shared configuration, shown but never edited on screen.
"""

from flask import abort, request
from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.forms import ResetPasswordForm
from flask_appbuilder.security.views import (
    ResetMyPasswordView,
    ResetPasswordView,
    RoleModelView,
    UserDBModelView,
)
from flask_appbuilder.validators import PasswordComplexityValidator
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import PasswordField
from wtforms.validators import DataRequired, StopValidation

from crm.extensions import db
from crm.models import CrmUser
from crm.security.passwords import POLICY_HINT
from crm.security.scoping import ScopedRoutesMixin
from crm.services.accounts import tenants


def _without_groups(columns):
    return [c for c in columns if c != "groups"]


class LoginNameFree:
    """Usernames and emails are unique across tenants: the form says so in plain words
    (FAB's own check sees the admin's tenant only, and the database's error shows SQL)."""

    def __call__(self, form, field):
        errors = tenants.login_name_errors(
            db.session, **{field.name: field.data}, user_id=getattr(form, "_id", None)
        )
        if errors:
            raise StopValidation(errors[field.name][0])


class LoginTaken(Exception):
    """A user saved at the same moment took the username or email; FAB flashes str()."""


class UserInterface(SQLAInterface):
    def add(self, item, commit=True):
        try:
            super().add(item, commit)
        except IntegrityError:
            errors = tenants.login_name_errors(self.session, item.username, item.email)
            raise LoginTaken(
                " ".join(m for msgs in errors.values() for m in msgs)
                or _l("This user could not be saved.")
            )


class TenantUserView(ScopedRoutesMixin, UserDBModelView):
    list_columns = ["first_name", "last_name", "username", "email", "active", "roles"]
    search_columns = ["first_name", "last_name", "username", "email", "active", "roles"]
    add_columns = _without_groups(UserDBModelView.add_columns)
    edit_columns = _without_groups(UserDBModelView.edit_columns)
    show_fieldsets = [
        (_l("User info"), {"fields": ["username", "active", "roles", "login_count"]}),
        (_l("Personal Info"), {"fields": ["first_name", "last_name", "email"], "expanded": True}),
        (
            _l("Audit Info"),
            {
                "fields": ["last_login", "fail_login_count", "created_on", "changed_on"],
                "expanded": False,
            },
        ),
    ]
    add_form_extra_fields = {
        **UserDBModelView.add_form_extra_fields,
        "password": PasswordField(
            _l("Password"),
            description=POLICY_HINT,
            validators=[DataRequired(), PasswordComplexityValidator()],
            widget=BS3PasswordFieldWidget(),
        ),
    }
    validators_columns = {
        "roles": [DataRequired()],
        "username": [LoginNameFree()],
        "email": [LoginNameFree()],
    }


class SharedRoleView(ScopedRoutesMixin, RoleModelView):
    """Roles are configuration (crm/security/roles.py): shown, never edited on screen."""

    base_permissions = ["can_list", "can_show"]
    copy_role = None


class PolicyResetPasswordForm(ResetPasswordForm):
    # FAB's says "this application does not check this for you"; this one does.
    password = PasswordField(
        _l("Password"),
        description=POLICY_HINT,
        validators=[DataRequired(), PasswordComplexityValidator()],
        widget=BS3PasswordFieldWidget(),
    )


class PolicyResetMyPasswordView(ResetMyPasswordView):
    class_permission_name = "ResetMyPasswordView"  # the role matrix names FAB's view
    form = PolicyResetPasswordForm


class TenantResetPasswordView(ResetPasswordView):
    """Reset another user's password, only within the admin's own tenant."""

    form = PolicyResetPasswordForm

    def _check_user(self):
        pk = request.args.get("pk", type=int)
        if (
            pk is None
            or self.appbuilder.sm.session.scalar(select(CrmUser.id).where(CrmUser.id == pk)) is None
        ):
            abort(404)

    def form_get(self, form):
        self._check_user()

    def form_post(self, form):
        self._check_user()
        super().form_post(form)
