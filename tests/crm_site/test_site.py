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
