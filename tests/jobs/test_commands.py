"""Commands run inline by default and take `--background` to queue a job instead."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from duplicates.models import ContactDuplicate
from duplicates.tasks import estimate_model, find_duplicates, rebuild_search_strings
from jobs import runner
from jobs.models import Job
from marketing_setup.models import MarketingSetup
from relations.tasks import create_contacts
from tests.duplicates.factories import cannon_pair
from tests.relations.factories import setup_sync

pytestmark = pytest.mark.django_db


def _call(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_rebuild_in_the_background_queues_a_job_and_says_where_to_follow_it(setup):
    MarketingSetup.objects.update(maintain_search_strings=False, autosearch_for_duplicates=False)
    cannon_pair()
    out = _call("rebuild_search_strings", "--find", "--background")
    job = Job.objects.get()
    assert (job.kind, job.params, job.origin, job.started_by) == (
        rebuild_search_strings.module_path,
        {"find": True},
        Job.Origin.COMMAND,
        None,
    )
    assert f"queued as job {job.pk}" in out
    assert f"/jobs/{job.pk}/" in out and f"job_status {job.pk} --wait" in out
    assert not ContactDuplicate.objects.exists()  # nothing ran here
    runner.run_job(job.pk, heartbeat=False)
    assert ContactDuplicate.objects.count() == 1
    status = _call("job_status", str(job.pk))
    assert "Finished" in status and "Search strings rebuilt for 2 companies." in status


def test_without_background_the_command_runs_inline(setup):
    MarketingSetup.objects.update(maintain_search_strings=False, autosearch_for_duplicates=False)
    cannon_pair()
    assert "Search strings rebuilt for 2 companies." in _call("rebuild_search_strings")
    assert not Job.objects.exists()


def test_the_other_commands_queue_their_jobs(setup):
    _call("find_duplicates", "--background", "--method", "reference")
    job = Job.objects.get()
    assert (job.kind, job.params) == (find_duplicates.module_path, {"method": "reference"})
    runner.run_job(job.pk, heartbeat=False)
    _call("estimate_duplicate_model", "--force", "--background")
    assert Job.objects.filter(kind=estimate_model.module_path, params={"force": True}).exists()
    setup_sync(vendors=False, banks=False)
    _call("create_contacts_from_entities", "customer", "--commit", "--background")
    job = Job.objects.get(kind=create_contacts.module_path)
    assert job.params == {"link_to": "customer"}


def test_a_conflicting_job_or_options_that_work_only_inline_are_refused(setup):
    first = find_duplicates.start()
    with pytest.raises(CommandError, match=f"already queued or running \\(job {first.pk}\\)"):
        _call("rebuild_search_strings", "--background")
    with pytest.raises(CommandError, match="leave out --contact and --output"):
        _call("find_duplicates", "--background", "--output", "/tmp/pairs.csv")
    setup_sync(vendors=False, banks=False)
    with pytest.raises(CommandError, match="add --commit"):
        _call("create_contacts_from_entities", "customer", "--background")
    assert Job.objects.count() == 1


def test_job_status_of_a_failed_or_unknown_job(setup):
    job = find_duplicates.start()
    Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED, errors=["It broke."])
    err = StringIO()
    with pytest.raises(CommandError, match=rf"Job {job.pk} failed\."):
        call_command("job_status", str(job.pk), stdout=StringIO(), stderr=err)
    assert "It broke." in err.getvalue()
    with pytest.raises(CommandError, match=r"There is no job 999\."):
        _call("job_status", "999")
