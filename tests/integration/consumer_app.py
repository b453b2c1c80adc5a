"""The app ``flask crm worker`` serves in the consumer tests: the CRM's, plus a slow kind
of job that reports progress step by step, to cancel or kill a consumer in the middle."""

import time

from app import create_app as create_crm_app
from crm.jobs import register_kind

SLOW_STEP_SECONDS = 0.05


def run_slow(app, session, job, progress):
    steps = job.parameters.get("steps", 1200)
    for step in range(steps):
        progress(step, steps)
        time.sleep(SLOW_STEP_SECONDS)


def create_app():
    register_kind("slow", run_slow)
    return create_crm_app()
