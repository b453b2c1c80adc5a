"""Bulk imports: one run per uploaded file, and what each run did to each record (for revert)."""

from flask_appbuilder import Model
from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import deferred, relationship

from .base import TenantMixin, TimestampMixin

IMPORT_ENTITIES = ("customers", "companies", "leads")
# uploaded -> running -> done | failed | cancelled; failed | cancelled -> running (resume);
# done | failed | cancelled -> reverted
IMPORT_STATUSES = ("uploaded", "running", "done", "failed", "cancelled", "reverted")
# valid_rows: the valid rows are written, failed ones reported; all_or_nothing: any failure writes nothing
IMPORT_MODES = ("valid_rows", "all_or_nothing")
ITEM_ACTIONS = ("created", "updated")


class ImportRun(TenantMixin, TimestampMixin, Model):
    __tablename__ = "crm_import_run"
    __table_args__ = (
        Index("ix_import_run_list", "tenant_id", "created_at"),
        Index("ix_import_run_file", "tenant_id", "content_hash"),
    )

    id = Column(Integer, primary_key=True)
    entity = Column(String(20), nullable=False)
    file_name = Column(String(255), nullable=False)
    # The file as uploaded, so a run can be previewed, committed later and re-read.
    content = deferred(Column(LargeBinary, nullable=False))
    # SHA-256 of ``content``: the same file is not imported twice at once.
    content_hash = Column(String(64))
    # The table read from ``content`` at upload (readers.Table.pack), so no later step,
    # on whichever worker, reads the file again.
    table_data = deferred(Column(LargeBinary))
    # A text file's encoding, as detected or chosen by the user.
    encoding = Column(String(40))
    user_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    user = relationship("CrmUser")
    username = Column(String(100))
    started_at = Column(DateTime(timezone=True))
    finished_at = Column(DateTime(timezone=True))
    status = Column(String(20), nullable=False, default="uploaded")
    mode = Column(String(20), nullable=False, default="valid_rows")
    # {heading: field key or ""}
    mapping = Column(JSON)
    total_rows = Column(Integer, nullable=False, default=0)
    created_count = Column(Integer, nullable=False, default=0)
    updated_count = Column(Integer, nullable=False, default=0)
    failed_count = Column(Integer, nullable=False, default=0)
    # Rows imported with a value left empty or kept as typed (listed in the report).
    warning_count = Column(Integer, nullable=False, default=0, server_default="0")
    # Matched rows whose values were all the same already: nothing written.
    unchanged_count = Column(Integer, nullable=False, default=0)
    # Rows processed so far while running (the progress page polls it).
    progress = Column(Integer, nullable=False, default=0)
    # Rows from the top of the file whose chunks are committed: a resume starts after them.
    committed_rows = Column(Integer, nullable=False, default=0, server_default="0")
    # The background job that runs (or last ran) the import.
    job_id = Column(
        Integer, ForeignKey("crm_job.id", name="fk_import_run_job", ondelete="SET NULL")
    )
    job = relationship("Job", foreign_keys=[job_id])
    # A large file's preview, checked by a job: the job, and {"mapping", "encoding",
    # "counts", "errors", "warnings"} as it found them (stale once the mapping changes).
    preview_job_id = Column(
        Integer, ForeignKey("crm_job.id", name="fk_import_run_preview_job", ondelete="SET NULL")
    )
    preview_result = deferred(Column(JSON))
    message = Column(String(500))
    error_report = deferred(Column(LargeBinary))
    reverted_at = Column(DateTime(timezone=True))

    def __str__(self):
        return f"{self.file_name} ({self.entity})"


class ImportItem(TenantMixin, Model):
    """One record an import created or updated; ``previous`` holds what an update replaced
    (``{"record": {...}, "contact": {...} | {"id": new id}, ...}``) so a revert puts it back."""

    __tablename__ = "crm_import_item"
    __table_args__ = (Index("ix_import_item_run", "import_run_id", "record_id"),)

    id = Column(Integer, primary_key=True)
    import_run_id = Column(
        Integer, ForeignKey("crm_import_run.id", ondelete="CASCADE"), nullable=False
    )
    record_id = Column(Integer, nullable=False)
    action = Column(String(10), nullable=False)
    previous = Column(JSON)
