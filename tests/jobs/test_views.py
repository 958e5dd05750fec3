"""The Jobs page: who sees which jobs, live progress (htmx), cancel; pages that start
long work queue a job and send the user to it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from duplicates.models import ContactDuplicate, MatchModel
from duplicates.tasks import estimate_model, find_duplicates, rebuild_search_strings
from jobs import runner
from jobs.models import Job
from marketing_setup.models import MarketingSetup
from tests.conftest import PASSWORD
from tests.duplicates.factories import cannon_pair
from tests.jobs.kinds import hold

pytestmark = pytest.mark.django_db


def _run(job: Job) -> Job:
    runner.run_job(job.pk, heartbeat=False)
    job.refresh_from_db()
    return job


@pytest.fixture
def other_staff(django_user_model):
    from django.contrib.auth.models import Group

    from crm_site.roles import STAFF

    user = django_user_model.objects.create_user("other", password=PASSWORD)
    user.groups.add(Group.objects.get(name=STAFF))
    return user


def test_staff_see_their_own_jobs_and_administrators_all(
    client, staff_user, admin_user, other_staff
):
    mine = hold.start(user=staff_user, seconds=0, key="a")
    theirs = hold.start(user=other_staff, seconds=0, key="b")
    client.force_login(staff_user)
    page = client.get(reverse("jobs:list")).content.decode()
    assert f'id="job-{mine.pk}"' in page and f'id="job-{theirs.pk}"' not in page
    assert client.get(reverse("jobs:detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("jobs:cancel", args=[theirs.pk])).status_code == 404
    client.force_login(admin_user)
    page = client.get(reverse("jobs:list")).content.decode()
    assert f'id="job-{mine.pk}"' in page and f'id="job-{theirs.pk}"' in page
    assert "other" in page  # the starter's column


def test_the_menu_links_the_jobs_page(staff_client):
    page = staff_client.get(reverse("home")).content.decode()
    assert f'href="{reverse("jobs:list")}"' in page


def test_a_user_without_a_role_cannot_open_the_page(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("norole", password=PASSWORD))
    assert client.get(reverse("jobs:list")).status_code == 403


def test_the_detail_polls_while_the_job_is_active_and_stops_when_it_ended(staff_client, staff_user):
    job = hold.start(user=staff_user, seconds=0, steps=4)
    url = reverse("jobs:detail", args=[job.pk])
    page = staff_client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page and "Queued" in page
    partial = staff_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith("<section") and 'hx-trigger="every' in partial
    _run(job)
    partial = staff_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial
    assert "Finished" in partial
    assert 'max="4" value="4"' in partial
    assert "job-cancel" not in partial


def test_the_list_polls_only_while_a_job_on_it_is_active(staff_client, staff_user):
    job = hold.start(user=staff_user, seconds=0)
    assert 'hx-trigger="every' in staff_client.get(reverse("jobs:list")).content.decode()
    _run(job)
    page = staff_client.get(reverse("jobs:list")).content.decode()
    assert 'hx-trigger="every' not in page
    assert staff_client.get(reverse("jobs:list"), {"state": "active"}).context["jobs"] == []


def test_the_starter_cancels_a_queued_job_other_staff_may_not(
    client, staff_user, other_staff, admin_user
):
    job = hold.start(user=staff_user, seconds=0, key="x")
    client.force_login(staff_user)
    assert "job-cancel" in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    response = client.post(reverse("jobs:cancel", args=[job.pk]), follow=True)
    assert f"Job {job.pk} was cancelled." in response.content.decode()
    assert Job.objects.get(pk=job.pk).state == Job.State.CANCELLED
    # Cancelling again: told it ended, nothing else.
    response = client.post(reverse("jobs:cancel", args=[job.pk]), follow=True)
    assert "This job has already ended." in response.content.decode()
    # An administrator may cancel anyone's job.
    second = hold.start(user=other_staff, seconds=0, key="y")
    client.force_login(admin_user)
    client.post(reverse("jobs:cancel", args=[second.pk]))
    assert Job.objects.get(pk=second.pk).state == Job.State.CANCELLED


def test_a_cancel_of_a_running_job_is_shown_as_cancelling(staff_client, staff_user):
    job = hold.start(user=staff_user, seconds=0)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, heartbeat_at=job.created_at)
    response = staff_client.post(reverse("jobs:cancel", args=[job.pk]), follow=True)
    page = response.content.decode()
    assert "stops after its current step" in page
    assert "Cancelling" in page and "job-cancel" not in page


def test_errors_and_the_result_summary_are_shown(staff_client, staff_user, setup):
    job = find_duplicates.start(user=staff_user, method="nonsense")
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.FAILED, errors=["Something was wrong with row 3."]
    )
    page = staff_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Something was wrong with row 3." in page and "Failed" in page


def test_the_page_in_norwegian(staff_client, staff_user):
    job = hold.start(user=staff_user, seconds=0)
    with translation.override("nb"):
        page = staff_client.get(
            reverse("jobs:detail", args=[job.pk]), headers={"Accept-Language": "nb"}
        ).content.decode()
    assert "I kø" in page or "Venter" in page
    assert "Avbryt jobben" in page


# --- Pages that start long work --------------------------------------------------------


def test_rebuild_from_the_duplicates_page_queues_a_job_and_goes_to_it(
    admin_client, admin_user, setup
):
    MarketingSetup.objects.update(maintain_search_strings=False, autosearch_for_duplicates=False)
    cannon_pair()
    response = admin_client.post(reverse("duplicates:rebuild"))
    job = Job.objects.get()
    assert response.url == job.get_absolute_url()
    assert (job.kind, job.params, job.started_by) == (
        rebuild_search_strings.module_path,
        {"find": True},
        admin_user,
    )
    assert not ContactDuplicate.objects.exists()  # nothing done in the request
    page = admin_client.get(response.url).content.decode()
    assert f"queued as job {job.pk}" in page
    _run(job)
    page = admin_client.get(response.url).content.decode()
    assert "Search strings rebuilt for 2 companies." in page
    assert ContactDuplicate.objects.count() == 1


def test_a_second_start_while_one_runs_links_the_running_job(admin_client, admin_user, setup):
    first = find_duplicates.start(user=admin_user)
    response = admin_client.post(reverse("duplicates:find_all"), follow=True)
    page = response.content.decode()
    assert "is already queued or running" in page
    assert f'href="{first.get_absolute_url()}"' in page
    assert Job.objects.count() == 1


def test_staff_may_not_start_the_duplicate_jobs(staff_client, setup):
    # The full search itself staff may start (9.6: tests/duplicates/test_find_all_staff.py).
    for name in ("duplicates:rebuild", "duplicates:estimate"):
        assert staff_client.post(reverse(name)).status_code == 403
    assert not Job.objects.exists()


def test_estimate_from_the_setup_page_is_a_job_and_the_page_links_it(admin_client, setup):
    response = admin_client.post(reverse("duplicates:estimate"))
    job = Job.objects.get(kind=estimate_model.module_path)
    assert response.url == job.get_absolute_url()
    page = admin_client.get(reverse("marketing_setup:setup")).content.decode()
    assert f'href="{job.get_absolute_url()}"' in page
    _run(job)
    assert MatchModel.objects.count() == 1
    page = admin_client.get(reverse("marketing_setup:setup")).content.decode()
    assert "Default weights in use (set on" in page
    assert "duplicate-model-job" not in page


def test_create_contacts_from_customers_is_a_job_from_the_relations_page(staff_client, staff_user):
    from relations.models import Customer
    from relations.tasks import create_contacts
    from tests.relations.factories import setup_sync

    setup_sync(vendors=False, banks=False)
    Customer.objects.create(no="K1", name="Kunde En AS", search_name="KUNDE EN AS")
    page = staff_client.get(reverse("relations:list")).content.decode()
    assert 'id="create-contacts"' in page
    response = staff_client.post(reverse("relations:create_contacts", args=["customer"]))
    job = Job.objects.get()
    assert response.url == job.get_absolute_url()
    assert (job.kind, job.params) == (create_contacts.module_path, {"link_to": "customer"})
    _run(job)
    page = staff_client.get(response.url).content.decode()
    assert "1 contact created." in page
    # Nothing left to create: said so, no job.
    response = staff_client.post(
        reverse("relations:create_contacts", args=["customer"]), follow=True
    )
    assert "has a contact already" in response.content.decode()
    assert Job.objects.count() == 1


def test_create_contacts_without_the_setup_code_says_what_to_set(staff_client, setup):
    from relations.models import Vendor

    Vendor.objects.create(no="V1", name="Lev AS", search_name="LEV AS")
    response = staff_client.post(reverse("relations:create_contacts", args=["vendor"]), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith("?tab=vendors")
    assert not Job.objects.exists()
    assert staff_client.post("/relations/create-contacts/nonsense/").status_code == 404


def test_a_large_bulk_assignment_on_the_contact_list_is_a_job(
    staff_client, staff_user, setup, monkeypatch
):
    from contacts import views
    from contacts.models import Contact
    from contacts.tasks import contacts_bulk_assign
    from tests.factories import SalespersonFactory

    monkeypatch.setattr(views, "BULK_JOB_THRESHOLD", 1)
    SalespersonFactory(code="JO")
    fjord = Contact.objects.create(no="C1", name="Fjord AS")
    Contact.objects.create(no="P1", type="person", name="Kari Nordmann", company=fjord)
    Contact.objects.create(no="C2", name="Berg BV")
    response = staff_client.post(
        "/contacts/bulk/",
        {"action": "assign_salesperson", "salesperson": "JO", "all_matching": "1"},
    )
    job = Job.objects.get()
    assert response.url == job.get_absolute_url()
    assert (job.kind, job.params["field"], job.params["value"]) == (
        contacts_bulk_assign.module_path,
        "salesperson",
        "JO",
    )
    assert not Contact.objects.filter(salesperson="JO").exists()  # nothing in the request
    _run(job)
    assert set(Contact.objects.values_list("no", "salesperson")) == {
        ("C1", "JO"),
        ("C2", "JO"),
        ("P1", "JO"),
    }
    page = staff_client.get(response.url).content.decode()
    assert "Salesperson assigned to 2 companies and 1 person;" in page
    # Selected rows (below the limit of the page) are assigned in the request as before.
    monkeypatch.setattr(views, "BULK_JOB_THRESHOLD", 10)
    SalespersonFactory(code="KA")
    staff_client.post(
        "/contacts/bulk/",
        {"action": "assign_salesperson", "salesperson": "KA", "selected": ["C2"]},
    )
    assert Contact.objects.get(no="C2").salesperson_id == "KA"
    assert Job.objects.count() == 1


def test_a_bulk_job_whose_value_was_deleted_fails_clearly_and_changes_nothing(staff_user, setup):
    from contacts.models import Contact
    from contacts.tasks import contacts_bulk_assign

    Contact.objects.create(no="C1", name="Fjord AS")
    job = _run(
        contacts_bulk_assign.start(user=staff_user, field="territory", value="GONE", nos=["C1"])
    )
    assert job.state == Job.State.FAILED
    assert job.errors == ["Territory GONE does not exist any more; nothing was changed."]


def test_the_duplicates_page_links_a_running_search(staff_client, admin_user, setup):
    job = find_duplicates.start(user=admin_user)
    page = staff_client.get(reverse("duplicates:list")).content.decode()
    assert 'id="duplicates-job"' in page and f'href="{job.get_absolute_url()}"' in page
    _run(job)
    page = staff_client.get(reverse("duplicates:list")).content.decode()
    assert 'id="duplicates-job"' not in page
