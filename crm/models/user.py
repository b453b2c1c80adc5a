"""FAB's user, extended with the tenant it belongs to."""
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import Column, String

from .base import Audited, TenantMixin


class CrmUser(Audited, TenantMixin, User):
    __tablename__ = "ab_user"
    __audit_exclude__ = (
        "password", "last_login", "login_count", "fail_login_count",
        "changed_on", "created_on", "changed_by_fk", "created_by_fk",
    )

    # The language the user picked in the navbar; None follows the browser and the tenant.
    locale = Column(String(10))

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip() or self.username
