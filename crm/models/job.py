"""Background jobs: one row per submitted job, the truth users see on the Jobs screen."""

from flask_appbuilder import Model
from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, String

from .base import TenantMixin, utcnow

JOB_KINDS = (
    "health_refresh",
    "export",
    "statement_batch",
    "import",
    "import_preview",
    "email_send",
)
# queued -> running -> done | failed | cancelled; queued -> cancelled
JOB_STATUSES = ("queued", "running", "done", "failed", "cancelled")
ACTIVE_JOB_STATUSES = ("queued", "running")


class Job(TenantMixin, Model):
    __tablename__ = "crm_job"
    __table_args__ = (
        Index("ix_job_list", "tenant_id", "user_id", "created_at"),
        Index("ix_job_status", "status", "heartbeat_at"),
    )

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    username = Column(String(100))
    kind = Column(String(30), nullable=False)
    parameters = Column(JSON)
    status = Column(String(20), nullable=False, default="queued")
    progress_done = Column(Integer, nullable=False, default=0)
    progress_total = Column(Integer)
    # Set by the queue's task on every progress report; the dead-consumer rule reads it.
    heartbeat_at = Column(DateTime(timezone=True))
    # A cancel of a running job: the task stops at its next progress report.
    cancel_requested = Column(Integer, nullable=False, default=0)
    created_at = Column(DateTime(timezone=True), default=utcnow, nullable=False)
    started_at = Column(DateTime(timezone=True))
    finished_at = Column(DateTime(timezone=True))
    # Relative to the instance folder.
    result_path = Column(String(500))
    result_name = Column(String(255))
    result_content_type = Column(String(100))
    # What the job did, in a line users read beside it ("112 sent, 4 failed").
    summary = Column(String(255))
    error = Column(String(1000))
    task_id = Column(String(64))

    def __str__(self):
        return f"{self.kind} #{self.id}"
