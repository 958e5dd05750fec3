"""The import page's large-file path (issue 9.7): a file of more than
IMPORT_BACKGROUND_ROWS rows is stored in the database, previewed from its first rows,
and imported by a job whose page shows the progress and links what it made; and
`import_contacts --background`."""

from __future__ import annotations

import io
import shutil
from io import StringIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from contacts.models import Contact, ImportUpload
from jobs.models import Job
from jobs.runner import run_job
from tests.contacts.test_import_job import contacts_csv, gap_free, numbers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_threshold(settings, tmp_path):
    settings.IMPORT_BACKGROUND_ROWS = 10
    settings.IMPORT_UPLOAD_ROOT = str(tmp_path / "uploads")


def upload(client, data: bytes, name: str = "contacts.csv", **extra):
    file = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post(reverse("contacts:import"), {"file": file, **extra})


def confirm(client, token: str, **extra):
    return client.post(reverse("contacts:import"), {"step": "confirm", "token": token, **extra})


def test_a_large_file_is_previewed_from_its_first_rows_and_imported_by_a_job(
    full_setup, staff_client, staff_user, tmp_path
):
    preview = upload(staff_client, contacts_csv(20, 1), renumber="on")
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "The file has more than 10 rows: this preview checked the first 10" in html
    assert "The import runs in the background" in html
    assert "Import in the background" in html
    assert len(preview.context["result"].preview) == 10
    stored = ImportUpload.objects.get()
    assert (stored.name, stored.owner, stored.size) == ("contacts.csv", staff_user, stored.size)
    assert not Contact.objects.exists()

    response = confirm(staff_client, preview.context["token"])
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", kwargs={"pk": job.pk})
    assert job.started_by == staff_user
    assert job.params["upload"] == stored.pk
    assert job.label == "Import contacts from contacts.csv"
    assert list((tmp_path / "uploads").iterdir()) == []  # the web machine keeps nothing
    page = staff_client.get(response["Location"]).content.decode()
    assert "Queued" in page and "was queued as job" in page

    run_job(job.pk, heartbeat=False)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.errors
    assert Contact.objects.count() == 40
    status = staff_client.get(response["Location"], headers={"HX-Request": "true"})
    text = status.content.decode()
    assert "20 companies and 20 persons created, 0 bad rows skipped." in text
    assert 'value="40"' in text and "40 of 40 (100 %)" in text
    assert f'href="/history/events/{job.result["event"]}/"' in text
    assert "See the imported contacts" in text
    assert f'href="{reverse("duplicates:list")}"' in text
    assert not ImportUpload.objects.exists()


def test_bad_rows_in_the_sample_offer_the_background_import_without_them(full_setup, staff_client):
    preview = upload(staff_client, contacts_csv(20, 0, bad=2))
    html = preview.content.decode()
    assert "Import in the background, skipping the bad rows" in html
    confirm(staff_client, preview.context["token"], skip_bad_rows="1")
    job = Job.objects.get()
    assert job.params["skip_bad_rows"] is True
    run_job(job.pk, heartbeat=False)
    job.refresh_from_db()
    assert job.result["companies_created"] == 18
    assert job.errors == ["Territory – Unknown territory code: 2 (lines 2, 3)"]


def test_a_missing_code_chosen_in_the_preview_is_created_by_the_job(full_setup, staff_client):
    preview = upload(staff_client, contacts_csv(20, 0, bad=2))
    token = preview.context["token"]
    [missing] = preview.context["missing"]
    again = staff_client.post(
        reverse("contacts:import"),
        {"step": "remap", "token": token, f"code:{missing['key']}": "__create__"}
        | {f"col_{i}": m["field"] for i, m in enumerate(preview.context["mapping_rows"])},
    )
    assert again.context["result"].bad_rows == 0
    confirm(staff_client, token)
    job = Job.objects.get()
    assert job.params["create_missing_codes"] == ["territory_code:NOPE"]
    run_job(job.pk, heartbeat=False)
    assert Contact.objects.filter(territory_id="NOPE").count() == 2


def test_the_sample_is_made_again_from_the_database_on_another_web_machine(
    full_setup, staff_client, tmp_path
):
    preview = upload(staff_client, contacts_csv(20, 0, bad=2))
    token = preview.context["token"]
    shutil.rmtree(tmp_path / "uploads")  # the next request reaches another machine
    errors = staff_client.get(reverse("contacts:import"), {"step": "errors", "token": token})
    lines = errors.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Line,Column,Error" and len(lines) == 3


def test_an_xlsx_file_goes_the_same_way(full_setup, staff_client):
    book = openpyxl.Workbook()
    sheet = book.active
    for line in contacts_csv(15, 0).decode().splitlines():
        sheet.append(line.split(","))
    data = io.BytesIO()
    book.save(data)
    preview = upload(staff_client, data.getvalue(), name="contacts.xlsx")
    assert preview.context["background"]
    confirm(staff_client, preview.context["token"])
    job = Job.objects.get()
    run_job(job.pk, heartbeat=False)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.errors
    assert job.result["companies_created"] == 15


def test_a_small_file_is_still_imported_at_once(full_setup, staff_client):
    preview = upload(staff_client, contacts_csv(5, 0))
    assert not preview.context["background"]
    assert not ImportUpload.objects.exists()
    confirm(staff_client, preview.context["token"])
    assert Contact.objects.count() == 5
    assert not Job.objects.exists()


def test_a_new_upload_removes_the_previous_pending_one(full_setup, staff_client):
    upload(staff_client, contacts_csv(20))
    upload(staff_client, contacts_csv(30))
    assert ImportUpload.objects.count() == 1


# --- the command -------------------------------------------------------------------------


def test_the_command_queues_the_import_with_background(full_setup, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_bytes(contacts_csv(12, 1))
    out = StringIO()
    call_command("import_contacts", str(path), "--background", "--renumber", stdout=out)
    job = Job.objects.get()
    text = out.getvalue()
    assert f"Import contacts from contacts.csv was queued as job {job.pk}." in text
    assert f"manage.py job_status {job.pk} --wait" in text
    assert job.origin == Job.Origin.COMMAND and job.started_by is None
    assert job.params["renumber"] is True
    assert not Contact.objects.exists()
    run_job(job.pk, heartbeat=False)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.errors
    assert numbers() == gap_free(24)


def test_the_command_refuses_a_bad_file_at_once_and_queues_nothing(full_setup, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_bytes(b"type,no,name\n")  # a header only
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_contacts", str(path), "--background", stdout=StringIO())
    assert not Job.objects.exists()
    assert not ImportUpload.objects.exists()
