"""Sales pipelines and their stages; deals move through the stages of one pipeline."""

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import relationship

from .base import Audited, TenantMixin, TimestampMixin, Versioned


class Pipeline(Audited, Versioned, TenantMixin, TimestampMixin, Model):
    __tablename__ = "crm_pipeline"
    __table_args__ = (UniqueConstraint("tenant_id", "name", name="uq_pipeline_name"),)

    id = Column(Integer, primary_key=True)
    name = Column(String(120), nullable=False)
    description = Column(Text)
    is_active = Column(Boolean, nullable=False, default=True)
    is_default = Column(Boolean, nullable=False, default=False)
    position = Column(Integer, nullable=False, default=0)
    stages = relationship("Stage", back_populates="pipeline", order_by="Stage.position")

    def __str__(self):
        return self.name


class Stage(Audited, Versioned, TenantMixin, TimestampMixin, Model):
    __tablename__ = "crm_stage"
    __table_args__ = (UniqueConstraint("pipeline_id", "name", name="uq_stage_name"),)

    id = Column(Integer, primary_key=True)
    pipeline_id = Column(Integer, ForeignKey("crm_pipeline.id"), nullable=False, index=True)
    pipeline = relationship("Pipeline", back_populates="stages")
    name = Column(String(120), nullable=False)
    colour = Column(String(7))
    is_default = Column(Boolean, nullable=False, default=False)
    is_won = Column(Boolean, nullable=False, default=False)
    is_lost = Column(Boolean, nullable=False, default=False)
    probability = Column(Integer, nullable=False, default=0)
    position = Column(Integer, nullable=False, default=0)

    @property
    def is_open(self):
        return not (self.is_won or self.is_lost)

    def __str__(self):
        return f"{self.pipeline} · {self.name}" if self.pipeline is not None else self.name
