"""Search that finds what people type (issue 8.5): the keys, every write path that keeps
them, and the list search through them."""

from __future__ import annotations

import io

import pytest

from contacts import selectors, services
from contacts.importing import import_contacts
from contacts.models import Contact
from contacts.searchkeys import email_domain, fold, phone_key

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("saether", "Sæther"),
        ("Naess", "Næss"),
        ("tromso", "Tromsø"),
        ("aalesund", "Ålesund"),
        ("jose garcia", "José García"),
        ("mueller", "Müller"),
        ("SAETHER", "sæther"),
    ],
)
def test_names_fold_to_the_same_key(typed, stored):
    assert fold(typed) == fold(stored)


@pytest.mark.parametrize(
    "typed", ["62 45 93 46", "62459346", "+47 62 45 93 46", "0047 62 45 93 46", "+47 (0)62459346"]
)
def test_phone_numbers_fold_to_the_national_digits(typed):
    assert phone_key(typed) == "62459346"


def test_dutch_trunk_prefix_and_domain():
    assert phone_key("020 123 4567") == phone_key("+31 20 123 4567") == "201234567"
    assert email_domain("Post@OsloMaling.NO") == "oslomaling.no"
    assert email_domain("not an address") == ""


def _keys(contact: Contact) -> tuple[str, str, str, str]:
    row = Contact.objects.values_list("name_key", "phone_key", "mobile_key", "email_domain").get(
        pk=contact.pk
    )
    return tuple(row)


def test_every_save_keeps_the_keys(setup_with_series):
    company = services.contact_create(
        data={
            "type": "company",
            "name": "Sæther Maling AS",
            "phone_no": "+47 62 45 93 46",
            "mobile_phone_no": "0047 900 11 222",
            "email": "post@oslomaling.no",
        }
    )
    assert _keys(company) == ("sather maling as", "62459346", "90011222", "oslomaling.no")
    services.contact_update(contact=company, data={"name": "Næss AS", "phone_no": "22 33 44 55"})
    assert _keys(company)[:2] == ("nass as", "22334455")
    # A plain ORM save, also with update_fields, runs the same rules.
    company.email = "salg@fjord.no"
    company.save(update_fields=["email"])
    assert _keys(company)[3] == "fjord.no"


def test_propagation_and_bulk_update_keep_the_persons_keys(setup_with_series):
    company = services.contact_create(
        data={
            "type": "company",
            "name": "Fjord AS",
            "phone_no": "55 11 22 33",
            "email": "post@fjord.no",
        }
    )
    person = services.contact_create(
        data={"type": "person", "first_name": "Kari", "surname": "Nordmann", "company": company}
    )
    assert _keys(person) == ("kari nordmann", "55112233", "", "fjord.no")
    # A company save pushes the new phone and e-mail to the person set-based.
    services.contact_update(
        contact=company, data={"phone_no": "+47 55 99 99 99", "email": "firma@fjordlys.no"}
    )
    assert _keys(person) == ("kari nordmann", "55999999", "", "fjordlys.no")
    # The bulk path: one UPDATE for the companies, set-based for the persons.
    services.company_bulk_update(
        companies=Contact.objects.filter(pk=company.pk),
        values={"phone_no": "0047 77 60 00 00", "email": "a@b.example", "name": "Ødegård AS"},
    )
    assert _keys(company) == ("odegard as", "77600000", "", "b.example")
    assert _keys(person)[1:] == ("77600000", "", "b.example")


def test_import_writes_the_keys(setup_with_series):
    csv_text = (
        "type,no,name,company_no,first_name,surname,phone_no,email\n"
        "company,IMP1,Ålesund Fisk AS,,,,+47 70 10 20 30,post@alesundfisk.no\n"
        "person,IMP2,,IMP1,Åse,Bø,,\n"
    )
    result = import_contacts(io.StringIO(csv_text))
    assert result.ok, result.errors
    assert _keys(Contact.objects.get(no="IMP1")) == (
        "alesund fisk as",
        "70102030",
        "",
        "alesundfisk.no",
    )
    # The person inherited the company's phone and e-mail, and their keys.
    assert _keys(Contact.objects.get(no="IMP2")) == ("ase bo", "70102030", "", "alesundfisk.no")


@pytest.fixture
def people():
    def make(no, name, **fields):
        return Contact.objects.create(no=no, name=name, **fields)

    return [
        make("C1", "Sæther Bygg AS", phone_no="+47 62 45 93 46", email="post@oslomaling.no"),
        make("C2", "Næss & Co", phone_no="77 60 00 00"),
        make("C3", "Van den Berg BV", phone_no="020 123 4567", country="NL", email="info@berg.nl"),
        make("C4", "Andersen AS", mobile_phone_no="+47 900 11 222"),
    ]


def _found(text: str) -> list[str]:
    return [c.no for c in selectors.contact_list(params={"q": text}).contacts]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("62 45 93 46", ["C1"]),
        ("62459346", ["C1"]),
        ("+47 62 45 93 46", ["C1"]),
        ("0047 62 45 93 46", ["C1"]),
        ("77 60 00 00", ["C2"]),
        ("+47 77 60", ["C2"]),
        ("saether", ["C1"]),
        ("Naess", ["C2"]),
        ("oslomaling", ["C1"]),
        ("@berg.nl", ["C3"]),
        ("+31 20 123", ["C3"]),
        ("900 11 222", ["C4"]),
        ("bygg", ["C1"]),
    ],
)
def test_the_list_finds_what_people_type(people, typed, expected):
    assert _found(typed) == expected
