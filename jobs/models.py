"""A job: one piece of long work run by a background worker (see `jobs/__init__.py`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class JobQuerySet(models.QuerySet):
    def active(self) -> JobQuerySet:
        """Queued or running."""
        return self.filter(state__in=Job.ACTIVE_STATES)

    def visible_to(self, user) -> JobQuerySet:
        """Administrators (permission `jobs.manage_job`) see every job, others their own."""
        if user.has_perm("jobs.manage_job"):
            return self
        return self.filter(started_by=user.pk)


class Job(models.Model):
    """Who started which work when, how far it got, and how it ended.

    The work itself is a task of the django-tasks queue (`task_id`); this row is what
    users see and what the worker updates while it runs (progress, heartbeat). Two
    database constraints keep conflicting work apart on every worker of every machine:
    at most one *running* job per `conflict_key`, and at most one *queued or running*
    job per `exclusive_key` (set for kinds that refuse a second start).
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class Origin(models.TextChoices):
        WEB = "web", _("Page")
        COMMAND = "command", _("Command line")
        API = "api", _("API")
        SYSTEM = "system", _("System")

    ACTIVE_STATES = (State.QUEUED, State.RUNNING)

    kind = models.CharField(_("kind"), max_length=200, help_text=_("The job's task."))
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.QUEUED)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    origin = models.CharField(_("started from"), max_length=10, choices=Origin, default=Origin.WEB)
    language = models.CharField(_("language"), max_length=15, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    progress_done = models.PositiveBigIntegerField(_("done"), default=0)
    progress_total = models.PositiveBigIntegerField(_("total"), null=True, blank=True)
    step = models.CharField(_("step"), max_length=200, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    cancel_requested_at = models.DateTimeField(_("cancel requested at"), null=True, blank=True)
    cancel_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancel requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # NULL, not "", when there is no key: NULLs never collide in the unique constraints.
    conflict_key = models.CharField(_("conflict key"), max_length=200, null=True, blank=True)  # noqa: DJ001
    exclusive_key = models.CharField(_("exclusive key"), max_length=200, null=True, blank=True)  # noqa: DJ001
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("maximum attempts"), default=1)
    worker_host = models.CharField(_("worker host"), max_length=255, blank=True)
    worker_pid = models.PositiveIntegerField(_("worker process"), null=True, blank=True)
    task_id = models.CharField(_("task result"), max_length=64, blank=True)
    traceback = models.TextField(_("traceback"), blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conflict_key"],
                condition=Q(state="running"),
                name="jobs_one_running_job_per_conflict_key",
            ),
            models.UniqueConstraint(
                fields=["exclusive_key"],
                condition=Q(state__in=["queued", "running"]),
                name="jobs_one_active_job_per_exclusive_key",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "heartbeat_at"], name="jobs_state_heartbeat_idx"),
            models.Index(fields=["started_by", "-id"], name="jobs_started_by_idx"),
            models.Index(fields=["kind", "-id"], name="jobs_kind_idx"),
        ]
        permissions = [("manage_job", _("Can see and cancel every user's jobs"))]

    def __str__(self) -> str:
        return gettext("Job %(no)s: %(label)s") % {"no": self.pk, "label": self.label}

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", kwargs={"pk": self.pk})

    @property
    def task(self):
        """The job's task (a `jobs.runner.JobTask`), None if its code is gone."""
        from jobs.runner import task_for

        return task_for(self.kind)

    @property
    def label(self) -> str:
        task = self.task
        return task.label_for(self.params) if task is not None else self.kind

    @property
    def summary(self) -> str:
        """The result in words (the kind's `summary`), in the active language."""
        task = self.task
        if self.result is None or task is None or task.summary is None:
            return ""
        try:
            return str(task.summary(self.result))
        except (KeyError, TypeError, ValueError):  # a result of an older version
            return ""

    @property
    def links(self) -> list[tuple[str, str]]:
        """(text, URL) of what a finished job made (the kind's `links`), for its page."""
        task = self.task
        if self.state != self.State.SUCCEEDED or not self.result or task is None:
            return []
        if task.links is None:
            return []
        try:
            return [(str(text), url) for text, url in task.links(self.result) if url]
        except (KeyError, TypeError, ValueError):  # a result of an older version
            return []

    @property
    def step_label(self) -> str:
        return gettext(self.step) if self.step else ""

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES

    @property
    def cancelling(self) -> bool:
        return self.state == self.State.RUNNING and self.cancel_requested_at is not None

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, int(self.progress_done * 100 / self.progress_total))

    def may_cancel(self, user) -> bool:
        """The starter and administrators may cancel a queued or running job."""
        if not self.is_active or user is None or not user.is_authenticated:
            return False
        return user.pk == self.started_by_id or user.has_perm("jobs.manage_job")
