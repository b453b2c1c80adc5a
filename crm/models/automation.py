"""Automation rules: what a tenant's Admins ask to happen when a record is created or
changed (crm.services.automation), each run of a rule, and the round-robin cursors."""

from flask_appbuilder import Model
from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import relationship

from .base import Audited, TenantMixin, TimestampMixin, Versioned, utcnow

AUTOMATION_ENTITIES = ("deal", "lead", "customer", "task")
AUTOMATION_TRIGGERS = ("created", "changed", "created_or_changed")
# done: every action ran; failed: one raised (none of the rule's writes kept);
# skipped: the conditions held but the rule stopped (a loop).
RUN_STATUSES = ("done", "failed", "skipped")


class AutomationRule(Audited, Versioned, TenantMixin, TimestampMixin, Model):
    __tablename__ = "crm_automation_rule"
    __table_args__ = (Index("ix_automation_rule_entity", "tenant_id", "entity", "is_active"),)

    id = Column(Integer, primary_key=True)
    name = Column(String(120), nullable=False)
    is_active = Column(Boolean, nullable=False, default=True)
    entity = Column(String(20), nullable=False)
    trigger = Column(String(20), nullable=False, default="created_or_changed")
    # [{"field", "op", "value"}], all of which must hold (crm.services.automation.conditions).
    conditions = Column(JSON, nullable=False, default=list)
    # [{"type", ...parameters}], run in order (crm.services.automation.actions).
    actions = Column(JSON, nullable=False, default=list)
    position = Column(Integer, nullable=False, default=0)
    runs = relationship(
        "AutomationRun", back_populates="rule", cascade="all, delete-orphan", passive_deletes=True
    )

    def __str__(self):
        return self.name


class AutomationRun(TenantMixin, Model):
    __tablename__ = "crm_automation_run"
    __table_args__ = (Index("ix_automation_run_rule", "rule_id", "id"),)

    id = Column(Integer, primary_key=True)
    rule_id = Column(
        Integer, ForeignKey("crm_automation_rule.id", ondelete="CASCADE"), nullable=False
    )
    rule = relationship("AutomationRule", back_populates="runs")
    entity = Column(String(20), nullable=False)
    record_id = Column(Integer, nullable=False)
    record_label = Column(String(200))
    status = Column(String(10), nullable=False)
    message = Column(String(500))
    # How many rules' changes led to this one (0: a user's change).
    depth = Column(Integer, nullable=False, default=0)
    started_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)
    finished_at = Column(DateTime(timezone=True))

    @property
    def record(self):
        """(entity, record id, label): what the run acted on, for the log's link."""
        return (self.entity, self.record_id, self.record_label)

    def __str__(self):
        return f"{self.rule} #{self.id}"


class AutomationCursor(TenantMixin, Model):
    """Whose turn it is in one round-robin action of a rule: ``turns`` taken so far."""

    __tablename__ = "crm_automation_cursor"

    rule_id = Column(
        Integer,
        ForeignKey("crm_automation_rule.id", ondelete="CASCADE"),
        primary_key=True,
    )
    action_index = Column(Integer, primary_key=True)
    turns = Column(Integer, nullable=False, default=0)
