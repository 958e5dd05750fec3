"""`--background` for management commands: enqueue the job instead of running inline.

def add_arguments(self, parser):
    add_background_option(parser)

def handle(self, *args, **options):
    if options["background"]:
        return start_in_background(self, tasks.rebuild_search_strings, find=True)
    ...  # the inline run, as before
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils.translation import gettext as _

from jobs.exceptions import JobConflict
from jobs.models import Job
from jobs.runner import JobTask


def add_background_option(parser) -> None:
    parser.add_argument(
        "--background",
        action="store_true",
        help=_(
            "Queue the work as a job for a background worker (manage.py db_worker) instead "
            "of running it here; prints the job's number."
        ),
    )


def start_in_background(command: BaseCommand, task: JobTask, **params) -> Job:
    """Queue `task` as a job started from the command line and say where to follow it.
    A conflicting job queued or running already is a CommandError naming it."""
    try:
        job = task.start(origin=Job.Origin.COMMAND, **params)
    except JobConflict as error:
        raise CommandError(" ".join(error.messages)) from error
    announce_queued(command, job)
    return job


def announce_queued(command: BaseCommand, job: Job) -> None:
    """Print that `job` was queued and where to follow it (for commands that queue a
    job themselves)."""
    command.stdout.write(
        command.style.SUCCESS(
            _("%(label)s was queued as job %(no)s.") % {"label": job.label, "no": job.pk}
        )
    )
    command.stdout.write(
        _(
            "Follow it on the Jobs page (%(url)s) or with: manage.py job_status %(no)s --wait. "
            "A worker (manage.py db_worker) must be running."
        )
        % {"url": reverse("jobs:detail", kwargs={"pk": job.pk}), "no": job.pk}
    )
