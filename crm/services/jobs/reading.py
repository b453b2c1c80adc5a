"""Who sees which job: each user their own, an Admin every job of the tenant (the
tenancy hook keeps other tenants' rows out of every query here)."""
import os

from sqlalchemy import func, select

from crm.models import ACTIVE_JOB_STATUSES, Job
from crm.security.tenancy import get_owned

PAGE_SIZE = 25


def _visible(statement, user_id, see_all):
    return statement if see_all else statement.where(Job.user_id == (user_id or -1))


def list_visible(session, user_id, see_all=False, page=0, page_size=PAGE_SIZE):
    """(total, jobs of the page), newest first."""
    total = session.scalar(_visible(select(func.count(Job.id)), user_id, see_all))
    jobs = session.scalars(_visible(select(Job), user_id, see_all)
                           .order_by(Job.created_at.desc(), Job.id.desc())
                           .limit(page_size).offset(page * page_size)).all()
    return total, jobs


def can_see(job, user_id, see_all=False):
    return job is not None and (see_all or job.user_id == user_id)


def visible_job(session, job_id, user_id, see_all=False):
    """The job with this id if the user may see it, else None (another tenant's: None)."""
    job = get_owned(session, Job, job_id)
    return job if can_see(job, user_id, see_all) else None


def running_count(session, user_id):
    """The navbar indicator: the user's queued and running jobs."""
    return session.scalar(select(func.count(Job.id)).where(
        Job.user_id == user_id, Job.status.in_(ACTIVE_JOB_STATUSES)))


def result_file(job, job_dir):
    """The absolute path of a done job's result file, None when there is none (any more)."""
    if job.status != "done" or not job.result_path:
        return None
    root = os.path.realpath(job_dir)
    path = os.path.realpath(os.path.join(root, job.result_path))
    if not path.startswith(root + os.sep) or not os.path.isfile(path):
        return None
    return path
