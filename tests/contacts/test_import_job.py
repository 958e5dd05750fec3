"""Contact imports as background jobs (issues 9.7, 10.2/10.3): the upload kept in the
database, the job kind run in this process and by real `db_worker` processes (progress,
gap-free numbers, a SIGKILL mid-import, two imports drawing from one series)."""

from __future__ import annotations

import io
import time

import pytest
from django.db import connection

from contacts.models import Contact, ImportUpload, ImportUploadChunk
from contacts.tasks import import_contacts_file
from contacts.uploads import (
    import_upload_chunks,
    import_upload_store,
    import_uploads_purge,
)
from jobs import services as job_services
from jobs.models import Job
from jobs.runner import run_job
from tabular.reading import TableError, open_table
from tests.jobs.conftest import wait_for, workers  # noqa: F401 (a fixture)


def contacts_csv(companies: int, persons_each: int = 1, *, bad: int = 0) -> bytes:
    """A file of `companies` companies (keys K1…) with persons; `bad` rows have an
    unknown territory code."""
    lines = ["type,no,name,company_no,first_name,surname,city,territory_code,email"]
    for n in range(1, companies + 1):
        territory = "NOPE" if n <= bad else ""
        lines.append(f"company,K{n},Firma {n} AS,,,,Bergen,{territory},post{n}@firma{n}.no")
        for p in range(persons_each):
            lines.append(f"person,,,K{n},Ola{p},Nordmann{n},,,")
    return ("\n".join(lines) + "\n").encode()


def store(data: bytes, name: str = "contacts.csv", owner=None) -> ImportUpload:
    pieces = [data[i : i + 7000] for i in range(0, len(data), 7000)]
    return import_upload_store(chunks=pieces, name=name, owner=owner)


def numbers() -> list[str]:
    return sorted(Contact.objects.values_list("no", flat=True))


def gap_free(count: int) -> list[str]:
    return [f"CT{n:06d}" for n in range(1, count + 1)]


# --- the upload record ---------------------------------------------------------------


@pytest.mark.django_db
def test_an_upload_keeps_its_bytes_in_chunks_and_old_ones_are_purged(monkeypatch):
    monkeypatch.setattr("contacts.uploads.CHUNK_BYTES", 1000)
    data = bytes(range(256)) * 20  # 5,120 bytes
    upload = store(data, name="../../etc/x.csv")
    assert upload.name == "x.csv"  # a name, never a path
    assert upload.size == len(data)
    assert ImportUploadChunk.objects.filter(upload=upload).count() == 6
    assert b"".join(import_upload_chunks(upload)) == data

    assert import_uploads_purge() == 0  # a fresh one stays
    ImportUpload.objects.filter(pk=upload.pk).update(created_at="2020-01-01T00:00:00Z")
    assert import_uploads_purge() == 1
    assert not ImportUploadChunk.objects.exists()


# --- the job kind, run in this process ---------------------------------------------------


@pytest.mark.django_db
def test_an_import_job_imports_the_stored_file_with_gap_free_numbers(full_setup, staff_user):
    upload = store(contacts_csv(30, 2), owner=staff_user)
    job = import_contacts_file.start(
        user=staff_user, upload=upload.pk, name="contacts.csv", renumber=True
    )
    assert job.label == "Import contacts from contacts.csv"
    run_job(job.pk, heartbeat=False)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.errors
    assert job.progress_done == job.progress_total == 90
    assert job.result["companies_created"] == 30
    assert job.result["persons_created"] == 60
    assert job.summary == "30 companies and 60 persons created, 0 bad rows skipped."
    assert numbers() == gap_free(90)
    person = Contact.objects.get(first_name="Ola0", surname="Nordmann7")
    assert person.company.name == "Firma 7 AS"
    assert not ImportUpload.objects.exists()  # removed when the job ended
    texts = [text for text, _url in job.links]
    assert "See the imported contacts" in texts
    assert "See the possible duplicates" in texts
    event_url = dict((t, u) for t, u in job.links)["See the imported contacts"]
    assert event_url == f"/history/events/{job.result['event']}/"


@pytest.mark.django_db
def test_bad_rows_fail_the_job_with_the_errors_grouped_and_write_nothing(full_setup, staff_user):
    upload = store(contacts_csv(10, 0, bad=3))
    job = import_contacts_file.start(user=staff_user, upload=upload.pk, name="contacts.csv")
    run_job(job.pk, heartbeat=False)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.errors[0].startswith("3 of 10 rows have errors; nothing was imported.")
    assert "Territory – Unknown territory code: 3 (lines 2, 3, 4)" in job.errors
    assert not Contact.objects.exists()
    assert not ImportUpload.objects.exists()


@pytest.mark.django_db
def test_skipping_bad_rows_imports_the_rest_and_lists_what_was_skipped(full_setup, staff_user):
    upload = store(contacts_csv(10, 0, bad=3))
    job = import_contacts_file.start(
        user=staff_user, upload=upload.pk, name="contacts.csv", skip_bad_rows=True
    )
    run_job(job.pk, heartbeat=False)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.errors
    assert job.result["companies_created"] == 7
    assert job.result["bad_rows"] == 3
    assert job.errors == ["Territory – Unknown territory code: 3 (lines 2, 3, 4)"]


