"""The two roles exist after migrate with the setup permissions they need."""

import pytest
from django.contrib.auth.models import Group

from marketing_setup.roles import ADMINISTRATORS, STAFF

pytestmark = pytest.mark.django_db

MODELS = (
    "marketingsetup",
    "salesperson",
    "territory",
    "language",
    "businessrelation",
    "salescycle",
    "salescyclestage",
    "salutation",
    "salutationformula",
)


def perms(group_name):
    group = Group.objects.get(name=group_name)
    return set(
        group.permissions.filter(content_type__app_label="marketing_setup").values_list(
            "codename", flat=True
        )
    )


def test_administrators_may_do_everything_with_setup_and_reference_data():
    expected = {
        f"{action}_{model}" for model in MODELS for action in ("add", "change", "delete", "view")
    }
    assert expected <= perms(ADMINISTRATORS)


def test_staff_may_only_view_setup_and_reference_data():
    assert perms(STAFF) == {f"view_{model}" for model in MODELS}


def test_role_membership_gives_permissions(admin_user, staff_user):
    assert admin_user.has_perm("marketing_setup.change_marketingsetup")
    assert not staff_user.has_perm("marketing_setup.change_marketingsetup")
    assert staff_user.has_perm("marketing_setup.view_salesperson")


def test_adding_a_user_to_administrators_opens_the_admin(django_user_model, client):
    user = django_user_model.objects.create_user("newadmin", password="pw-Secret-123")
    assert not user.is_staff
    user.groups.add(Group.objects.get(name=ADMINISTRATORS))
    user.refresh_from_db()
    assert user.is_staff
    client.force_login(user)
    assert client.get("/admin/marketing_setup/territory/").status_code == 200


def test_staff_membership_does_not_open_the_admin(staff_user):
    staff_user.refresh_from_db()
    assert not staff_user.is_staff


def test_per_model_declaration_and_revocation(settings):
    from django.apps import apps

    from marketing_setup.roles import sync_role_permissions

    config = apps.get_app_config("marketing_setup")
    original = config.role_permissions
    config.role_permissions = {STAFF: {"*": ("view",), "territory": ("view", "change")}}
    try:
        sync_role_permissions(app_configs=[config])
        assert perms(STAFF) == {f"view_{model}" for model in MODELS} | {"change_territory"}
    finally:
        config.role_permissions = original
        sync_role_permissions(app_configs=[config])
    assert "change_territory" not in perms(STAFF)
