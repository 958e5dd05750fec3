"""Contacts through the API get the same rules as on the page: number, defaults,
inheritance, propagation, duplicate check; errors are 400s with field errors."""

from __future__ import annotations

import pytest

from contacts import services
from contacts.models import Contact
from duplicates.models import ContactDuplicate
from marketing_setup.models import Salesperson

pytestmark = pytest.mark.django_db

URL = "/api/v1/contacts/"


def _company(**data):
    return services.contact_create(data={"type": "company", **data})


def test_create_draws_the_number_and_applies_defaults(staff_api, numbered_setup):
    response = staff_api.post(URL, {"name": "Fjord Møbler AS", "city": "Bergen"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["no"] == "CT000001"
    assert body["salesperson"] == "JC"
    assert body["territory"] == "OSLO"
    assert body["country"] == "NO"
    assert body["search_name"] == "FJORD MØBLER AS"
    assert Contact.objects.get(no="CT000001").city == "Bergen"


def test_a_person_inherits_from_its_company_given_by_number(staff_api, numbered_setup):
    company = _company(name="Fjord AS", address="Strandkaien 1", city="Bergen", phone_no="5555")
    response = staff_api.post(
        URL,
        {"type": "person", "first_name": "Kari", "surname": "Nordmann", "company": company.no},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["company"] == company.no
    assert body["name"] == "Kari Nordmann"
    assert body["address"] == "Strandkaien 1"
    assert body["field_states"]["address"] == "inherited"


def test_a_company_change_reaches_its_persons(staff_api, numbered_setup):
    company = _company(name="Fjord AS", city="Bergen")
    person = services.contact_create(data={"type": "person", "name": "Kari", "company": company})
    response = staff_api.patch(f"{URL}{company.no}/", {"city": "Oslo"}, format="json")
    assert response.status_code == 200, response.json()
    person.refresh_from_db()
    assert person.city == "Oslo"


def test_create_runs_the_duplicate_check(staff_api, numbered_setup):
    _company(name="Nordlys Regnskap AS", city="Tromsø", phone_no="77 60 00 00")
    response = staff_api.post(
        URL, {"name": "Nordlys Regnskap AS", "city": "Tromsø", "phone_no": "77 60 00 00"}
    )
    assert response.status_code == 201
    assert ContactDuplicate.objects.count() == 1


def test_number_with_a_slash_is_addressable(staff_api, numbered_setup):
    _company(no="2024/1", name="Slash AS")
    response = staff_api.get(f"{URL}2024/1/")
    assert response.status_code == 200
    assert response.json()["name"] == "Slash AS"
    assert staff_api.get(f"{URL}2024/1/persons/").status_code == 200


def test_list_searches_filters_and_pages_by_cursor(staff_api, numbered_setup):
    for i in range(5):
        _company(name=f"Fjord {i}", city="Bergen" if i % 2 else "Oslo")
    first = staff_api.get(URL, {"page_size": 2})
    assert first.status_code == 200
    body = first.json()
    assert [c["no"] for c in body["results"]] == ["CT000001", "CT000002"]
    assert body["previous"] is None
    second = staff_api.get(body["next"]).json()
    assert [c["no"] for c in second["results"]] == ["CT000003", "CT000004"]
    back = staff_api.get(second["previous"]).json()
    assert [c["no"] for c in back["results"]] == ["CT000001", "CT000002"]
    found = staff_api.get(URL, {"q": "berg"}).json()["results"]
    assert {c["no"] for c in found} == {"CT000002", "CT000004"}
    assert staff_api.get(URL, {"territory": "NOPE"}).status_code == 400
    assert staff_api.get(URL, {"cursor": "garbage"}).status_code == 400


def test_list_reads_a_constant_number_of_queries(staff_api, numbered_setup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    company = _company(name="Fjord AS")

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert staff_api.get(URL).status_code == 200
        return len([q for q in context.captured_queries if "contacts_contact" in q["sql"]])

    services.contact_create(data={"type": "person", "name": "P", "company": company})
    few = queries()
    for i in range(10):
        services.contact_create(data={"type": "person", "name": f"P {i}", "company": company})
    assert queries() == few == 1  # the page only: no count (no total shown), nothing per row


def test_bad_input_is_400_with_field_errors_and_codes(staff_api, numbered_setup):
    response = staff_api.post(
        URL, {"name": "X", "phone_no": "call me", "cty": "Oslo", "email": 5}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    errors = {(e["attr"], e["code"]) for e in body["errors"]}
    assert ("cty", "unknown_field") in errors
    assert not Contact.objects.exists()


def test_service_rules_are_400_with_the_field(staff_api, numbered_setup):
    company = _company(name="Fjord AS")
    services.contact_create(data={"type": "person", "name": "Kari", "company": company})
    response = staff_api.post(f"{URL}{company.no}/change-type/", {"type": "person"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "type"
    assert "related people" in response.json()["errors"][0]["detail"]


def test_errors_are_in_the_language_of_accept_language(staff_api, numbered_setup):
    response = staff_api.post(URL, {"phone_no": "abc"}, format="json", HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 400
    details = " ".join(e["detail"] for e in response.json()["errors"])
    assert "bokstaver" in details  # "… must not contain letters." in Norwegian


def test_actions_follow_company_change_company_change_type_delete(staff_api, numbered_setup):
    one = _company(name="One AS", city="Bergen")
    two = _company(name="Two AS", city="Oslo")
    person = services.contact_create(
        data={"type": "person", "name": "Kari", "company": one, "city": "Voss"}
    )
    url = f"{URL}{person.no}/"
    response = staff_api.post(f"{url}follow-company/", {"fields": ["city"]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["city"] == "Bergen"
    response = staff_api.post(f"{url}change-company/", {"company": two.no}, format="json")
    assert response.status_code == 200
    assert response.json()["company"] == two.no
    assert response.json()["city"] == "Oslo"
    response = staff_api.post(f"{url}change-company/", {"company": None}, format="json")
    assert response.json()["company"] is None
    response = staff_api.post(f"{url}change-type/", {"type": "company"}, format="json")
    assert response.json()["type"] == "company"
    assert staff_api.delete(url).status_code == 204
    assert not Contact.objects.filter(pk=person.pk).exists()


def test_the_number_cannot_be_changed(staff_api, numbered_setup):
    company = _company(name="Fjord AS")
    response = staff_api.patch(f"{URL}{company.no}/", {"no": "OTHER"}, format="json")
    assert response.status_code == 200
    assert response.json()["no"] == company.no


def test_an_api_write_is_logged_as_an_api_call_by_its_token(staff_api, numbered_setup):
    from history.models import Event, Source

    response = staff_api.post(URL, {"name": "Fjord AS", "city": "Bergen"}, format="json")
    assert response.status_code == 201
    event = Event.objects.get(source=Source.API)
    assert event.changes.filter(object_repr=response.json()["no"]).exists()
    assert event.user.username == "staff"
    assert event.actor == "test (staff)"  # the token's name and its user
    staff_api.patch(f"{URL}{response.json()['no']}/", {"city": "Oslo"}, format="json")
    change = Event.objects.order_by("-id").first().changes.get(field="city")
    assert (change.old, change.new) == ("Bergen", "Oslo")


def test_a_blocked_salesperson_is_refused_but_kept_where_it_already_is(staff_api, numbered_setup):
    """Forms do not offer a blocked salesperson; the API (and every other door through
    the services) refuses one too, while a contact that already has one keeps it on
    other edits and a new person still inherits its company's."""
    blocked = Salesperson.objects.create(code="OLD", name="Ola Gammel")
    company = _company(name="Fjord AS", salesperson=blocked)
    blocked.blocked = True
    blocked.save()

    response = staff_api.post(URL, {"name": "Havn AS", "salesperson": "OLD"}, format="json")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["attr"] == "salesperson" and "OLD is blocked" in error["detail"]
    assert not Contact.objects.filter(name="Havn AS").exists()

    other = _company(name="Bryggen AS")
    response = staff_api.patch(f"{URL}{other.no}/", {"salesperson": "OLD"}, format="json")
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.salesperson_id == "JC"

    response = staff_api.patch(f"{URL}{company.no}/", {"city": "Bergen"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["salesperson"] == "OLD"
    person = services.contact_create(data={"type": "person", "name": "Kari", "company": company})
    assert person.salesperson_id == "OLD"
