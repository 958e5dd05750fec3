"""What a job body may raise, and what starting a job may raise."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from jobs.models import Job


class JobCancelled(Exception):
    """Raised by `JobContext.check_cancelled()` / `progress()` once a cancel was
    requested. Let it propagate: the `transaction.atomic()` block it leaves rolls the
    current batch back, and the job ends as cancelled."""


class JobError(ValidationError):
    """A clear, translated reason the job cannot go on (bad input, missing setup).

    Any `ValidationError` a job body raises ends the job as failed with its messages
    shown to the user; this subclass only names the intent."""


class JobConflict(ValidationError):
    """A job of the same kind and conflict key is already queued or running."""

    def __init__(self, existing: Job):
        self.existing = existing
        super().__init__(
            _("%(job)s is already queued or running (job %(no)s). Wait until it has finished.")
            % {"job": existing.label, "no": existing.pk},
            code="job_conflict",
        )


class WorkerLost(Exception):
    """Recorded on a task result whose worker vanished (killed, machine down)."""
