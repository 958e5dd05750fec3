"""Defining job kinds (`@job`) and running them in a worker (see `jobs/__init__.py`).

A job kind is a django-tasks `Task` (a `JobTask`) whose function takes a `JobContext`
and the job's parameters. The worker (`manage.py db_worker`) calls the task with the
job's id; `_run` claims the job, keeps its progress and heartbeat up to date from a
side thread, and records how it ended.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from history import context as history_context
from history.models import Cause, Source
from jobs.exceptions import JobCancelled

try:  # Django 6 has the tasks framework built in; 5.2 uses the django-tasks backport.
    from django.tasks import Task  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the Django version
    from django_tasks.base import Task

logger = logging.getLogger("jobs")

REFUSE = "refuse"
WAIT = "wait"
HOST = socket.gethostname()[:255]

T = TypeVar("T")


def heartbeat_seconds() -> float:
    return float(getattr(settings, "JOBS_HEARTBEAT_SECONDS", 2.0))


def stale_seconds() -> float:
    return float(getattr(settings, "JOBS_STALE_SECONDS", 60.0))


def sqlite_work_seconds() -> float:
    return float(getattr(settings, "JOBS_SQLITE_WORK_SECONDS", 1.0))


def sqlite_pause_seconds() -> float:
    # Longer than SQLite's longest busy-handler sleep (100 ms), so a waiting writer
    # surely tries again within the pause.
    return float(getattr(settings, "JOBS_SQLITE_PAUSE_SECONDS", 0.12))


def periodic_seconds() -> float:
    return float(getattr(settings, "JOBS_PERIODIC_SECONDS", 300.0))


def conflict_retry_seconds() -> float:
    return float(getattr(settings, "JOBS_CONFLICT_RETRY_SECONDS", 5.0))


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class JobTask(Task):
    """A django-tasks Task that runs a job body with a `JobContext` (made by `@job`)."""

    body: Callable[..., Any] | None = None
    label: Any = ""
    conflict_key: str | Callable[[dict], str | None] | None = None
    on_conflict: str = REFUSE
    retry: bool = False
    max_attempts: int = 1
    cleanup: Callable[[Any], None] | None = None
    summary: Callable[[dict], str] | None = None
    links: Callable[[dict], Iterable[tuple[Any, str]]] | None = None
    exclusive_key: str | Callable[[dict], str | None] | None = None

    def label_for(self, params: dict) -> str:
        label = self.label(params) if callable(self.label) else self.label
        return str(label or self.name)

    def conflict_key_for(self, params: dict) -> str | None:
        key = self.conflict_key(params) if callable(self.conflict_key) else self.conflict_key
        return str(key)[:200] if key else None

    def exclusive_key_for(self, params: dict) -> str | None:
        """The key a second start is refused by while one is queued or running: the
        kind's own `exclusive_key`, else the conflict key when the kind refuses."""
        if self.exclusive_key is None:
            return self.conflict_key_for(params) if self.on_conflict == REFUSE else None
        key = self.exclusive_key(params) if callable(self.exclusive_key) else self.exclusive_key
        return str(key)[:200] if key else None

    def start(self, *, user=None, origin: str | None = None, total: int | None = None, **params):
        """Queue a job of this kind; see `jobs.services.job_start`."""
        from jobs.services import job_start

        return job_start(task=self, user=user, origin=origin, total=total, params=params)


