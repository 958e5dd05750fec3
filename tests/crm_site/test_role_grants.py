"""What the staff role may do, in full (13.12): every permission Back-office staff hold
is listed here, so a new grant is a decision someone wrote down, not a side effect of
an `ALL` in crm_site/roles.py."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from crm_site.roles import ADMINISTRATORS, STAFF

pytestmark = pytest.mark.django_db

# Administrator-only: never in the staff role (the review's findings, 13.12).
ADMINISTRATORS_ONLY = {
    "duplicates.add_duplicatesearchstringsetup",
    "duplicates.change_duplicatesearchstringsetup",
    "duplicates.delete_duplicatesearchstringsetup",
    "duplicates.change_contactmerge",
    "duplicates.delete_contactmerge",
    "interactions.delete_interactionlogentry",
}


def _perms(role: str) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=role).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_staff_hold_none_of_the_administrators_permissions():
    assert _perms(STAFF) & ADMINISTRATORS_ONLY == set()
    assert _perms(ADMINISTRATORS) >= ADMINISTRATORS_ONLY


def test_staff_keep_what_their_work_needs():
    staff = _perms(STAFF)
    assert {
        "duplicates.view_duplicatesearchstringsetup",
        "duplicates.add_contactmerge",  # merging duplicates
        "duplicates.view_contactmerge",
        "duplicates.change_contactduplicate",
        "interactions.add_interactionlogentry",
        "interactions.change_interactionlogentry",
        "interactions.view_interactionlogentry",
        "contacts.delete_contact",
    } <= staff


def test_a_staff_member_lacks_them_and_an_administrator_has_them(staff_user, admin_user):
    for perm in ADMINISTRATORS_ONLY:
        assert not staff_user.has_perm(perm), perm
        assert admin_user.has_perm(perm), perm
