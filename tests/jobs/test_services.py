"""Starting, running (in this process), cancelling and recovering jobs; the converted
job kinds give the same results as the services the commands call."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from contacts import services as contacts_services
from contacts.models import Contact
from contacts.tasks import company_bulk_update
from duplicates.models import ContactDuplicate, ContactSearchString
from duplicates.tasks import find_duplicates, rebuild_search_strings
from jobs import runner, services
from jobs.exceptions import JobConflict
from jobs.models import Job
from marketing_setup.models import MarketingSetup
from relations.tasks import create_contacts
from tests.duplicates.factories import cannon_pair
from tests.factories import CompanyFactory, PersonFactory
from tests.jobs.kinds import hold

pytestmark = pytest.mark.django_db


def _run(job: Job) -> Job:
    runner.run_job(job.pk, heartbeat=False)
    job.refresh_from_db()
    return job


def test_starting_a_job_queues_it_with_who_and_what(staff_user):
    job = rebuild_search_strings.start(user=staff_user, find=True)
    assert (job.state, job.started_by, job.origin) == ("queued", staff_user, "web")
    assert job.kind == "duplicates.tasks.rebuild_search_strings"
    assert job.params == {"find": True}
    assert job.label == "Rebuild duplicate search strings"
    task = DBTaskResult.objects.get(id=job.task_id)
    assert (task.status, task.args_kwargs["kwargs"]) == ("READY", {"job_id": job.pk})


def test_a_second_conflicting_start_is_refused_and_the_database_agrees(staff_user):
    first = rebuild_search_strings.start(user=staff_user)
    with pytest.raises(JobConflict) as refused:
        find_duplicates.start(user=staff_user)  # same conflict key
    assert refused.value.existing == first
    assert f"(job {first.pk})" in refused.value.messages[0]
    assert Job.objects.count() == 1
    # Not only a check in Python: the constraints hold for any writer.
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(kind="x", exclusive_key=first.exclusive_key)
    Job.objects.create(kind="x", conflict_key="k", state="running")
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(kind="x", conflict_key="k", state="running")
    Job.objects.create(kind="x", conflict_key="k", state="queued")  # may wait
    # Once the first ended, a new one may start.
    Job.objects.filter(pk=first.pk).update(state="succeeded")
    assert find_duplicates.start(user=staff_user).state == "queued"


def test_a_waiting_job_is_put_back_while_its_conflict_runs():
    running = hold.start(seconds=0, key="series")
    waiting = hold.start(seconds=0, key="series")
    Job.objects.filter(pk=running.pk).update(state="running")
    assert runner.run_job(waiting.pk, heartbeat=False) == {"waiting_for_conflicting_job": True}
    waiting.refresh_from_db()
    assert waiting.state == "queued"
    again = DBTaskResult.objects.get(id=waiting.task_id)
    assert again.status == "READY" and again.run_after > timezone.now()


def test_a_job_runs_and_records_its_result_progress_and_language(setup, staff_user):
    MarketingSetup.objects.update(maintain_search_strings=False, autosearch_for_duplicates=False)
    kept, other = cannon_pair()
    CompanyFactory(name="Someone Else AS", city="Bergen")
    with translation.override("nb"):
        job = rebuild_search_strings.start(user=staff_user, find=True)
    job = _run(job)
    assert job.state == "succeeded"
    assert job.result == {"rebuilt": 3, "companies": 3, "pairs": 1, "stored": 1}
    assert (job.progress_done, job.progress_total, job.attempts) == (3, 3, 1)
    assert job.language == "nb"
    assert job.summary == (
        "Search strings rebuilt for 3 companies. 1 possible duplicate found among 3 companies."
    )
    assert ContactSearchString.objects.filter(contact=kept).count() == 14
    assert ContactDuplicate.objects.filter(contact=kept, duplicate=other).exists()
    assert job.started_at <= job.finished_at


def test_the_full_search_job_stores_what_the_command_finds(setup, staff_user):
    kept, other = cannon_pair()
    ContactDuplicate.objects.all().delete()
    job = _run(find_duplicates.start(user=staff_user))
    assert job.state == "succeeded"
    assert job.result["pairs"] == 1
    assert ContactDuplicate.objects.filter(contact=kept, duplicate=other).exists()


def test_a_users_mistake_fails_the_job_with_a_clear_message(setup, staff_user):
    job = _run(create_contacts.start(user=staff_user, link_to="customer"))
    assert job.state == "failed"
    assert len(job.errors) == 1
    assert "must have a value in Marketing Setup" in job.errors[0]
    assert job.traceback == ""


def test_an_unexpected_error_fails_the_job_without_showing_the_traceback(monkeypatch):
    job = hold.start(seconds=0)
    monkeypatch.setattr("tests.jobs.kinds.time.sleep", lambda _s: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        runner.run_job(job.pk, heartbeat=False)
    job.refresh_from_db()
    assert job.state == "failed"
    assert "unexpected error" in job.errors[0]
    assert "ZeroDivisionError" not in job.errors[0]
    assert "ZeroDivisionError" in job.traceback


def test_the_bulk_update_job_changes_companies_and_their_persons(setup, staff_user):
    companies = [CompanyFactory(city="Oslo") for _ in range(3)]
    person = PersonFactory(company=companies[0])
    assert person.city == "Oslo"
    job = company_bulk_update.start(
        user=staff_user, ids=[c.pk for c in companies[:2]], values={"city": "Bergen"}
    )
    job = _run(job)
    assert job.state == "succeeded", job.errors
    assert job.summary == "2 companies changed."
    assert Contact.objects.get(pk=companies[0].pk).city == "Bergen"
    assert Contact.objects.get(pk=person.pk).city == "Bergen"  # persons follow
    assert Contact.objects.get(pk=companies[2].pk).city == "Oslo"


def test_bad_bulk_values_fail_the_job_and_change_nothing(setup, staff_user):
    company = CompanyFactory(city="Oslo")
    job = _run(company_bulk_update.start(user=staff_user, ids=[company.pk], values={"no": "X"}))
    assert job.state == "failed"
    assert "cannot be changed for many companies at once" in job.errors[0]
    assert Contact.objects.get(pk=company.pk).no != "X"


def test_cancelling_a_queued_job_ends_it_and_frees_its_key(staff_user, admin_user):
    job = rebuild_search_strings.start(user=staff_user)
    job = services.job_cancel(job=job, user=staff_user)
    assert (job.state, job.cancel_requested_by) == ("cancelled", staff_user)
    assert runner.run_job(job.pk, heartbeat=False) == {"skipped": "cancelled"}
    assert rebuild_search_strings.start(user=staff_user).state == "queued"
    with pytest.raises(ValidationError):
        services.job_cancel(job=job, user=staff_user)  # already ended


def test_only_the_starter_and_administrators_may_cancel(staff_user, admin_user, django_user_model):
    from django.contrib.auth.models import Group

    from crm_site.roles import STAFF

    colleague = django_user_model.objects.create_user("colleague", password="pw-x-12345")
    colleague.groups.add(Group.objects.get(name=STAFF))
    job = rebuild_search_strings.start(user=staff_user)
    with pytest.raises(PermissionDenied):
        services.job_cancel(job=job, user=colleague)
    assert services.job_cancel(job=job, user=admin_user).state == "cancelled"


def test_a_running_job_stops_at_its_next_progress_point_and_rolls_the_batch_back(
    setup, monkeypatch
):
    companies = [CompanyFactory(city="Oslo") for _ in range(2)]
    job = company_bulk_update.start(ids=[c.pk for c in companies], values={"city": "Bergen"})
    real_update = contacts_services.company_bulk_update

    def update_then_cancel(**kwargs):
        count = real_update(**kwargs)
        Job.objects.filter(pk=job.pk).update(cancel_requested_at=timezone.now())
        return count

    monkeypatch.setattr(contacts_services, "company_bulk_update", update_then_cancel)
    monkeypatch.setattr(runner.JobContext, "flush_due", lambda self: True)
    job = _run(job)
    assert job.state == "cancelled"
    cities = Contact.objects.filter(pk__in=[c.pk for c in companies]).values_list("city", flat=True)
    assert set(cities) == {"Oslo"}  # the batch was updated, then rolled back


def _running(job: Job, *, beat_ago: float, pid: int | None = None, host=runner.HOST) -> Job:
    Job.objects.filter(pk=job.pk).update(
        state="running",
        attempts=1,
        heartbeat_at=timezone.now() - timedelta(seconds=beat_ago),
        worker_host=host,
        worker_pid=pid,
    )
    DBTaskResult.objects.filter(id=job.task_id).update(status="RUNNING")
    job.refresh_from_db()
    return job


def test_a_job_without_heartbeat_is_failed_or_queued_again(settings):
    settings.JOBS_STALE_SECONDS = 60
    lost = _running(hold.start(seconds=1), beat_ago=61, host="elsewhere")
    alive = _running(hold.start(seconds=1, key="b"), beat_ago=30, host="elsewhere")
    retried = _running(rebuild_search_strings.start(), beat_ago=61, host="elsewhere")
    assert services.jobs_recover_stale() == 2
    lost.refresh_from_db()
    alive.refresh_from_db()
    retried.refresh_from_db()
    assert lost.state == "failed" and "stopped before the job finished" in lost.errors[0]
    assert DBTaskResult.objects.get(id=lost.task_id).status == "FAILED"
    assert alive.state == "running"  # another machine's worker may just be slow
    assert retried.state == "queued" and "attempt 2 of 2" in retried.notes[0]
    assert DBTaskResult.objects.get(id=retried.task_id).status == "READY"
    # Lost twice: no attempt left.
    retried = _running(retried, beat_ago=61, host="elsewhere")
    Job.objects.filter(pk=retried.pk).update(attempts=2)
    retried.refresh_from_db()
    assert services.jobs_recover_stale() == 1
    retried.refresh_from_db()
    assert retried.state == "failed"


def test_a_gone_process_on_this_machine_is_noticed_before_the_stale_limit(settings):
    settings.JOBS_STALE_SECONDS = 60
    gone = _running(hold.start(seconds=1), beat_ago=1, pid=2**22 + 12345)
    here = _running(hold.start(seconds=1, key="x"), beat_ago=1, pid=__import__("os").getpid())
    assert services.jobs_recover_stale() == 1
    gone.refresh_from_db()
    here.refresh_from_db()
    assert (gone.state, here.state) == ("failed", "running")


def test_cleanup_runs_when_a_job_is_lost(settings, monkeypatch):
    seen = []
    task = runner.task_for("tests.jobs.kinds.hold")
    monkeypatch.setattr(
        "jobs.runner._tasks",
        {"tests.jobs.kinds.hold": runner.dataclasses.replace(task, cleanup=seen.append)},
    )
    lost = _running(hold.start(seconds=1), beat_ago=120, host="elsewhere")
    services.jobs_recover_stale()
    assert [job.pk for job in seen] == [lost.pk]


def test_db_worker_is_ours():
    from django.core.management import get_commands

    assert get_commands()["db_worker"] == "jobs"