def job(
    *,
    label: Any,
    conflict_key: str | Callable[[dict], str | None] | None = None,
    on_conflict: str = REFUSE,
    retry: bool = False,
    cleanup: Callable[[Any], None] | None = None,
    summary: Callable[[dict], str] | None = None,
    links: Callable[[dict], Iterable[tuple[Any, str]]] | None = None,
    exclusive_key: str | Callable[[dict], str | None] | None = None,
    priority: int = 0,
    queue_name: str = "default",
) -> Callable[[Callable[..., Any]], JobTask]:
    """Make a module-level function `body(ctx: JobContext, **params) -> dict` a job kind.

    label: what the job does, as users read it (lazy text, or a function of the
    parameters). conflict_key: jobs with the same key never run at the same time (a
    text, or a function of the parameters). on_conflict: REFUSE (a second start is
    refused while one is queued or running) or WAIT (the second waits its turn).
    retry: the body is safe to run again after its worker vanished (idempotent, or
    resumable from its last committed batch): it is then queued once more instead of
    failing. cleanup(job): undoes what a failed or cancelled job left behind (staging
    rows tagged with `job.pk`); it runs in the worker, or in whichever process notices
    that the worker vanished, and must be idempotent. summary(result): the result dict
    in words, translated when shown. links(result): (text, URL) pairs the job's page
    shows once it succeeded (the records it made). exclusive_key: refuse a second start
    by this key instead of the conflict key (e.g. wait for any job drawing from the
    same number series, but refuse a second run over the same table).
    """
    if on_conflict not in (REFUSE, WAIT):
        raise ValueError(f"on_conflict must be {REFUSE!r} or {WAIT!r}")

    def decorate(body: Callable[..., Any]) -> JobTask:
        holder: dict[str, JobTask] = {}

        def run(job_id: int) -> Any:
            return _run(holder["task"], job_id)

        functools.update_wrapper(run, body)  # the task's import path is the body's
        del run.__wrapped__  # django-tasks checks `run`'s own signature
        task = JobTask(
            func=run,
            body=body,
            label=label,
            conflict_key=conflict_key,
            on_conflict=on_conflict,
            retry=retry,
            max_attempts=2 if retry else 1,
            cleanup=cleanup,
            summary=summary,
            links=links,
            exclusive_key=exclusive_key,
            priority=priority,
            queue_name=queue_name,
            backend="default",
            takes_context=False,
            run_after=None,
        )
        holder["task"] = task
        return task

    return decorate


_tasks: dict[str, JobTask | None] = {}

_periodic: dict[str, Callable[[], Any]] = {}


def register_periodic(name: str, check: Callable[[], Any]) -> None:
    """Have every worker call `check()` every JOBS_PERIODIC_SECONDS (first after one
    interval), e.g. to queue a job when data changed enough. Call it from an app's
    `ready()`; `check` must be cheap and may start jobs (a conflict key keeps two
    workers from starting the same one)."""
    _periodic[name] = check


def run_periodic() -> None:
    """Call the registered checks once (what the workers do periodically)."""
    for name, check in sorted(_periodic.items()):
        try:
            with transaction.atomic():
                check()
        except Exception:  # one failing check must not stop the others or the worker
            logger.warning("Periodic check %s failed", name, exc_info=True)


def task_for(kind: str) -> JobTask | None:
    """The JobTask stored under `kind` (its import path), None if the code is gone."""
    if kind not in _tasks:
        try:
            found = import_string(kind)
        except ImportError:
            found = None
        _tasks[kind] = found if isinstance(found, JobTask) else None
    return _tasks[kind]


