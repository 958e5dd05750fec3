"""/api/v1/jobs/: staff read their own jobs, administrators all (state, progress,
result, errors); cancel by the starter or an administrator."""

from __future__ import annotations

import pytest

from jobs import runner
from jobs.models import Job
from tests.api.conftest import token_client
from tests.conftest import PASSWORD
from tests.jobs.kinds import hold

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_staff(django_user_model):
    from django.contrib.auth.models import Group

    from crm_site.roles import STAFF

    user = django_user_model.objects.create_user("other", password=PASSWORD)
    user.groups.add(Group.objects.get(name=STAFF))
    return user


def test_staff_read_their_own_jobs_administrators_all(
    staff_api, admin_api, staff_user, other_staff
):
    mine = hold.start(user=staff_user, seconds=0, steps=3, key="a")
    theirs = hold.start(user=other_staff, seconds=0, key="b")
    listed = staff_api.get("/api/v1/jobs/").json()["results"]
    assert [row["id"] for row in listed] == [mine.pk]
    assert staff_api.get(f"/api/v1/jobs/{theirs.pk}/").status_code == 404
    assert [row["id"] for row in admin_api.get("/api/v1/jobs/").json()["results"]] == [
        theirs.pk,
        mine.pk,
    ]
    row = listed[0]
    assert row["state"] == "queued" and row["started_by"] == "staff"
    assert (row["progress_done"], row["progress_total"], row["percent"]) == (0, None, None)

    runner.run_job(mine.pk, heartbeat=False)
    row = staff_api.get(f"/api/v1/jobs/{mine.pk}/").json()
    assert row["state"] == "succeeded"
    assert (row["progress_done"], row["progress_total"], row["percent"]) == (3, 3, 100)
    assert row["result"] == {"slept": 0} and row["errors"] == []
    assert row["finished_at"] is not None
    assert staff_api.get("/api/v1/jobs/", {"state": "queued"}).json()["results"] == []
    assert staff_api.get("/api/v1/jobs/", {"state": "nonsense"}).status_code == 400


def test_errors_and_the_summary_in_the_requests_language(staff_api, staff_user, setup):
    from duplicates.tasks import rebuild_search_strings

    job = rebuild_search_strings.start(user=staff_user)
    runner.run_job(job.pk, heartbeat=False)
    row = staff_api.get(f"/api/v1/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="nb").json()
    assert row["summary"] == "Søkestrenger bygget på nytt for 0 firmaer."
    assert row["label"] == "Bygg søkestrenger for dubletter på nytt"
    Job.objects.filter(pk=job.pk).update(state="failed", errors=["Row 3 is bad."])
    assert staff_api.get(f"/api/v1/jobs/{job.pk}/").json()["errors"] == ["Row 3 is bad."]


def test_cancel_by_the_starter_or_an_administrator(staff_api, admin_api, staff_user, other_staff):
    job = hold.start(user=staff_user, seconds=0, key="a")
    response = staff_api.post(f"/api/v1/jobs/{job.pk}/cancel/")
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    again = staff_api.post(f"/api/v1/jobs/{job.pk}/cancel/")
    assert again.status_code == 400
    assert again.json()["errors"][0]["detail"] == "This job has already ended."
    theirs = hold.start(user=other_staff, seconds=0, key="b")
    assert staff_api.post(f"/api/v1/jobs/{theirs.pk}/cancel/").status_code == 404
    assert admin_api.post(f"/api/v1/jobs/{theirs.pk}/cancel/").json()["state"] == "cancelled"


def test_without_a_role_or_sign_in_no_jobs(django_user_model):
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/jobs/").status_code == 401
    nobody = django_user_model.objects.create_user("nobody", password=PASSWORD)
    assert token_client(nobody).get("/api/v1/jobs/").status_code == 403
