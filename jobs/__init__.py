"""Background jobs: long work run by `manage.py db_worker`, with progress users can see.

The task queue is Django's tasks framework (the `django-tasks` backport on Django 5.2,
`django.tasks` from 6.0) with the `django-tasks-db` backend: the database is the queue.
A *job* (`jobs.models.Job`) is what users see of one piece of work: who started it,
when, its state, progress (done / total), a result summary, errors. The work itself is
a task of the queue.

Defining a job kind (in an app's `tasks.py`)::

    from django.db import transaction
    from django.utils.translation import gettext_lazy as _, gettext_noop
    from jobs.runner import JobContext, job

    @job(label=_("Rebuild duplicate search strings"), conflict_key="duplicates.index",
         retry=True, summary=lambda result: _("%(n)s done.") % {"n": result["done"]})
    def rebuild(ctx: JobContext, *, find: bool = False) -> dict:
        ctx.progress(0, total=count, step=gettext_noop("Rebuilding"))
        for batch in ctx.batches(ids, size=1000):      # checks for a cancel before each
            with transaction.atomic():                 # one short transaction per batch
                ...                                    # call the same services as pages
                ctx.check_cancelled()                  # a cancel rolls this batch back
        return {"done": count}                         # JSON: the result summary's input

The function must be at module level; its parameters are keyword-only and JSON. The
decorated name is a django-tasks `Task` (`jobs.runner.JobTask`).

Starting one (a page, a command with `--background`, the API)::

    job = rebuild.start(user=request.user, find=True)  # -> Job (raises JobConflict)
    # or jobs.services.job_start(task=rebuild, user=..., params={...}, total=...)

`job_start` writes the Job and its queue entry in the caller's transaction; a worker
runs it once committed. Read jobs with `Job.objects.visible_to(user)` (staff: their
own; administrators, permission `jobs.manage_job`: all), cancel with
`jobs.services.job_cancel(job=..., user=...)`.

Rules for job bodies, so that a job never holds the database for minutes:

- Work in committed batches (`transaction.atomic()` per batch, seconds at most), and
  call `ctx.progress()` / `ctx.advance()` / `ctx.check_cancelled()` between batches:
  that writes the progress, lets other writers in on SQLite (one writer at a time, the
  write lock taken at BEGIN), and raises `JobCancelled` after a cancel request (let it
  propagate). Inside a batch, `check_cancelled()` rolls the batch back on cancel.
- Make batches resumable or idempotent (a new run goes on from the last committed
  batch, without duplicates), and say so with `retry=True`: a job whose worker
  vanished is then queued once more instead of failing.
- Where the visible effect must be all-or-nothing, stage in batches and finish with
  one short transaction; tag staged rows with `ctx.job_id` and give `@job` a
  `cleanup(job)` that removes them (it runs when the job fails or is cancelled, also
  when a vanished worker is noticed by another process).
- Raise `ValidationError` (or `jobs.exceptions.JobError`) with a translated message
  for a user's mistake: the job fails with that message. `ctx.error(message)` records
  a problem the job worked around. The body runs in the starter's language.
- Pass data through the database (parameters, staging rows), never a local file path:
  the worker may run on another machine.

Conflicts: jobs with the same `conflict_key` never run at the same time (a partial
unique constraint over running jobs). With `on_conflict="refuse"` (default) a second
start is refused while one is queued or running (a second constraint); with
`on_conflict="wait"` it is queued and waits its turn.

Periodic checks: `jobs.runner.register_periodic(name, check)` (from an app's `ready()`)
has every worker call `check()` every JOBS_PERIODIC_SECONDS, e.g. to start a job when
data changed enough (duplicates: re-estimating the model); give that job a conflict key
so that two workers cannot start it twice.

Pages: `jobs.views.announce_started(request, job)` then `redirect(job)` sends the user
to the job's page; `announce_conflict(request, error)` links the job already running.
Commands: `jobs.commands.add_background_option` / `start_in_background`.

Faults: while a job runs, its worker writes a heartbeat every JOBS_HEARTBEAT_SECONDS
(from a side thread too, during long steps). Workers at start-up and every few seconds,
and the Jobs page, look for running jobs whose heartbeat stopped (older than
JOBS_STALE_SECONDS, or sooner when the worker process on the same machine is gone)
and mark them failed with the reason, or queue them again when `retry=True` and an
attempt remains.
"""
