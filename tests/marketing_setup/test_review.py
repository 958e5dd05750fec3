"""Review findings on the setup page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_setup_page_links_to_duplicate_search_string_setup(admin_client, setup):
    """Reference 1.1: the page's action "Duplicate Search String Setup"."""
    response = admin_client.get(reverse("marketing_setup:setup"))
    url = reverse("admin:duplicates_duplicatesearchstringsetup_changelist")
    assert f'href="{url}"' in response.content.decode()
