"""Undo an import as a whole: records it created are archived (leads, which have no
archive, are deleted), records it updated get their previous values back. Every
change goes through the ORM, so each is in the audit trail, plus one entry for the revert."""

from typing import Any

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.models import Address, Contact, ImportItem, ImportRun
from crm.models.base import utcnow
from crm.services.bulk.data_fields import model_of
from crm.services.bulk.imports.commit import plain_to_column, summary_entry
from crm.services.core import audit
from crm.services.core.errors import CrmError, NotAllowed
from crm.services.core.transaction import transactional

CHUNK = 1000
PART_MODELS = {"contact": Contact, "billing": Address, "shipping": Address}


def _restore(obj: Any, values: dict[str, Any]) -> None:
    table = type(obj).__table__
    for column, value in values.items():
        setattr(obj, column, plain_to_column(table, column, value))


def _undo_created(session: Session, model: Any, record: Any, note: str, kept: list[str]) -> None:
    if hasattr(record, "is_active"):
        if record.is_active:
            audit.mark(session, record, "archive", note)
            record.is_active = False
            if hasattr(record, "archived_at"):
                record.archived_at = utcnow()
        return
    from crm.services.pipeline import leads

    try:
        leads.check_delete(session, record)
    except CrmError:
        kept.append(str(record))
        return
    session.delete(record)


def _undo_updated(session: Session, record: Any, previous: dict[str, Any], note: str) -> None:
    audit.mark(session, record, "update", note)
    _restore(record, previous.get("record") or {})
    for part, change in previous.items():
        if part == "record":
            continue
        child = session.get(PART_MODELS[part], change["id"])
        if child is None:
            continue
        if change.get("created"):
            session.delete(child)
        else:
            _restore(child, change.get("values") or {})


@transactional
def revert(session: Session, run: ImportRun) -> list[str]:
    """Revert a finished run; returns the records that could not be undone (by name)."""
    # A failed or cancelled run may have written chunks before it stopped (commit.py).
    if run.status not in ("done", "failed", "cancelled") or run.reverted_at is not None:
        raise NotAllowed(
            gettext("Only a finished import that was not reverted yet can be reverted.")
        )
    model = model_of(run.entity)
    note = gettext("Reverted import #%(id)d (%(file)s)", id=run.id, file=run.file_name)
    items = list(
        session.execute(
            select(ImportItem.record_id, ImportItem.action, ImportItem.previous)
            .where(ImportItem.import_run_id == run.id)
            .order_by(ImportItem.id)
        )
    )
    kept: list[str] = []
    for start in range(0, len(items), CHUNK):
        chunk = items[start : start + CHUNK]
        records = {
            r.id: r
            for r in session.scalars(
                select(model).where(model.id.in_([i.record_id for i in chunk]))
            )
        }
        for item in chunk:
            record = records.get(item.record_id)
            if record is None:
                continue
            if item.action == "created":
                _undo_created(session, model, record, note, kept)
            else:
                _undo_updated(session, record, item.previous or {}, note)
        session.flush()
    run.reverted_at = utcnow()
    run.status = "reverted"
    summary_entry(
        session,
        run,
        "revert",
        {
            "created": [run.created_count, 0],
            "updated": [run.updated_count, 0],
            "kept": [None, len(kept)],
        },
        note,
    )
    return kept
