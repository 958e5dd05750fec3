"""ContactSerializer.to_representation takes shortcuts per field kind (api/contacts.py):
its JSON must be what DRF's generic to_representation gives, for every kind of contact,
in the list, the search and the card."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers

from api.contacts import ContactSerializer
from contacts import services
from contacts.models import Contact
from marketing_setup.models import Language, Salesperson, Salutation, Territory


def _drf(serializer: ContactSerializer, contact: Contact) -> dict:
    """DRF's own Serializer.to_representation, field by field."""
    return serializers.Serializer.to_representation(serializer, contact)


@pytest.fixture
def contacts(numbered_setup):
    sp = Salesperson.objects.create(code="PS", name="Per & <S>")
    territory = Territory.objects.create(code="VEST", description="Vest")
    language = Language.objects.create(code="NOR", description="Norsk", django_language="nb")
    salutation = Salutation.objects.create(code="M", description="Mr")
    company = services.contact_create(
        data={
            "type": "company",
            "name": 'Fjord & <Møbler> "AS"',
            "city": "Tromsø",
            "country": "SE",
            "email": "post@fjord.no; ola@fjord.no",
            "salesperson": sp,
            "territory": territory,
            "language": language,
        }
    )
    services.contact_create(
        data={
            "type": "person",
            "company": company,
            "name": "Kari Nordmann",
            "salutation": salutation,
        }
    )
    person = services.contact_create(
        data={"type": "person", "company": company, "name": "Ola Nordmann"}
    )
    services.contact_update(contact=person, data={"city": "Bergen"})  # overridden
    services.contact_create(data={"type": "company", "no": "2024/1", "name": "Slash Co"})
    bare = services.contact_create(data={"type": "person", "name": "Alone"})
    Contact.objects.filter(pk=bare.pk).update(
        country="", salesperson=None, territory=None, privacy_blocked=True
    )
    Contact.objects.filter(name="Slash Co").update(country="no")  # stored before cleaning
    return list(Contact.objects.select_related("company").order_by("no"))


def test_the_shortcuts_give_drfs_answer_for_every_contact(contacts, numbered_setup):
    many = ContactSerializer(contacts, many=True, context={"setup": numbered_setup})
    child = many.child
    assert many.data == [_drf(child, c) for c in contacts]
    for contact in contacts:  # one at a time too (the card, the answers to writes)
        one = ContactSerializer(contact, context={"setup": numbered_setup})
        assert one.data == _drf(one, contact)
    kinds = {name: kind for name, kind, _a, _f in child.__dict__["_lean_plan"]}
    assert kinds["name"] == "text" and kinds["salesperson"] == "pk"
    assert kinds["company"] == "slug" and kinds["country"] == "by code"
    assert kinds["field_states"] == "drf" and kinds["created_at"] == "drf"


def test_the_times_are_in_the_current_time_zone(contacts, numbered_setup):
    with timezone.override("Europe/Oslo"):
        many = ContactSerializer(contacts, many=True, context={"setup": numbered_setup})
        data = many.data
        assert data == [_drf(many.child, c) for c in contacts]
    assert data[0]["created_at"].endswith("+01:00")


def test_the_api_list_search_and_card_answer_drfs_json(staff_api, contacts, numbered_setup):
    company = contacts[0].company or contacts[0]
    for url in (
        "/api/v1/contacts/",
        "/api/v1/contacts/?q=nordmann",
        "/api/v1/contacts/?page_size=2",
    ):
        answer = staff_api.get(url)
        assert answer.status_code == 200
        rows = json.loads(answer.content)["results"]
        nos = [row["no"] for row in rows]
        expected = [
            _drf(ContactSerializer(context={"setup": numbered_setup}), c)
            for c in Contact.objects.select_related("company").filter(no__in=nos).order_by("no")
        ]
        assert rows == json.loads(json.dumps(expected, default=str))
    card = json.loads(staff_api.get(f"/api/v1/contacts/{company.no}/").content)
    serializer = ContactSerializer(company, context={"setup": numbered_setup})
    assert card == json.loads(json.dumps(_drf(serializer, company), default=str))


def test_the_api_list_queries_do_not_grow_with_the_rows(staff_api, numbered_setup):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert staff_api.get("/api/v1/contacts/").status_code == 200
        return len(ctx.captured_queries)

    company = services.contact_create(data={"type": "company", "name": "One AS"})
    services.contact_create(data={"type": "person", "company": company, "name": "P 0"})
    queries()  # the token's first use is written once
    few = queries()
    for i in range(1, 20):
        services.contact_create(data={"type": "person", "company": company, "name": f"P {i}"})
    assert queries() == few
