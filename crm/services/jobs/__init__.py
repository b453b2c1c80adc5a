"""Background jobs as users see them: the ``crm_job`` row is the truth.

``lifecycle`` submits, starts, reports progress, finishes, fails and cancels a job and
applies the dead-consumer rule; ``reading`` answers who sees which job. The task queue
(crm.jobs) runs the work; it reaches this package only through a ``queue`` object.
"""

from .lifecycle import (
    JobCancelled,
    Progress,
    cancel,
    claim,
    fail,
    finish,
    mark_cancelled,
    reap_dead,
    submit,
)
from .reading import can_see, list_visible, open_result, running_count, visible_job

__all__ = [
    "JobCancelled",
    "Progress",
    "cancel",
    "claim",
    "fail",
    "finish",
    "mark_cancelled",
    "reap_dead",
    "submit",
    "can_see",
    "list_visible",
    "open_result",
    "running_count",
    "visible_job",
]
