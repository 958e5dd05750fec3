"""The staff page /setup/marketing/ and the reference-data page."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import NoReverseMatch, reverse

from marketing_setup.models import MarketingSetup
from tests.conftest import PASSWORD
from tests.marketing_setup.test_forms import form_data

pytestmark = pytest.mark.django_db

URL = "/setup/marketing/"


def test_url_name():
    assert reverse("marketing_setup:setup") == URL


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_staff_see_it_read_only_and_may_not_save(staff_client, setup):
    response = staff_client.get(URL)
    assert response.status_code == 200
    assert 'id="read-only-note"' in response.content.decode()
    response = staff_client.post(URL, form_data(setup, search_hit_pct="90"))
    assert response.status_code == 403
    assert MarketingSetup.objects.get().search_hit_pct == 60


def test_view_only_user_sees_it_read_only(client, django_user_model):
    user = django_user_model.objects.create_user("viewer", password=PASSWORD)
    user.user_permissions.add(Permission.objects.get(codename="view_marketingsetup"))
    client.force_login(user)
    body = client.get(URL).content.decode()
    assert 'id="read-only-note"' in body and " disabled" in body


def test_a_user_without_the_view_permission_gets_403(client, django_user_model):
    user = django_user_model.objects.create_user("nobody", password=PASSWORD)
    client.force_login(user)
    assert client.get(URL).status_code == 403


def test_admin_sees_sections_in_order_on_empty_database(admin_client):
    response = admin_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    positions = [
        html.index(f"<legend>{title}</legend>")
        for title in (
            "Inheritance",
            "Defaults",
            "Interactions",
            "Synchronisation",
            "Numbering",
            "Duplicates",
            "Salutations",
        )
    ]
    assert positions == sorted(positions)
    assert 'name="search_hit_pct"' in html
    assert MarketingSetup.objects.count() == 1


def test_admin_saves_and_sees_success_message(admin_client, setup):
    response = admin_client.post(
        URL, form_data(setup, search_hit_pct="75", inherit_territory=False), follow=True
    )
    assert response.redirect_chain == [(URL, 302)]
    assert "Marketing Setup saved." in response.content.decode()
    stored = MarketingSetup.objects.get()
    assert stored.search_hit_pct == 75
    assert stored.inherit_territory is False


@pytest.mark.parametrize("value", ["0", "101"])
def test_invalid_search_hit_pct_shows_error_and_saves_nothing(admin_client, setup, value):
    response = admin_client.post(URL, form_data(setup, search_hit_pct=value, inherit_address=False))
    assert response.status_code == 200
    assert "Search Hit % must be between 1 and 100." in response.content.decode()
    stored = MarketingSetup.objects.get()
    assert stored.search_hit_pct == 60
    assert stored.inherit_address is True


def test_unticking_maintain_shows_note_and_saves_both_off(admin_client, setup):
    response = admin_client.post(URL, form_data(setup, maintain_search_strings=False), follow=True)
    html = response.content.decode()
    assert "Autosearch for duplicates was switched off as well" in html
    stored = MarketingSetup.objects.get()
    assert (stored.maintain_search_strings, stored.autosearch_for_duplicates) == (False, False)


def test_switching_maintain_on_asks_to_regenerate_with_a_button(admin_client, setup):
    setup.maintain_search_strings = setup.autosearch_for_duplicates = False
    setup.save()
    response = admin_client.post(URL, form_data(setup, maintain_search_strings=True), follow=True)
    html = response.content.decode()
    assert "generate the duplicate search strings" in html
    # The rebuild view is POST-only, so the message carries a small form, not a link.
    assert f'<form method="post" action="{reverse("duplicates:rebuild")}"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_regenerate_message_without_duplicates_page(admin_client, setup, monkeypatch):
    def no_reverse(name, *args, **kwargs):
        raise NoReverseMatch(name)

    monkeypatch.setattr("marketing_setup.views.reverse", no_reverse)
    setup.maintain_search_strings = setup.autosearch_for_duplicates = False
    setup.save()
    response = admin_client.post(URL, form_data(setup, maintain_search_strings=True), follow=True)
    html = response.content.decode()
    assert "generate the duplicate search strings" in html
    assert "Generate duplicate search strings</button>" not in html


def test_saving_without_changing_maintain_does_not_ask_to_regenerate(admin_client, setup):
    response = admin_client.post(URL, form_data(setup, search_hit_pct="61"), follow=True)
    assert "generate the duplicate search strings" not in response.content.decode()


def test_menu_shows_setup_to_those_who_may_view_it(admin_client, client, staff_user):
    assert f'href="{URL}"' in admin_client.get("/").content.decode()
    client.force_login(staff_user)
    assert f'href="{URL}"' in client.get("/").content.decode()  # read-only for staff


def test_reference_data_page_lists_admin_changelists(admin_client, admin_user):
    admin_user.is_staff = True
    admin_user.save()
    response = admin_client.get(reverse("marketing_setup:reference_data"))
    assert response.status_code == 200
    html = response.content.decode()
    for model in ("salesperson", "territory", "language", "businessrelation", "salescycle"):
        assert f'href="{reverse(f"admin:marketing_setup_{model}_changelist")}"' in html
    assert f'href="{reverse("admin:marketing_setup_salutation_changelist")}"' in html
    try:
        series = reverse("admin:numbering_noseries_changelist")
    except NoReverseMatch:
        series = None
    if series:
        assert f'href="{series}"' in html


def test_reference_data_page_without_admin_site_access(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("setupeditor", password="pw-Secret-123")
    user.user_permissions.add(Permission.objects.get(codename="change_marketingsetup"))
    client.force_login(user)
    response = client.get(reverse("marketing_setup:reference_data"))
    assert response.status_code == 200
    assert "You have no access to the administration site" in response.content.decode()


def test_reference_data_page_links_to_admin_for_administrators(admin_client):
    response = admin_client.get(reverse("marketing_setup:reference_data"))
    assert response.status_code == 200
    assert "/admin/marketing_setup/territory/" in response.content.decode()


def test_reference_data_page_read_only_for_staff(staff_client):
    response = staff_client.get(reverse("marketing_setup:reference_data"))
    assert response.status_code == 200
    assert 'id="read-only-note"' in response.content.decode()


def test_setup_page_query_count_does_not_grow_with_reference_data(admin_client, setup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import SalespersonFactory, TerritoryFactory

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    SalespersonFactory.create_batch(2)
    count()  # the first request also reads the user's permissions (kept for the next)
    few = count()
    SalespersonFactory.create_batch(30)
    TerritoryFactory.create_batch(30)
    assert count() == few
