"""FAB's user, extended with the tenant it belongs to."""

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import Boolean, Column, Date, DateTime, Integer, String

from .base import Audited, TenantMixin


class CrmUser(Audited, TenantMixin, User):
    __tablename__ = "ab_user"
    __audit_exclude__ = (
        "password",
        "last_login",
        "login_count",
        "fail_login_count",
        "changed_on",
        "created_on",
        "changed_by_fk",
        "created_by_fk",
        "session_version",
        "refresh_jti",
        "last_failed_login",
        "locked_until",
    )

    # The language the user picked in the navbar; None follows the browser and the tenant.
    locale = Column(String(10))
    # A task's default reminder: this many days before its due date at this local time
    # ("HH:MM", the tenant's timezone); None days: no reminder unless set on the task.
    reminder_days_before = Column(Integer, default=1, server_default="1")
    reminder_time = Column(String(5), nullable=False, default="09:00", server_default="09:00")
    # The morning e-mail of one's overdue tasks (opt-out), and the local day it last went.
    overdue_digest = Column(Boolean, nullable=False, default=True, server_default="1")
    digest_sent_on = Column(Date)
    # Sessions and tokens carry the version they were issued under; raising it signs the
    # user out everywhere (crm/services/accounts/logins.py).
    session_version = Column(Integer, nullable=False, default=0, server_default="0")
    # The one refresh token that may still be exchanged; each exchange replaces it.
    refresh_jti = Column(String(64))
    # Failed sign-ins are counted in fail_login_count (FAB's) within a window ending here.
    last_failed_login = Column(DateTime)
    locked_until = Column(DateTime)

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip() or self.username
