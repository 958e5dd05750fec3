"""Privacy Blocked through the API (issue 11.5): staff read it, whoever may change a
contact on the page sets it through the API too, and the schema describes it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from contacts import services
from contacts.models import Contact
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/contacts/"


def _company(**data):
    return services.contact_create(data={"type": "company", "name": "Fjord AS", **data})


def test_staff_read_privacy_blocked(staff_api, numbered_setup):
    blocked = _company(privacy_blocked=True)
    body = staff_api.get(f"{URL}{blocked.no}/").json()
    assert body["privacy_blocked"] is True
    listed = staff_api.get(URL).json()["results"]
    assert [row["privacy_blocked"] for row in listed] == [True]


def test_staff_block_and_unblock_a_contact(staff_api, numbered_setup):
    company = _company()
    response = staff_api.patch(f"{URL}{company.no}/", {"privacy_blocked": True}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["privacy_blocked"] is True
    assert Contact.objects.get(pk=company.pk).privacy_blocked is True
    response = staff_api.patch(f"{URL}{company.no}/", {"privacy_blocked": False}, format="json")
    assert response.status_code == 200, response.json()
    assert Contact.objects.get(pk=company.pk).privacy_blocked is False


def test_created_blocked_through_the_api(admin_api, numbered_setup):
    response = admin_api.post(URL, {"name": "Skjult AS", "privacy_blocked": True}, format="json")
    assert response.status_code == 201, response.json()
    assert Contact.objects.get(no=response.json()["no"]).privacy_blocked is True


def test_reading_alone_does_not_allow_setting_it(django_user_model, numbered_setup):
    company = _company()
    reader = django_user_model.objects.create_user("reader", password="pw-Secret-123")
    reader.user_permissions.add(Permission.objects.get(codename="view_contact"))
    api = token_client(reader)
    assert api.get(f"{URL}{company.no}/").json()["privacy_blocked"] is False
    response = api.patch(f"{URL}{company.no}/", {"privacy_blocked": True}, format="json")
    assert response.status_code == 403
    assert Contact.objects.get(pk=company.pk).privacy_blocked is False


def test_a_bad_value_is_a_field_error(staff_api, numbered_setup):
    company = _company()
    response = staff_api.patch(f"{URL}{company.no}/", {"privacy_blocked": "maybe"}, format="json")
    assert response.status_code == 400
    assert [e["attr"] for e in response.json()["errors"]] == ["privacy_blocked"]
    assert Contact.objects.get(pk=company.pk).privacy_blocked is False


def test_the_schema_describes_it(staff_api):
    schema = staff_api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    field = schema["components"]["schemas"]["Contact"]["properties"]["privacy_blocked"]
    assert field["type"] == "boolean"
    assert "exports" in field["description"]