class JobContext:
    """What a job body gets: its job, progress reporting and cancellation.

    Report progress between (or at the end of) batches; every call also checks for a
    cancel request and raises `JobCancelled` when there is one. The numbers are kept
    in memory and written at most every JOBS_HEARTBEAT_SECONDS: by the body's own
    thread when it reports between transactions, otherwise (a long step without
    progress, or inside a long PostgreSQL transaction) by the worker's heartbeat
    thread on its own connection. Between transactions on SQLite the body also pauses
    briefly now and then (JOBS_SQLITE_PAUSE_SECONDS after JOBS_SQLITE_WORK_SECONDS of
    work): SQLite has one writer at a time and no queue, so a job that commits batch
    after batch would otherwise starve every other writer (the pages' saves).
    """

    def __init__(self, job, *, threaded: bool = True):
        self.job = job
        self.job_id: int = job.pk
        self.attempt: int = job.attempts
        self.params: dict = job.params
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._done = 0
        self._total: int | None = job.progress_total
        self._step = ""
        self._cancelled = threading.Event()
        self._threaded = threaded
        self._last_flush = time.monotonic()
        self._last_pause = time.monotonic()
        self._sqlite = connection.vendor == "sqlite"

    # --- reading ---
    @property
    def user(self):
        """The user who started the job (None for a command or the system)."""
        return self.job.started_by

    @property
    def done(self) -> int:
        return self._done

    @property
    def total(self) -> int | None:
        return self._total

    @property
    def cancel_requested(self) -> bool:
        self._between()
        return self._cancelled.is_set()

    # --- reporting ---
    def progress(
        self,
        done: int | None = None,
        *,
        total: int | None = None,
        step: str | None = None,
        advance: int = 0,
    ) -> None:
        """Record progress (`done` of `total`, or `advance` more done) and the current
        step (an untranslated message id: mark it with `gettext_noop`); raises
        `JobCancelled` when a cancel was requested."""
        with self._lock:
            if total is not None:
                self._total = total
            if done is not None:
                self._done = done
            self._done += advance
            if step is not None:
                self._step = str(step)[:200]
        self.check_cancelled()

    def advance(self, count: int = 1) -> None:
        """`count` more items done (fits the `progress(n)` callbacks of services)."""
        self.progress(advance=count)

    def check_cancelled(self) -> None:
        """Raise `JobCancelled` if a cancel was requested. Call it inside a batch's
        transaction to roll the batch back, or between batches."""
        self._between()
        if self._cancelled.is_set():
            raise JobCancelled

    def error(self, message: Any) -> None:
        """Record a problem the job worked around (e.g. a skipped row); it still
        finishes, and the Jobs page lists the problems."""
        with self._lock:
            self.errors.append(str(message))

    def iterate(
        self, iterable: Iterable[T], *, total: int | None = None, step: str | None = None
    ) -> Iterator[T]:
        """Yield the items, counting one done after each and checking for a cancel
        before the next: wrap a loop whose body commits per item."""
        self.progress(0, total=total, step=step)
        first = True
        for item in iterable:
            if not first:
                self.advance(1)
            first = False
            yield item
        if not first:
            self.advance(1)

    def batches(
        self, items: Sequence[T], *, size: int, step: str | None = None
    ) -> Iterator[list[T]]:
        """Yield `items` in lists of `size`, counting each as done after its body ran
        (run each batch in its own `transaction.atomic()`)."""
        self.progress(0, total=len(items), step=step)
        for start in range(0, len(items), size):
            chunk = list(items[start : start + size])
            self.check_cancelled()
            yield chunk
            self.advance(len(chunk))

    # --- writing (heartbeat thread, or the body's thread when there is none) ---
    def _snapshot(self) -> dict:
        with self._lock:
            return {"progress_done": self._done, "progress_total": self._total, "step": self._step}

    def flush(self, *, wait: bool = True) -> None:
        """Write progress and heartbeat; notice a cancel request (or that the job is
        no longer this attempt's, e.g. marked lost). One writer at a time, so an older
        snapshot never lands after a newer one; `wait=False` skips when busy."""
        from jobs.models import Job

        if not self._flush_lock.acquire(blocking=wait):
            return
        try:
            updated = Job.objects.filter(
                pk=self.job_id,
                attempts=self.attempt,
                state=Job.State.RUNNING,
                cancel_requested_at__isnull=True,
            ).update(heartbeat_at=timezone.now(), **self._snapshot())
            if not updated:
                self._cancelled.set()
            self._last_flush = time.monotonic()
        finally:
            self._flush_lock.release()

    def flush_due(self) -> bool:
        return time.monotonic() - self._last_flush >= heartbeat_seconds()

    def _between(self) -> None:
        """Called at every progress point: flush when due and, between transactions on
        SQLite, give other writers their turn."""
        inside = connection.in_atomic_block
        if (not inside or not self._threaded) and self.flush_due():
            self.flush(wait=False)
        if self._sqlite and not inside:
            now = time.monotonic()
            if now - self._last_pause >= sqlite_work_seconds():
                time.sleep(sqlite_pause_seconds())
                self._last_pause = time.monotonic()


class _Heartbeat(threading.Thread):
    """Writes the job's progress and heartbeat every JOBS_HEARTBEAT_SECONDS."""

    def __init__(self, ctx: JobContext):
        super().__init__(name=f"job-{ctx.job_id}-heartbeat", daemon=True)
        self.ctx = ctx
        self.halt = threading.Event()

    def run(self) -> None:
        try:
            while not self.halt.wait(heartbeat_seconds() / 2):
                if not self.ctx.flush_due():  # the body reported recently itself
                    continue
                try:
                    self.ctx.flush()
                except Exception:  # a busy or restarting database: try again next beat
                    logger.warning("Job %s: heartbeat failed", self.ctx.job_id, exc_info=True)
                    connection.close()
        finally:
            connection.close()  # this thread's own connection

    def stop(self) -> None:
        self.halt.set()
        self.join(timeout=heartbeat_seconds() + 30)


def _claim(job) -> bool | None:
    """Mark the queued job running as this worker's: True; False if it is not queued
    any more; None if a job with the same conflict key is running (it must wait)."""
    from jobs.models import Job

    now = timezone.now()
    try:
        with transaction.atomic():
            claimed = Job.objects.filter(pk=job.pk, state=Job.State.QUEUED).update(
                state=Job.State.RUNNING,
                started_at=Coalesce(F("started_at"), Value(now)),
                heartbeat_at=now,
                attempts=F("attempts") + 1,
                worker_host=HOST,
                worker_pid=os.getpid(),
                progress_done=0,
            )
    except IntegrityError:
        return None
    if claimed:
        job.refresh_from_db()
    return bool(claimed)


