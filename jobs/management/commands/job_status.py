"""`manage.py job_status N [--wait]`: a job's state and progress on the command line."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jobs import services
from jobs.models import Job


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _("Show a job's state, progress, result and errors (--wait: until it ends).")

    def add_arguments(self, parser):
        parser.add_argument("job", type=int, help=_("The job's number."))
        parser.add_argument(
            "--wait", action="store_true", help=_("Print its progress until the job has ended.")
        )

    def handle(self, *args, job: int, wait: bool, **options):
        found = Job.objects.filter(pk=job).first()
        if found is None:
            raise CommandError(_("There is no job %(no)s.") % {"no": job})
        last = None
        while True:
            services.jobs_recover_stale()
            found.refresh_from_db()
            line = self._line(found)
            if line != last:
                self.stdout.write(line)
                last = line
            if not wait or not found.is_active:
                break
            time.sleep(1)
        if found.summary:
            self.stdout.write(found.summary)
        for error in found.errors:
            self.stderr.write(error)
        if found.state == Job.State.FAILED:
            raise CommandError(_("Job %(no)s failed.") % {"no": found.pk})

    def _line(self, job: Job) -> str:
        state = job.get_state_display()
        if job.progress_total:
            return _("%(job)s: %(state)s, %(done)s of %(total)s") % {
                "job": job,
                "state": state,
                "done": job.progress_done,
                "total": job.progress_total,
            }
        return _("%(job)s: %(state)s") % {"job": job, "state": state}
