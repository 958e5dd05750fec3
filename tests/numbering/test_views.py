"""The staff page listing number series with their next numbers."""

import pytest
from django.urls import reverse

from numbering.models import NoSeriesLine
from tests.numbering.factories import make_series

pytestmark = pytest.mark.django_db

URL = "/numbering/"


def test_url_name():
    assert reverse("numbering:list") == URL


@pytest.mark.parametrize("client_fixture", ["staff_client", "admin_client"])
def test_lists_series_with_next_number_without_consuming(request, client_fixture):
    client = request.getfixturevalue(client_fixture)
    make_series("CONT", {"starting_no": "CT0001", "last_no_used": "CT0041"}, description="Contacts")
    response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Contacts" in content
    assert "CT0042" in content
    assert NoSeriesLine.objects.get().last_no_used == "CT0041"


def test_shows_why_a_series_cannot_issue_numbers(staff_client):
    make_series("S", {"starting_no": "A1", "ending_no": "A3", "last_no_used": "A3", "open": False})
    response = staff_client.get(URL)
    assert "You cannot assign numbers greater than A3 from the number series S." in (
        response.content.decode()
    )


def test_running_out_badge(staff_client):
    make_series(
        "S", {"starting_no": "A01", "ending_no": "A10", "warning_no": "A05", "last_no_used": "A06"}
    )
    assert "running out" in staff_client.get(URL).content.decode()


def test_edit_link_only_for_administrators(client, staff_user, admin_user):
    admin_user.is_staff = True  # may open the admin site
    admin_user.save()
    link = reverse("admin:numbering_noseries_changelist")
    client.force_login(staff_user)
    assert link not in client.get(URL).content.decode()
    client.force_login(admin_user)
    assert link in client.get(URL).content.decode()


def test_login_required(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_forbidden_without_permission(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="x"))
    assert client.get(URL).status_code == 403


def test_query_count_does_not_grow_with_series(staff_client, django_assert_max_num_queries):
    for index in range(10):
        make_series(
            f"S{index}", {"starting_no": "A1"}, {"starting_no": "B1", "starting_date": "2020-01-01"}
        )
    staff_client.get(URL)  # warm up session/permission caches
    with django_assert_max_num_queries(8):
        assert staff_client.get(URL).status_code == 200
