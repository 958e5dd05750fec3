"""POST /api/v1/jobs/imports/ (issue 12: jobs, enqueue an import): a multipart file and
the import page's options queue an import job (202), whose progress and result the job
detail shows; a bad file is a 400 with the reader's message and queues nothing; the
import page's permission; the operation in the schema."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from rest_framework.test import APIClient

from contacts.models import Contact, ImportUpload
from jobs.models import Job
from jobs.runner import run_job
from tabular.reading import TableError, open_table
from tests.api.conftest import token_client
from tests.conftest import PASSWORD
from tests.contacts.test_import_job import contacts_csv

pytestmark = pytest.mark.django_db

URL = "/api/v1/jobs/imports/"


def _file(data: bytes, name: str = "contacts.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_an_import_is_queued_with_202_and_its_progress_read_from_the_job(
    staff_api, staff_user, numbered_setup
):
    response = staff_api.post(
        URL,
        {
            "file": _file(contacts_csv(6, 1)),
            "renumber": "true",
            "mapping": '{"city": "city", "email": ""}',
        },
        format="multipart",
    )
    assert response.status_code == 202, response.json()
    body = response.json()
    job = Job.objects.get()
    assert body["id"] == job.pk and body["state"] == "queued"
    assert body["label"] == "Import contacts from contacts.csv"
    assert response["Location"].endswith(f"/api/v1/jobs/{job.pk}/")
    assert job.origin == Job.Origin.API and job.started_by == staff_user
    assert job.params["mapping"] == {"city": "city", "email": ""}
    assert ImportUpload.objects.get().owner == staff_user

    run_job(job.pk, heartbeat=False)
    detail = staff_api.get(f"/api/v1/jobs/{job.pk}/").json()
    assert detail["state"] == "succeeded", detail["errors"]
    assert detail["progress_done"] == detail["progress_total"] == 12
    assert detail["percent"] == 100
    assert detail["result"]["companies_created"] == 6
    assert detail["summary"] == "6 companies and 6 persons created, 0 bad rows skipped."
    assert Contact.objects.filter(email="").count() == 12  # e-mail left out by the mapping


def test_rows_with_errors_fail_the_job_with_the_errors_in_the_requests_language(
    staff_api, numbered_setup
):
    response = staff_api.post(
        URL,
        {"file": _file(contacts_csv(5, 0, bad=1))},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="nb",
    )
    assert response.status_code == 202
    job = Job.objects.get()
    assert job.language == "nb"
    run_job(job.pk, heartbeat=False)
    detail = staff_api.get(f"/api/v1/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="nb").json()
    assert detail["state"] == "failed"
    assert detail["errors"][0].startswith("1 av 5 rader har feil; ingenting ble importert.")
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"", "contacts.csv"),
        (b"type,no,name\n", "contacts.csv"),  # a header only
        (b"\x00\x01\x02" * 100, "contacts.csv"),
        (b"PK\x03\x04 not really a workbook", "contacts.xlsx"),
    ],
)
def test_a_file_that_is_not_a_table_is_a_400_with_the_readers_message(
    staff_api, numbered_setup, data, name
):
    response = staff_api.post(
        URL, {"file": _file(data, name)}, format="multipart", HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    [error] = body["errors"]
    assert error["attr"] == "file"
    if data:
        with pytest.raises(TableError) as reader, translation.override("nl"):
            open_table(io.BytesIO(data), name=name)
        assert error["detail"] == str(reader.value)
        assert error["code"] == "unreadable_file"
    assert not Job.objects.exists()
    assert not ImportUpload.objects.exists()


def test_bad_options_are_field_errors(staff_api, numbered_setup):
    cases = [
        ({"mapping": "not json"}, "mapping"),
        ({"mapping": '["a"]'}, "mapping"),
        ({"mapping": '{"city": "no_such_field"}'}, "mapping"),
        ({"code_map": '{"x": 1}'}, "code_map"),
        ({"match": "sometimes"}, "match"),
        ({"colour": "red"}, "colour"),
    ]
    for extra, attr in cases:
        response = staff_api.post(
            URL, {"file": _file(contacts_csv(2)), **extra}, format="multipart"
        )
        assert response.status_code == 400, extra
        assert [e["attr"] for e in response.json()["errors"]] == [attr], response.json()
    files = staff_api.post(
        URL, {"file": _file(contacts_csv(2), "contacts.pdf")}, format="multipart"
    )
    assert files.json()["errors"][0]["code"] == "format"
    missing = staff_api.post(URL, {}, format="multipart")
    assert missing.json()["errors"][0]["attr"] == "file"
    json_body = staff_api.post(URL, {"dry_run": True}, format="json")
    assert json_body.status_code == 415
    assert not Job.objects.exists()


def test_the_import_pages_permission_is_needed(django_user_model, numbered_setup):
    nobody = django_user_model.objects.create_user("reader", password=PASSWORD)
    response = token_client(nobody).post(URL, {"file": _file(contacts_csv(2))}, format="multipart")
    assert response.status_code == 403
    assert response.json()["type"] == "client_error"
    anonymous = APIClient().post(URL, {"file": _file(contacts_csv(2))}, format="multipart")
    assert anonymous.status_code == 401
    assert not Job.objects.exists()
    # The staff role (it may import on the page) may.
    nobody.groups.add(Group.objects.get(name="Back-office staff"))
    nobody = django_user_model.objects.get(pk=nobody.pk)
    ok = token_client(nobody).post(URL, {"file": _file(contacts_csv(2))}, format="multipart")
    assert ok.status_code == 202


def test_the_operation_is_in_the_schema_with_its_fields_described(staff_api):
    schema = staff_api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/jobs/imports/"]["post"]
    assert "Queue an import of contacts" in operation["description"]
    assert set(operation["responses"]) >= {"202", "400", "401", "403"}
    assert "multipart/form-data" in operation["requestBody"]["content"]
    request = schema["components"]["schemas"]["ImportJobRequestRequest"]
    assert request["properties"]["file"]["format"] == "binary"
    assert request["required"] == ["file"]
    for name, prop in request["properties"].items():
        assert prop.get("description"), name
