"""Starting, cancelling and recovering jobs (what pages, commands and the API call)."""

from __future__ import annotations

import logging
import os
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jobs import runner
from jobs.exceptions import JobConflict
from jobs.models import Job

logger = logging.getLogger("jobs")


def _normalize(params: dict) -> dict:
    try:
        from django.utils.json import normalize_json  # Django 6
    except ImportError:  # pragma: no cover - depends on the Django version
        from django_tasks.utils import normalize_json
    return normalize_json(params)


def job_start(
    *,
    task: runner.JobTask,
    user=None,
    origin: str | None = None,
    params: dict | None = None,
    total: int | None = None,
) -> Job:
    """Queue a job of `task`'s kind with these (JSON) parameters; returns the Job.

    The job row and its queue entry are written in one transaction (the caller's, if
    any: a worker sees the job once it is committed). Raises `JobConflict` when the
    kind refuses a second start and a job with the same conflict key is queued or
    running (checked by a database constraint, so two machines cannot both start one).
    """
    params = _normalize(params or {})
    conflict_key = task.conflict_key_for(params)
    exclusive_key = task.exclusive_key_for(params)
    if exclusive_key:
        existing = Job.objects.active().filter(exclusive_key=exclusive_key).first()
        if existing is not None:
            raise JobConflict(existing)
    if user is not None and not user.is_authenticated:
        user = None
    if origin is None:
        origin = Job.Origin.WEB if user is not None else Job.Origin.SYSTEM
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=task.module_path,
                params=params,
                started_by=user,
                origin=origin,
                language=translation.get_language() or settings.LANGUAGE_CODE,
                progress_total=total,
                conflict_key=conflict_key,
                exclusive_key=exclusive_key,
                max_attempts=task.max_attempts,
            )
            runner.enqueue_again(task, job)
    except IntegrityError:
        existing = Job.objects.active().filter(exclusive_key=exclusive_key).first()
        if exclusive_key is None or existing is None:
            raise
        raise JobConflict(existing) from None
    job.refresh_from_db()
    return job


def job_cancel(*, job: Job, user=None) -> Job:
    """Cancel a queued job at once, or ask a running one to stop at its next progress
    point (its current batch is rolled back). `user` None: a command or the system."""
    if not job.is_active:
        raise ValidationError(_("This job has already ended."), code="job_ended")
    if user is not None and not job.may_cancel(user):
        raise PermissionDenied
    now = timezone.now()
    who = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        queued = Job.objects.filter(pk=job.pk, state=Job.State.QUEUED).update(
            state=Job.State.CANCELLED,
            finished_at=now,
            cancel_requested_at=now,
            cancel_requested_by=who,
        )
        if not queued:
            Job.objects.filter(
                pk=job.pk, state=Job.State.RUNNING, cancel_requested_at__isnull=True
            ).update(cancel_requested_at=now, cancel_requested_by=who)
    job.refresh_from_db()
    if queued and job.task is not None:
        runner.run_cleanup(job.task, job)
    return job


def _process_gone(pid: int | None) -> bool:
    """True when `pid` is certainly not running on this machine (zombies included)."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (OSError, IndexError):
        return False


def jobs_recover_stale(*, now=None) -> int:
    """Find running jobs whose worker vanished and end them (or queue them again when
    their kind is safe to retry); returns how many. A job is lost when its heartbeat
    is older than JOBS_STALE_SECONDS, or sooner when its worker ran on this machine
    and that process is gone. Called by every worker at start-up and periodically,
    and by the Jobs page."""
    now = now or timezone.now()
    beat = runner.heartbeat_seconds()
    suspects = list(
        Job.objects.filter(
            state=Job.State.RUNNING, heartbeat_at__lt=now - timedelta(seconds=3 * beat)
        )
    )
    lost = 0
    stale_before = now - timedelta(seconds=runner.stale_seconds())
    for job in suspects:
        gone = job.heartbeat_at < stale_before or (
            job.worker_host == runner.HOST and _process_gone(job.worker_pid)
        )
        if gone and job_worker_lost(job, now=now):
            lost += 1
    return lost


def job_worker_lost(job: Job, *, now=None, stopped: bool = False) -> bool:
    """The worker running `job` vanished (or is being stopped): queue the job again if
    its kind is safe to retry and attempts remain, otherwise mark it failed with the
    reason. Returns False when another process dealt with it first."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    task = job.task
    cancelled = job.cancel_requested_at is not None  # it would have stopped anyway
    retry = not cancelled and task is not None and task.retry and job.attempts < job.max_attempts
    with translation.override(job.language or settings.LANGUAGE_CODE):
        if stopped:
            reason = _("The worker running this job was stopped before the job finished.")
        else:
            reason = _(
                "The worker running this job stopped before the job finished (its process "
                "was killed or its machine went down)."
            )
        if retry:
            note = _("%(reason)s The job was queued again (attempt %(next)s of %(max)s).") % {
                "reason": reason,
                "next": job.attempts + 1,
                "max": job.max_attempts,
            }
        else:
            note = _("%(reason)s Work of its unfinished step was not kept.") % {"reason": reason}
    with transaction.atomic():
        fields = {"heartbeat_at": now, "step": ""}
        if retry:
            fields.update(state=Job.State.QUEUED, notes=[*job.notes, note])
        elif cancelled:
            fields.update(state=Job.State.CANCELLED, finished_at=now, notes=[*job.notes, note])
        else:
            fields.update(state=Job.State.FAILED, finished_at=now, errors=[*job.errors, note])
        changed = Job.objects.filter(
            pk=job.pk, state=Job.State.RUNNING, attempts=job.attempts
        ).update(**fields)
        if not changed:
            return False
        DBTaskResult.objects.filter(id=job.task_id, status="RUNNING").update(
            status="FAILED",
            finished_at=now,
            exception_class_path="jobs.exceptions.WorkerLost",
            traceback=reason,
        )
        if retry:
            job.refresh_from_db()
            runner.enqueue_again(task, job)
    logger.warning("Job %s: its worker vanished; %s", job.pk, "queued again" if retry else "failed")
    if not retry and task is not None:
        job.refresh_from_db()
        runner.run_cleanup(task, job)
    return True
