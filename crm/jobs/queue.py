"""The Huey instance of an app, built from its config, and the adapter services use.

SQLite storage in the instance folder by default; Redis when CRM_REDIS_URL is set (every
web worker and consumer then shares one queue); immediate mode (CRM_JOBS_IMMEDIATE) runs
each task inside ``send``, for tests.
"""

import os
from collections.abc import Mapping
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey

QUEUE_NAME = "ledgerline"


def build_huey(config: Mapping[str, Any]) -> Huey:
    immediate = bool(config.get("CRM_JOBS_IMMEDIATE"))
    if config.get("CRM_REDIS_URL"):
        return RedisHuey(
            QUEUE_NAME, url=config["CRM_REDIS_URL"], immediate=immediate, results=False
        )
    path = config["CRM_JOB_QUEUE_FILE"]
    if not immediate:  # immediate mode keeps its queue in memory
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    return SqliteHuey(QUEUE_NAME, filename=path, immediate=immediate, results=False)


class JobQueue:
    """What crm.services.jobs needs of the queue: a task for a job (its id known before
    it is sent), sending it, taking a queued one off."""

    def __init__(self, huey: Huey, run_task: Any) -> None:
        self.huey, self.run_task = huey, run_task

    def prepare(self, job_id: int) -> Any:
        return self.run_task.s(job_id)

    def send(self, task: Any) -> None:
        self.huey.enqueue(task)

    def revoke(self, task_id: str) -> None:
        self.huey.revoke_by_id(task_id)
