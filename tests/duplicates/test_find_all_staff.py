"""9.6: staff may start the full duplicate search from the duplicates page (a job)."""

import pytest
from django.urls import reverse

from duplicates.tasks import find_duplicates
from jobs.models import Job

pytestmark = pytest.mark.django_db


def test_staff_start_the_full_search_from_the_duplicates_page(staff_client, setup):
    page = staff_client.get(reverse("duplicates:list")).content.decode()
    assert 'id="find-all-duplicates"' in page
    assert reverse("duplicates:rebuild") not in page  # rebuilding stays with administrators
    response = staff_client.post(reverse("duplicates:find_all"))
    job = Job.objects.get(kind=find_duplicates.module_path)
    assert response.url == job.get_absolute_url()