@pytest.mark.django_db
def test_missing_codes_are_created_when_the_job_is_told_to(full_setup, staff_user):
    upload = store(contacts_csv(4, 0, bad=2))
    job = import_contacts_file.start(
        user=staff_user,
        upload=upload.pk,
        name="contacts.csv",
        create_missing_codes=["territory_code:NOPE"],
    )
    run_job(job.pk, heartbeat=False)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.errors
    assert job.result["codes_created"] == ["territory_code:NOPE"]
    assert Contact.objects.filter(territory_id="NOPE").count() == 2


@pytest.mark.django_db
def test_a_file_that_is_not_a_table_fails_the_job_with_the_readers_message(full_setup, staff_user):
    data = b"\x00\x01\x02binary" * 50
    with pytest.raises(TableError) as reader:
        open_table(io.BytesIO(data), name="contacts.csv")
    upload = store(data, name="contacts.csv")
    job = import_contacts_file.start(user=staff_user, upload=upload.pk, name="contacts.csv")
    run_job(job.pk, heartbeat=False)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.errors == [str(reader.value)]
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_an_upload_that_is_gone_fails_the_job_with_a_clear_message(full_setup, staff_user):
    job = import_contacts_file.start(user=staff_user, upload=999999, name="contacts.csv")
    run_job(job.pk, heartbeat=False)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.errors == [
        "The uploaded file is no longer there (uploads are kept for a day). Upload it again."
    ]


@pytest.mark.django_db
def test_a_cancelled_queued_import_removes_its_upload(full_setup, staff_user):
    upload = store(contacts_csv(3))
    job = import_contacts_file.start(user=staff_user, upload=upload.pk, name="contacts.csv")
    job_services.job_cancel(job=job, user=staff_user)
    assert not ImportUpload.objects.exists()


# --- real workers ----------------------------------------------------------------------


def _state(job: Job) -> Job:
    return Job.objects.get(pk=job.pk)


def test_a_worker_runs_an_import_job_progress_reaches_the_total(
    workers,  # noqa: F811
    full_setup,
    staff_user,
):
    upload = store(contacts_csv(1500, 1), owner=staff_user)
    job = import_contacts_file.start(
        user=staff_user, upload=upload.pk, name="big.csv", renumber=True
    )
    worker = workers.start()
    seen = []

    def ended():
        now = _state(job)
        seen.append((now.state, now.progress_done))
        return not now.is_active

    wait_for(ended, timeout=120, interval=0.02, what="the import job")
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, (job.errors, workers.output())
    if connection.vendor == "postgresql":
        # Progress shows while the rows are written. On SQLite the worker's progress
        # writes wait for the import's write transaction (one writer at a time, a known
        # limit in the README), so a fast import may jump from 0 to its total.
        assert any(state == Job.State.RUNNING and 0 < done < 3000 for state, done in seen)
    assert job.progress_done == job.progress_total == 3000
    assert numbers() == gap_free(3000)
    assert Contact.objects.filter(type=Contact.Type.PERSON, company__isnull=True).count() == 0
    # 1,500 companies are more than the import searches itself: a follow-up job does.
    [follow] = job.result["followups"]
    wait_for(lambda: not _state(Job(pk=follow["job"])).is_active, timeout=120, what="follow-up")
    searched = Job.objects.get(pk=follow["job"])
    assert searched.state == Job.State.SUCCEEDED, (searched.errors, workers.output())
    assert searched.result["companies"] == 1500
    assert searched.started_by == staff_user
    assert ("See the possible duplicates", "/duplicates/") in searched.links
    workers.stop(worker)


def test_a_worker_killed_mid_import_leaves_no_contacts_and_a_failed_job(
    workers,  # noqa: F811
    full_setup,
    staff_user,
):
    upload = store(contacts_csv(8000, 2))
    job = import_contacts_file.start(
        user=staff_user, upload=upload.pk, name="big.csv", renumber=True
    )
    worker = workers.start()
    wait_for(lambda: _state(job).progress_done >= 1000, timeout=120, what="progress")
    workers.kill(worker)
    time.sleep(0.4)  # three heartbeats of the tests' workers
    assert job_services.jobs_recover_stale() == 1  # as the Jobs page and the workers do
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "stopped before the job finished" in job.errors[0]
    assert not Contact.objects.exists()
    assert not ImportUpload.objects.exists()  # the cleanup removed the upload


def test_two_imports_drawing_from_one_series_do_not_run_at_once(
    workers,  # noqa: F811
    full_setup,
    staff_user,
):
    pool = [workers.start(), workers.start()]
    wait_for(lambda: workers.output().count("Starting worker") == 2, timeout=60, what="workers")
    first = import_contacts_file.start(
        user=staff_user, upload=store(contacts_csv(1000)).pk, name="one.csv", renumber=True
    )
    second = import_contacts_file.start(
        user=staff_user, upload=store(contacts_csv(50)).pk, name="two.csv", renumber=True
    )
    assert first.conflict_key == second.conflict_key == "numbering.series.CONT"
    wait_for(
        lambda: not _state(first).is_active and not _state(second).is_active,
        timeout=120,
        what="both imports",
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (Job.State.SUCCEEDED, Job.State.SUCCEEDED), (
        first.errors,
        second.errors,
    )
    # Whichever a worker took first, the other started only after it had finished.
    one, two = sorted([first, second], key=lambda j: j.started_at)
    assert one.finished_at <= two.started_at
    assert numbers() == gap_free(2100)
    for process in pool:
        workers.stop(process)
