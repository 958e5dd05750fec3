"""`manage.py db_worker`: django-tasks-db's worker, plus finding jobs whose worker vanished.

At start-up, and every few seconds while it waits for work, the worker looks for
running jobs without a recent heartbeat and marks them failed (or queues them again
when their kind is safe to retry), so a job whose worker was killed is not shown as
running forever. Every JOBS_PERIODIC_SECONDS it runs the apps' periodic checks
(`jobs.runner.register_periodic`), e.g. whether the duplicate model needs estimating.
Everything else (options, signals, claiming) is the backend's.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from django.db import connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from jobs import runner, services

logger = logging.getLogger("jobs")


class _Sweeper(threading.Thread):
    def __init__(self):
        super().__init__(name="jobs-stale-sweeper", daemon=True)

    def run(self) -> None:
        interval = max(1.0, min(runner.stale_seconds() / 6, 30.0))
        periodic = runner.periodic_seconds()
        next_periodic = time.monotonic() + periodic
        halt = threading.Event()
        while not halt.wait(min(interval, periodic)):
            try:
                services.jobs_recover_stale()
                if time.monotonic() >= next_periodic:
                    next_periodic = time.monotonic() + periodic
                    runner.run_periodic()
            except Exception:  # the database may be restarting: try again later
                logger.warning("Looking for lost jobs failed", exc_info=True)
                connection.close()


class Command(db_worker.Command):
    help = (
        "Run a database background worker (jobs and other tasks). Jobs whose worker "
        "vanished are marked failed, or queued again when safe, at start-up and while "
        "the worker waits."
    )

    def handle(self, *args, **options):
        reloading = options.get("reload") and not options.get("batch")
        if not reloading or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            # Only the process that runs tasks (not the autoreloader's parent).
            services.jobs_recover_stale()
            if not options.get("batch"):
                _Sweeper().start()
        return super().handle(*args, **options)