def enqueue_again(task: JobTask, job, *, delay: float = 0) -> None:
    """A new task attempt for the (queued) job, `delay` seconds from now."""
    if delay:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay))
    result = task.enqueue(job_id=job.pk)
    type(job).objects.filter(pk=job.pk).update(task_id=result.id)


def _finish(job, ctx: JobContext, state: str, **fields) -> None:
    from jobs.models import Job

    now = timezone.now()
    values = {
        "state": state,
        "finished_at": now,
        "heartbeat_at": now,
        "errors": [*job.errors, *ctx.errors, *fields.pop("errors", [])],
        **ctx._snapshot(),
        **fields,
    }
    if state == Job.State.SUCCEEDED and values["progress_total"] is not None:
        values["progress_done"] = max(values["progress_done"], values["progress_total"])
    updated = Job.objects.filter(pk=job.pk, attempts=ctx.attempt).update(**values)
    if not updated:
        logger.warning("Job %s: finished, but it is no longer this worker's attempt", job.pk)


def run_cleanup(task: JobTask, job) -> None:
    if task.cleanup is None:
        return
    try:
        task.cleanup(job)
    except Exception:
        logger.exception("Job %s: cleanup failed", job.pk)


def _unexpected_error_message() -> str:
    return _(
        "The job stopped because of an unexpected error. Nothing of its unfinished step "
        "was kept. An administrator can find the details in the server log."
    )


def _run(task: JobTask, job_id: int, *, heartbeat: bool = True) -> dict | None:
    """Run job `job_id` in this process (what the worker calls through the task)."""
    from jobs import services
    from jobs.models import Job

    job = Job.objects.select_related("started_by").filter(pk=job_id).first()
    if job is None:
        logger.warning("Job %s does not exist (deleted before it ran)", job_id)
        return None
    if job.state != Job.State.QUEUED:
        return {"skipped": job.state}  # cancelled while queued, or already done
    claimed = _claim(job)
    if claimed is None:
        enqueue_again(task, job, delay=conflict_retry_seconds())
        return {"waiting_for_conflicting_job": True}
    if not claimed:
        return {"skipped": "not queued"}
    ctx = JobContext(job, threaded=heartbeat)
    beat = _Heartbeat(ctx) if heartbeat else None
    with translation.override(job.language or settings.LANGUAGE_CODE):
        if beat is not None:
            beat.start()
        try:
            # The change log names the job and its starter for every change made inside.
            with (
                history_context.actor(
                    user=job.started_by, source=Source.JOB, label=f"job {job.pk}"
                ),
                history_context.operation(Cause.JOB, obj=job),
            ):
                result = task.body(ctx, **job.params)
        except JobCancelled:
            _stop(beat)
            _finish(job, ctx, Job.State.CANCELLED)
            run_cleanup(task, job)
            return {"cancelled": True}
        except ValidationError as error:
            _stop(beat)
            _finish(job, ctx, Job.State.FAILED, errors=list(error.messages))
            run_cleanup(task, job)
            return {"failed": True}
        except (KeyboardInterrupt, SystemExit):
            # The worker is being stopped (second Ctrl+C / SIGTERM): like a lost worker.
            _stop(beat)
            job.refresh_from_db()
            services.job_worker_lost(job, stopped=True)
            raise
        except Exception:
            _stop(beat)
            logger.exception("Job %s (%s) failed", job.pk, job.kind)
            _finish(
                job,
                ctx,
                Job.State.FAILED,
                errors=[_unexpected_error_message()],
                traceback=traceback.format_exc(),
            )
            run_cleanup(task, job)
            raise  # the task result keeps the traceback too
        _stop(beat)
        try:
            _finish(job, ctx, Job.State.SUCCEEDED, result=result)
        except (TypeError, ValueError):  # a result that is not JSON
            logger.exception("Job %s: result cannot be stored", job.pk)
            _finish(job, ctx, Job.State.SUCCEEDED, result=None)
    return {"succeeded": True}


def _stop(beat: _Heartbeat | None) -> None:
    if beat is not None:
        beat.stop()


def run_job(job_id: int, *, heartbeat: bool = True) -> dict | None:
    """Run a queued job in this process, as a worker would (tests, scripts)."""
    from jobs.models import Job

    kind = Job.objects.filter(pk=job_id).values_list("kind", flat=True).first()
    task = task_for(kind) if kind else None
    if task is None:
        raise ValueError(f"Job {job_id} has no runnable kind ({kind!r})")
    return _run(task, job_id, heartbeat=heartbeat)
