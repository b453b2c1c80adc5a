"""An import run as a job (crm.services.bulk.imports.run_jobs)."""

from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from crm.services.bulk.imports import run_jobs
from crm.services.jobs.lifecycle import Progress


def run_import(app: Flask, session: Session, job: Any, progress: Progress) -> None:
    parameters = job.parameters or {}
    run_jobs.run(session, int(parameters["run_id"]), progress, parameters.get("locale"))
    return None
