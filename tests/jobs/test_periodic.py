"""The workers' periodic checks: the duplicate model is re-estimated by a job when the
data changed enough since its last estimate, and not otherwise."""

from __future__ import annotations

import pytest

from duplicates.models import MatchModel
from duplicates.tasks import estimate_model
from jobs import runner
from jobs.models import Job
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def test_the_model_is_re_estimated_by_a_job_when_the_companies_changed_enough(setup, monkeypatch):
    monkeypatch.setattr("duplicates.linkage.MIN_COMPANIES_TO_ESTIMATE", 5)
    for n in range(4):
        CompanyFactory(name=f"Firma {n} AS")
    runner.run_periodic()
    assert not Job.objects.exists()  # too few companies to learn from: defaults stay

    for n in range(4, 10):
        CompanyFactory(name=f"Firma {n} AS")
    runner.run_periodic()
    job = Job.objects.get()
    assert (job.kind, job.origin, job.started_by) == (
        estimate_model.module_path,
        Job.Origin.SYSTEM,
        None,
    )
    runner.run_periodic()  # another worker looks too: still one job
    assert Job.objects.count() == 1

    runner.run_job(job.pk, heartbeat=False)
    job.refresh_from_db()
    row = MatchModel.objects.get()
    assert (job.state, row.companies) == (Job.State.SUCCEEDED, 10)
    assert job.summary in (
        "Duplicate model estimated from 10 companies.",
        "Default duplicate weights stored (10 companies).",
    )
    runner.run_periodic()  # up to date now
    assert Job.objects.count() == 1

    # A fifth more companies: due again.
    for n in range(10, 13):
        CompanyFactory(name=f"Firma {n} AS")
    runner.run_periodic()
    assert Job.objects.filter(state=Job.State.QUEUED).count() == 1


def test_an_estimate_job_that_finds_the_model_up_to_date_changes_nothing(setup):
    job = estimate_model.start()
    runner.run_job(job.pk, heartbeat=False)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert job.summary == "The duplicate model is up to date; nothing estimated."
    assert not MatchModel.objects.exists()


def test_a_failing_periodic_check_does_not_stop_the_others(monkeypatch):
    calls = []
    monkeypatch.setattr(runner, "_periodic", {})

    def broken():
        raise RuntimeError("boom")

    runner.register_periodic("a.broken", broken)
    runner.register_periodic("b.fine", lambda: calls.append(1))
    runner.run_periodic()
    assert calls == [1]
