"""Who sees which job: each user their own, an Admin every job of the tenant (the
tenancy hook keeps other tenants' rows out of every query here)."""

from collections.abc import Mapping, Sequence
from typing import IO, Any, TypeVar, cast

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from crm.models import ACTIVE_JOB_STATUSES, Job
from crm.security.tenancy import get_owned
from crm.services.core.storage import StorageKeyRefused, storage_for

PAGE_SIZE = 25

S = TypeVar("S", bound=Select[Any])


def _visible(statement: S, user_id: int | None, see_all: bool) -> S:
    return statement if see_all else statement.where(Job.user_id == (user_id or -1))


def list_visible(
    session: Session,
    user_id: int | None,
    see_all: bool = False,
    page: int = 0,
    page_size: int = PAGE_SIZE,
) -> tuple[int, Sequence[Any]]:
    """(total, jobs of the page), newest first."""
    total = session.scalar(_visible(select(func.count(Job.id)), user_id, see_all))
    jobs = session.scalars(
        _visible(select(Job), user_id, see_all)
        .order_by(Job.created_at.desc(), Job.id.desc())
        .limit(page_size)
        .offset(page * page_size)
    ).all()
    return cast(int, total), jobs


def can_see(job: Any, user_id: int | None, see_all: bool = False) -> bool:
    return job is not None and (see_all or job.user_id == user_id)


def visible_job(session: Session, job_id: int, user_id: int | None, see_all: bool = False) -> Any:
    """The job with this id if the user may see it, else None (another tenant's: None)."""
    job = get_owned(session, Job, job_id)
    return job if can_see(job, user_id, see_all) else None


def running_count(session: Session, user_id: int | None) -> int:
    """The navbar indicator: the user's queued and running jobs."""
    return cast(
        int,
        session.scalar(
            select(func.count(Job.id)).where(
                Job.user_id == user_id, Job.status.in_(ACTIVE_JOB_STATUSES)
            )
        ),
    )


def open_result(job: Any, config: Mapping[str, Any]) -> IO[bytes] | None:
    """The result file of a done job (or of a cancelled one's report of what it did before
    it stopped), from the job storage; None when there is none (any more)."""
    if job.status not in ("done", "cancelled") or not job.result_path:
        return None
    try:
        return storage_for(config, "jobs").open(job.result_path)
    except (FileNotFoundError, IsADirectoryError, StorageKeyRefused):
        return None
