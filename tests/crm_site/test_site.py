import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db


def test_pages_need_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_login_page_is_public(client):
    assert client.get("/accounts/login/").status_code == 200


def test_role_groups_exist_with_permissions():
    admins = Group.objects.get(name="CRM administrators")
    staff = Group.objects.get(name="Back-office staff")
    admin_perms = set(admins.permissions.values_list("codename", flat=True))
    staff_perms = set(staff.permissions.values_list("codename", flat=True))
    assert "change_marketingsetup" in admin_perms
    assert "change_marketingsetup" not in staff_perms
    assert "view_marketingsetup" in staff_perms
    assert {"add_contact", "change_contact", "view_contact"} <= staff_perms


def test_home_lists_menu_for_logged_in_user(admin_client):
    response = admin_client.get("/")
    assert response.status_code == 200
    assert b"Welcome" in response.content


def test_the_menu_links_carry_the_sites_script_prefix(staff_client):
    # The menu's URLs are kept per script prefix: a site mounted under /crm/ (the
    # proxy's SCRIPT_NAME) links under /crm/, whichever was served first.
    from django.test.utils import override_script_prefix

    plain = staff_client.get("/contacts/").content.decode()
    with override_script_prefix("/crm/"):  # as the WSGI handler sets it from SCRIPT_NAME
        mounted = staff_client.get("/contacts/").content.decode()
    again = staff_client.get("/contacts/").content.decode()
    assert '<a href="/contacts/" class="active" aria-current="page">' in plain
    assert 'href="/crm/duplicates/"' in mounted and 'href="/duplicates/"' not in mounted
    assert 'href="/duplicates/"' in again and 'href="/crm/duplicates/"' not in again
