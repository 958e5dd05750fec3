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
