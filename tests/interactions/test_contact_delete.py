import pytest

from interactions import services
from interactions.models import InteractionLogEntry
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_deleting_a_person_moves_its_entries_to_its_company(person, company, outgoing):
    entry = services.interaction_log(contact=person, template=outgoing)

    person.delete()

    entry.refresh_from_db()
    assert entry.contact == company
    assert entry.contact_company == company
    assert entry.contact_no == company.no


def test_deleting_a_company_keeps_entries_detached_and_readable(person, company, outgoing):
    own = services.interaction_log(contact=company, template=outgoing)
    persons = services.interaction_log(contact=person, template=outgoing)

    company.delete()  # deletes its persons too

    assert InteractionLogEntry.objects.count() == 2
    own.refresh_from_db()
    persons.refresh_from_db()
    assert own.contact is None and own.contact_company is None
    assert own.contact_no == "CT100"
    assert own.contact_name == "Fjord Møbler AS"
    assert persons.contact is None and persons.contact_company is None


def test_deleting_an_independent_person_detaches_its_entries(outgoing):
    loner = PersonFactory(no="CT900", first_name="Ola", surname="Solo")
    entry = services.interaction_log(contact=loner, template=outgoing)

    loner.delete()

    entry.refresh_from_db()
    assert entry.contact is None
    assert entry.contact_no == "CT900"
