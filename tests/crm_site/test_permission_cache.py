"""Each user's permissions are kept between requests (crm_site.permissions) and read
again after any write to the permission tables, by whatever path, in any process."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm_site.permissions import CachedPermissionBackend, permission_token
from crm_site.roles import ADMINISTRATORS

pytestmark = pytest.mark.django_db

USER_SETUP = "marketing_setup:user_setup"  # administrators only


def _status(client) -> int:
    return client.get(reverse(USER_SETUP)).status_code


def _permission_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum("auth_permission" in q["sql"] for q in queries.captured_queries)


def test_a_second_page_reads_no_permission_rows(staff_client):
    url = reverse("contacts:list")
    assert _permission_queries(staff_client, url) == 2  # user's own and the groups'
    assert _permission_queries(staff_client, url) == 0
    assert _permission_queries(staff_client, reverse("marketing_setup:reference_data")) == 0


def test_joining_and_leaving_a_group_reach_the_next_request(staff_client, staff_user):
    assert _status(staff_client) == 403
    staff_user.groups.add(Group.objects.get(name=ADMINISTRATORS))  # an INSERT OR IGNORE
    assert _status(staff_client) == 200
    staff_user.groups.remove(Group.objects.get(name=ADMINISTRATORS))
    assert _status(staff_client) == 403


def test_a_permission_given_to_the_user_reaches_the_next_request(staff_client, staff_user):
    assert _status(staff_client) == 403
    staff_user.user_permissions.add(Permission.objects.get(codename="change_usersetup"))
    assert _status(staff_client) == 200


def test_a_write_past_the_orm_reaches_the_next_request(admin_client, admin_user):
    assert _status(admin_client) == 200
    with connection.cursor() as cursor:  # no signal, no model: only the trigger sees it
        cursor.execute(
            "DELETE FROM auth_group_permissions WHERE permission_id IN "
            "(SELECT id FROM auth_permission WHERE codename = 'change_usersetup')"
        )
    assert _status(admin_client) == 403


def test_a_rolled_back_grant_is_not_served(staff_client, staff_user):
    assert _status(staff_client) == 403

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        staff_user.groups.add(Group.objects.get(name=ADMINISTRATORS))
        assert _status(staff_client) == 200  # the writer's own transaction sees it
        raise Undo
    assert _status(staff_client) == 403


def test_becoming_superuser_gives_every_permission(staff_user):
    backend = CachedPermissionBackend()
    user = backend.get_user(staff_user.pk)
    assert "marketing_setup.change_usersetup" not in backend.get_all_permissions(user)
    staff_user.is_superuser = True
    staff_user.save()  # auth_user is not watched: the flag is part of the key
    user = backend.get_user(staff_user.pk)
    assert "marketing_setup.change_usersetup" in backend.get_all_permissions(user)
    assert len(backend.get_all_permissions(user)) == Permission.objects.count()


def test_an_inactive_user_has_no_permissions(admin_user):
    backend = CachedPermissionBackend()
    assert backend.get_all_permissions(backend.get_user(admin_user.pk))
    admin_user.is_active = False
    assert backend.get_all_permissions(admin_user) == set()


def test_the_token_comes_with_the_user_row(staff_user):
    backend = CachedPermissionBackend()
    with CaptureQueriesContext(connection) as queries:
        user = backend.get_user(staff_user.pk)
        token = permission_token(user)
    assert token and len(queries.captured_queries) == 1


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_by_another_connection_is_seen(staff_user):
    backend = CachedPermissionBackend()
    assert not backend.has_perm(backend.get_user(staff_user.pk), "marketing_setup.change_usersetup")
    other = connections.create_connection("default")
    try:
        group_id = Group.objects.get(name=ADMINISTRATORS).pk
        with other.cursor() as cursor:  # autocommit: committed by the statement
            cursor.execute(
                "INSERT INTO auth_user_groups (user_id, group_id) VALUES (%s, %s)",
                [staff_user.pk, group_id],
            )
    finally:
        other.close()
    assert backend.has_perm(backend.get_user(staff_user.pk), "marketing_setup.change_usersetup")
