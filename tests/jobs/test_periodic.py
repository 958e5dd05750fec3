"""The workers' periodic checks: the duplicate model is re-estimated by a job when the
data changed enough since its last estimate, and not otherwise."""

from __future__ import annotations

import time

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


def test_a_real_worker_queues_and_runs_the_re_estimation_by_itself(workers, setup):
    """The wiring end to end: a `db_worker` process whose periodic check sees enough new
    decisions queues the estimate job and runs it; the setup page then shows its date."""
    from duplicates import linkage
    from duplicates.models import PairDecision
    from tests.jobs.conftest import wait_for

    PairDecision.objects.bulk_create(
        PairDecision(
            contact_no=f"A{n}",
            duplicate_no=f"B{n}",
            same=n % 2 == 0,
            source=PairDecision.Source.REVIEW,
            levels=[0] * len(linkage.COMPARISONS),
        )
        for n in range(linkage.MIN_LABELS_TO_CALIBRATE)
    )
    workers.env["JOBS_PERIODIC_SECONDS"] = "0.3"
    workers.start()
    job = wait_for(
        lambda: Job.objects.filter(kind=estimate_model.module_path).first(),
        timeout=90,
        what="the periodic check to queue the estimate",
    )
    wait_for(
        lambda: Job.objects.get(pk=job.pk).state == Job.State.SUCCEEDED,
        timeout=90,
        what=f"the estimate to finish ({workers.output()[-2000:]})",
    )
    row = MatchModel.objects.get()
    assert row.labelled_pairs == linkage.MIN_LABELS_TO_CALIBRATE
    # Up to date now: the next checks queue nothing more.
    time.sleep(1.0)
    assert Job.objects.filter(kind=estimate_model.module_path).count() == 1
