"""A list's saved view (search, filters, sort, page size, columns), private or shared with
the tenant, and each user's default view of a list."""

from flask_appbuilder import Model
from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, Integer, String, UniqueConstraint

from .base import TenantMixin, TimestampMixin


class SavedView(TenantMixin, TimestampMixin, Model):
    __tablename__ = "crm_saved_view"
    __table_args__ = (
        UniqueConstraint("tenant_id", "owner_id", "list_name", "name", name="uq_saved_view_name"),
        Index("ix_saved_view_list", "tenant_id", "list_name", "is_shared"),
    )

    id = Column(Integer, primary_key=True)
    owner_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False)
    # The list's name (its route, e.g. "customers"), see crm.services.saved_views.lists.
    list_name = Column(String(60), nullable=False)
    name = Column(String(80), nullable=False)
    # {argument: [values]} of the list's search and filters, as in its query string.
    filters = Column(JSON, nullable=False, default=dict)
    order_column = Column(String(100))
    order_direction = Column(String(4))
    page_size = Column(Integer)
    # The chosen columns in list order; None: the list's own columns.
    columns = Column(JSON)
    is_shared = Column(Boolean, nullable=False, default=False)

    def __str__(self):
        return self.name


class SavedViewDefault(TenantMixin, Model):
    """The view a user's bare list opens with: their own or a shared one."""

    __tablename__ = "crm_saved_view_default"
    __table_args__ = (UniqueConstraint("user_id", "list_name", name="uq_saved_view_default"),)

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False)
    list_name = Column(String(60), nullable=False)
    saved_view_id = Column(
        Integer, ForeignKey("crm_saved_view.id", ondelete="CASCADE"), nullable=False, index=True
    )
