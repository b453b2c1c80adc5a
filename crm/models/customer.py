"""The customer master record that sales, invoicing and statements read."""

from flask_appbuilder import Model
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import relationship

from .base import Audited, TenantMixin, TimestampMixin, Versioned

CUSTOMER_TYPES = ("company", "individual")
PAYMENT_METHODS = ("bank_transfer", "credit_card", "direct_debit", "cash", "cheque", "paypal")

# The list sorts by name (ix_customer_list) and by these.
SORTABLE_COLUMNS = (
    "code",
    "email",
    "city",
    "country",
    "balance",
    "created_at",
    "order_total",
    "last_order_date",
)

customer_tag = Table(
    "crm_customer_tag",
    Model.metadata,
    Column(
        "customer_id", Integer, ForeignKey("crm_customer.id", ondelete="CASCADE"), primary_key=True
    ),
    Column(
        "tag_id",
        Integer,
        ForeignKey("crm_tag.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Customer(Audited, Versioned, TenantMixin, TimestampMixin, Model):
    __tablename__ = "crm_customer"
    __table_args__ = (
        UniqueConstraint("tenant_id", "code", name="uq_customer_code"),
        # The screens list active (or archived) customers by name; the API lists all by name.
        Index("ix_customer_list", "tenant_id", "is_active", "name", "id"),
        Index("ix_customer_name", "tenant_id", "name", "id"),
        # Small (PostgreSQL stores its few distinct keys once): the capped list counts
        # read it alone, and SQLite checks a search match's tenant and state in it
        # (tenant_id, is_active, rowid) without reading the row.
        Index("ix_customer_active", "tenant_id", "is_active"),
        # A group's customer count (CustomerGroup.customer_count) is scoped to the tenant;
        # without this SQLite counts it by walking every customer of the tenant.
        Index("ix_customer_tenant_group", "tenant_id", "customer_group_id"),
        # Every sortable column of the list, so any sort's first page reads 25 index entries;
        # and a company's customers by name (its Customers tab).
        *(
            Index(f"ix_customer_list_{column}", "tenant_id", "is_active", column, "id")
            for column in SORTABLE_COLUMNS
        ),
        Index("ix_customer_company_list", "tenant_id", "company_id", "is_active", "name", "id"),
        # The list's health band filter and the dashboard's customers-by-band counts.
        Index("ix_customer_health", "tenant_id", "is_active", "health_band", "id"),
    )

    __form_optional__ = ("code",)
    # The nightly health refresh rewrites these for every customer; not audit events.
    __audit_exclude__ = Audited.__audit_exclude__ + (
        "health_score",
        "health_band",
        "health_factors",
        "health_refreshed_at",
    )

    id = Column(Integer, primary_key=True)
    kind = Column(String(20), nullable=False, default="company")
    name = Column(String(200), nullable=False)
    code = Column(String(40), nullable=False)
    email = Column(String(254), nullable=False)
    phone = Column(String(32))
    website = Column(String(255))
    industry = Column(String(100))
    segment_id = Column(Integer, ForeignKey("crm_segment.id"), index=True)
    segment = relationship("Segment", foreign_keys=[segment_id])
    sub_segment_id = Column(Integer, ForeignKey("crm_sub_segment.id"), index=True)
    sub_segment = relationship("SubSegment", foreign_keys=[sub_segment_id])
    region_id = Column(Integer, ForeignKey("crm_region.id"), index=True)
    region = relationship("Region")
    currency = Column(String(3), nullable=False, default="EUR")
    payment_term_id = Column(Integer, ForeignKey("crm_payment_term.id"), index=True)
    payment_term = relationship("PaymentTerm")
    discount_rate = Column(Numeric(5, 2), nullable=False, default=0)
    payment_method = Column(String(30))
    # The tax registration used on invoices (crm_tax_registration), copied here for the
    # list's search, imports, exports, merges and duplicates; kept by tax_registrations.
    tax_regime = Column(String(20))
    tax_number = Column(String(50))
    credit_limit = Column(Numeric(14, 2))
    credit_hold = Column(Boolean, nullable=False, default=False)
    # Kept by the ledger; stored so the list can sort and filter a million rows by it.
    balance = Column(Numeric(14, 2), nullable=False, default=0)
    # Kept by the sales order service: value of the orders placed (not quotes or
    # cancelled ones) and the date of the newest, for the list's sorts and filters.
    order_total = Column(Numeric(14, 2), nullable=False, default=0)
    last_order_date = Column(Date)
    customer_group_id = Column(Integer, ForeignKey("crm_customer_group.id"), index=True)
    customer_group = relationship("CustomerGroup")
    company_id = Column(Integer, ForeignKey("crm_company.id"), index=True)
    company = relationship("Company")
    owner_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    owner = relationship("CrmUser", foreign_keys=[owner_id])
    tags = relationship("Tag", secondary=customer_tag, order_by="Tag.name")
    notes = Column(Text)
    is_active = Column(Boolean, nullable=False, default=True)
    # When the newest interaction took place; kept by the interaction service, read by the health score.
    last_interaction_at = Column(DateTime(timezone=True))
    archived_at = Column(DateTime(timezone=True))
    # Set when this record was merged into another (it is archived, never deleted).
    merged_into_id = Column(Integer, ForeignKey("crm_customer.id"), index=True)
    merged_into = relationship("Customer", remote_side="Customer.id", foreign_keys=[merged_into_id])
    # City and country of the default contact (else billing) address, for the list.
    city = Column(String(100))
    country = Column(String(2))
    # Name, company, tax number, email, phone, code, city and contact names in one
    # lower-case string (crm.services.customers.customer_text), indexed
    # for substring search (FTS5 trigram on SQLite, pg_trgm on PostgreSQL).
    search_text = Column(Text, nullable=False, default="")
    # Kept by crm.services.insight.health.refresh_health (nightly): 0-100, its band
    # ("healthy" / "watch" / "at_risk") and each factor's sub-score.
    health_score = Column(Integer)
    health_band = Column(String(10))
    health_factors = Column(JSON)
    health_refreshed_at = Column(DateTime(timezone=True))

    contacts = relationship(
        "Contact",
        back_populates="customer",
        cascade="all, delete-orphan",
        order_by="(Contact.is_primary.desc(), Contact.name)",
    )
    addresses = relationship(
        "Address",
        back_populates="customer",
        cascade="all, delete-orphan",
        order_by="(Address.kind, Address.is_default.desc())",
    )
    plants = relationship("Plant", back_populates="customer", cascade="all, delete-orphan")
    bank_accounts = relationship(
        "BankAccount", back_populates="customer", cascade="all, delete-orphan"
    )
    tax_registrations = relationship(
        "TaxRegistration",
        back_populates="customer",
        cascade="all, delete-orphan",
        order_by="(TaxRegistration.for_invoices.desc(), TaxRegistration.regime)",
    )
    documents = relationship("Document", back_populates="customer", cascade="all, delete-orphan")
    note_entries = relationship(
        "Note",
        back_populates="customer",
        cascade="all, delete-orphan",
        order_by="Note.created_at.desc()",
    )
    custom_values = relationship(
        "CustomFieldValue", back_populates="customer", cascade="all, delete-orphan"
    )

    def __str__(self):
        return f"{self.name} ({self.code})" if self.code else self.name

    @property
    def primary_contact(self):
        return next((c for c in self.contacts if c.is_primary), None)


Index("uq_customer_email", Customer.tenant_id, func.lower(Customer.email), unique=True)
