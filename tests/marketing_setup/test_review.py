"""Review findings on the setup page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_setup_page_links_to_duplicate_search_string_setup(admin_client, setup):
    """Reference 1.1: the page's action "Duplicate Search String Setup"."""
    response = admin_client.get(reverse("marketing_setup:setup"))
    url = reverse("admin:duplicates_duplicatesearchstringsetup_changelist")
    assert f'href="{url}"' in response.content.decode()


def _post_data(setup, **changes):
    """The setup page's form as a browser would post it, with `changes`."""
    from django import forms

    from marketing_setup.forms import MarketingSetupForm

    form = MarketingSetupForm(instance=setup)
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    data.update(changes)
    return data


def test_changing_search_hit_pct_says_the_pairs_need_a_new_search(admin_client, setup):
    response = admin_client.post(
        reverse("marketing_setup:setup"), _post_data(setup, search_hit_pct="70"), follow=True
    )
    assert "run the duplicate search" in response.content.decode()
    setup.refresh_from_db()
    assert setup.search_hit_pct == 70


def test_saving_without_changing_search_hit_pct_says_nothing_about_it(admin_client, setup):
    response = admin_client.post(reverse("marketing_setup:setup"), _post_data(setup), follow=True)
    assert "run the duplicate search" not in response.content.decode()
