"""An import run and a large file's preview as jobs (crm.services.bulk.imports.run_jobs,
preview_jobs)."""

from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from crm.services.bulk.imports import preview_jobs, run_jobs
from crm.services.jobs.lifecycle import Progress


def run_import(app: Flask, session: Session, job: Any, progress: Progress) -> None:
    parameters = job.parameters or {}
    run_jobs.run(session, int(parameters["run_id"]), progress, parameters.get("locale"))
    return None


def run_import_preview(app: Flask, session: Session, job: Any, progress: Progress) -> None:
    parameters = job.parameters or {}
    preview_jobs.run(session, int(parameters["run_id"]), progress, parameters.get("locale"))
    return None
