"""One row whose number changes whenever roles or their permissions do: web workers keep
the permission answers of database-stored roles while it stays the same
(crm/security/permission_version.py)."""

from flask_appbuilder import Model
from sqlalchemy import BigInteger, Column, Integer


class PermissionVersion(Model):
    __tablename__ = "crm_permission_version"

    id = Column(Integer, primary_key=True, autoincrement=False)
    version = Column(BigInteger, nullable=False)
