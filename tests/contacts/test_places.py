"""The place rows (contacts/places.py): every write path keeps each contact's city key,
post code and no. in ContactPlace, which the contact list sorts and searches by."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Case, Value, When

from contacts import selectors
from contacts.importing import import_contacts
from contacts.models import Contact, ContactPlace
from contacts.privacy import person_anonymise
from contacts.searchkeys import fold
from contacts.services import company_bulk_update, contact_create, contact_delete, contact_update

pytestmark = pytest.mark.django_db


def assert_places_follow():
    stored = {c.pk: (c.no, fold(c.city), c.post_code) for c in Contact.objects.all()}
    places = {p.contact_id: (p.no, p.city_key, p.post_code) for p in ContactPlace.objects.all()}
    assert places == stored


def nos(page):
    return [c.no for c in page.contacts]


@pytest.fixture
def firm(full_setup):
    firm = contact_create(
        data={
            "type": "company",
            "no": "C1",
            "name": "Fjord AS",
            "address": "Kaien 1",
            "post_code": "9008",
            "city": "Tromsø",
        }
    )
    for i in range(3):
        contact_create(data={"type": "person", "no": f"P{i}", "name": f"Kari {i}", "company": firm})
    return firm


def test_saves_and_a_company_move_keep_the_places(firm):
    assert ContactPlace.objects.get(contact__no="P0").city_key == "tromso"
    contact_update(
        contact=firm, data={"address": "Torget 2", "post_code": "5003", "city": "Bergen"}
    )
    assert set(ContactPlace.objects.values_list("city_key", "post_code")) == {("bergen", "5003")}
    person = Contact.objects.get(no="P1")
    contact_update(contact=person, data={"city": "Ålesund"})  # by hand: stays when firm moves
    contact_update(contact=firm, data={"city": "Molde"})
    assert ContactPlace.objects.get(contact=person).city_key == "alesund"
    Contact.objects.create(no="X1", name="Plain ORM AS", city="Oslo", post_code="0150")
    assert_places_follow()


def test_bulk_paths_keep_the_places(firm):
    Contact.objects.bulk_create(
        [Contact(no=f"B{i}", name=f"Bulk {i}", city="Bodø") for i in range(3)]
    )
    company_bulk_update(companies=Contact.objects.filter(no="C1"), values={"city": "Oslo"})
    assert ContactPlace.objects.get(contact__no="P2").city_key == "oslo"
    # An update whose value is an expression (a CASE per row, as the import's updates).
    Contact.objects.filter(no__in=["B0", "B1"]).update(
        city=Case(When(no="B0", then=Value("Delft")), default=Value("Breda")),
        post_code="2611",
    )
    assert ContactPlace.objects.get(contact__no="B1").city_key == "breda"
    Contact.objects.filter(no="B2").update(no="B9")
    assert_places_follow()


def test_imports_keep_the_places(firm, tmp_path):
    result = import_contacts(
        [
            {"type": "company", "no": "I1", "name": "Import AS", "city": "Kristiansand"},
            {"type": "person", "no": "I2", "company_no": "I1", "name": "Per Olsen"},
        ],
        renumber=True,
    )
    assert result.errors == []
    path = tmp_path / "in.csv"
    path.write_text("type,no,name,post_code,city\ncompany,C1,,9010,Harstad\n", encoding="utf-8")
    call_command("import_contacts", str(path), "--update", "--no-progress", stdout=StringIO())
    assert ContactPlace.objects.get(contact__no="P0").city_key == "harstad"
    assert_places_follow()


def test_anonymise_and_delete_keep_the_places(firm):
    person = Contact.objects.get(no="P0")
    person_anonymise(person=person)
    assert ContactPlace.objects.get(contact=person).city_key == ""
    contact_delete(contact=Contact.objects.get(no="P1"))
    assert not ContactPlace.objects.filter(contact__no="P1").exists()
    assert_places_follow()


def test_the_list_finds_and_sorts_cities_by_their_key(firm):
    contact_create(data={"type": "company", "no": "C2", "name": "Aas AS", "city": "Ålesund"})
    contact_create(data={"type": "company", "no": "C3", "name": "Berg AS", "city": "bergen"})
    # Any case, and the spellings without æ/ø/å (as names are found).
    assert nos(selectors.contact_list(params={"q": "tromso"})) == ["C1", "P0", "P1", "P2"]
    assert nos(selectors.contact_list(params={"q": "AALES"})) == ["C2"]
    assert nos(selectors.contact_list(params={"q": "900"})) == ["C1", "P0", "P1", "P2"]
    page = selectors.contact_list(params={}, sort="city")
    assert nos(page) == ["C2", "C3", "C1", "P0", "P1", "P2"]
    assert nos(selectors.contact_list(params={"q": "berg", "type": "company"}, sort="-city")) == [
        "C3"
    ]
    assert [c.no for c in selectors.contact_lookup("troms")] == ["C1", "P0", "P1", "P2"]
