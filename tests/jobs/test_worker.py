"""Jobs in real worker processes (`manage.py db_worker`), on SQLite and PostgreSQL:
progress visible while a job runs, a SIGKILL mid-way, cancel, and conflicting jobs.

Few tests, each a real scenario: they start processes, so they cost a few seconds.
"""

from __future__ import annotations

import time

from django_tasks_db.models import DBTaskResult

from contacts.models import Contact
from jobs import services
from jobs.models import Job
from relations.models import ContactBusinessRelation, Customer
from relations.tasks import create_contacts
from tests.jobs.conftest import wait_for
from tests.jobs.kinds import hold
from tests.relations.factories import setup_sync

RUNNING, SUCCEEDED = Job.State.RUNNING, Job.State.SUCCEEDED


def _customers(count: int) -> None:
    """Customers without a contact, and the setup that makes contacts for them (without
    the duplicate index, which would only make each contact slower to create here)."""
    setup = setup_sync(vendors=False, banks=False)
    setup.autosearch_for_duplicates = False
    setup.maintain_search_strings = False
    setup.save()
    Customer.objects.bulk_create(
        Customer(no=f"WC{n:05d}", name=f"Worker Customer {n}", search_name=f"WORKER {n}")
        for n in range(count)
    )


def _state(job: Job) -> Job:
    return Job.objects.get(pk=job.pk)


def _made() -> tuple[int, int]:
    """(company contacts, customer links): equal when no contact is half-written."""
    return (
        Contact.objects.filter(type=Contact.Type.COMPANY).count(),
        ContactBusinessRelation.objects.filter(link_to="customer").count(),
    )


# Enough records that the worker cannot finish them all in the moment between seeing
# progress and the cancel arriving, even on a busy machine (300 once did).
TOTAL = 800


def test_progress_shows_while_a_job_runs_a_cancel_stops_it_and_a_new_run_goes_on(
    workers, staff_user
):
    _customers(TOTAL)
    worker = workers.start()
    job = create_contacts.start(user=staff_user, link_to="customer")
    seen = []

    def progressed():
        now = _state(job)
        seen.append((now.state, now.progress_done, now.progress_total))
        return now.state == RUNNING and now.progress_done >= 5

    wait_for(progressed, timeout=90, interval=0.01, what="progress")
    running = [done for state, done, _total in seen if state == RUNNING]
    assert any(0 < done < TOTAL for done in running), "progress was not visible while running"
    assert running == sorted(running)
    assert seen[-1][2] == TOTAL

    services.job_cancel(job=_state(job), user=staff_user)
    wait_for(lambda: not _state(job).is_active, timeout=30, what="the job to stop")
    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED, (job.errors, workers.output())
    companies, links = _made()
    assert 5 <= companies == links < TOTAL  # whole contacts only, and it stopped
    time.sleep(0.3)
    assert _made() == (companies, links)

    again = create_contacts.start(user=staff_user, link_to="customer")
    wait_for(lambda: not _state(again).is_active, timeout=90, what="the second run")
    again.refresh_from_db()
    assert again.state == SUCCEEDED, (again.errors, workers.output())
    assert again.result == {"link_to": "customer", "created": TOTAL - companies}
    assert again.progress_done == again.progress_total == TOTAL - companies
    assert _made() == (TOTAL, TOTAL)
    workers.stop(worker)


def test_a_killed_worker_leaves_no_half_written_rows_and_the_job_goes_on(workers, staff_user):
    _customers(200)
    job = create_contacts.start(user=staff_user, link_to="customer")
    worker = workers.start()
    wait_for(lambda: _state(job).progress_done >= 10, timeout=90, what="progress")
    workers.kill(worker)
    assert _state(job).state == RUNNING  # nobody could say otherwise yet
    companies, links = _made()
    assert 10 <= companies < 200
    assert companies == links  # every contact made is whole: company and link
    first_task = _state(job).task_id

    time.sleep(0.4)  # three heartbeats of the tests' workers
    # A new worker notices the lost job at start-up, queues it again (the kind is safe
    # to retry) and runs it from where the first one stopped.
    workers.run_batch()
    job.refresh_from_db()
    assert job.state == SUCCEEDED, (job.errors, job.notes, workers.output())
    assert job.attempts == 2
    assert "stopped before the job finished" in job.notes[0]
    assert "queued again (attempt 2 of 2)" in job.notes[0]
    assert job.result["created"] == 200 - companies
    assert _made() == (200, 200)
    assert Contact.objects.values("name").distinct().count() == 200  # no duplicates
    lost = DBTaskResult.objects.get(id=first_task)
    assert lost.status == "FAILED"
    assert lost.exception_class_path == "jobs.exceptions.WorkerLost"


def test_conflicting_jobs_never_run_at_once_and_a_lost_job_is_reported(workers):
    pool = [workers.start(), workers.start()]
    wait_for(lambda: workers.output().count("Starting worker") == 2, timeout=60, what="two workers")
    first = hold.start(seconds=1.5, key="same-series", steps=5)
    wait_for(lambda: _state(first).state == RUNNING, timeout=30, what="the first job")
    second = hold.start(seconds=0.3, key="same-series", steps=3)
    wait_for(
        lambda: not _state(first).is_active and not _state(second).is_active,
        timeout=60,
        what="both jobs",
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (SUCCEEDED, SUCCEEDED)
    assert first.finished_at <= second.started_at
    # The other worker took the second job while the first ran, and put it back.
    waits = DBTaskResult.objects.filter(args_kwargs__kwargs__job_id=second.pk).count()
    assert waits >= 2

    # A job that is not safe to run again, whose worker is killed: reported failed.
    lone = hold.start(seconds=30)
    wait_for(lambda: _state(lone).progress_done >= 1, timeout=30, what="the job to run")
    [victim] = [p for p in pool if p.pid == _state(lone).worker_pid]
    workers.kill(victim)
    time.sleep(0.4)
    assert services.jobs_recover_stale() == 1  # as the Jobs page and the workers do
    lone.refresh_from_db()
    assert lone.state == Job.State.FAILED
    assert lone.finished_at is not None
    assert "stopped before the job finished" in lone.errors[0]
    assert DBTaskResult.objects.get(id=lone.task_id).status == "FAILED"
    assert services.jobs_recover_stale() == 0
    for process in pool:
        if process is not victim:
            workers.stop(process)
