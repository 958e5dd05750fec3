"""A person moving company re-homes its interaction history (reference 2.4)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from contacts.services import person_change_company
from interactions import services
from interactions.models import InteractionLogEntry
from tests.factories import CompanyFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_company(db):
    return CompanyFactory(no="CT200", name="Havn Transport AS")


def test_moving_a_person_hands_its_entries_to_the_old_company(
    company, person, new_company, outgoing
):
    own = services.interaction_log(contact=person, template=outgoing, description="Chairs call")
    colleague = PersonFactory(no="CT102", company=company)
    other = services.interaction_log(contact=colleague, template=outgoing, description="Other")

    person_change_company(person=person, company=new_company)

    own.refresh_from_db()
    assert (own.contact_id, own.contact_company_id) == (company.pk, company.pk)
    assert (own.contact_no, own.contact_name) == ("CT100", "Fjord Møbler AS")
    assert not InteractionLogEntry.objects.for_contact(person).exists()
    other.refresh_from_db()
    assert (other.contact_id, other.contact_no) == (colleague.pk, "CT102")  # not this person's


def test_a_plain_orm_save_re_homes_too(company, person, new_company, outgoing):
    entry = services.interaction_log(contact=person, template=outgoing)
    person.company = new_company
    person.save()
    entry.refresh_from_db()
    assert (entry.contact_id, entry.contact_no) == (company.pk, "CT100")


def test_leaving_for_no_company_hands_the_entries_to_the_old_company(company, person, outgoing):
    entry = services.interaction_log(contact=person, template=outgoing)
    person_change_company(person=person, company=None)
    entry.refresh_from_db()
    assert (entry.contact_id, entry.contact_company_id) == (company.pk, company.pk)


def test_entries_logged_after_the_move_stay_with_the_person(company, person, new_company, outgoing):
    person_change_company(person=person, company=new_company)
    entry = services.interaction_log(contact=person, template=outgoing)
    assert (entry.contact_id, entry.contact_company_id) == (person.pk, new_company.pk)


def test_an_independent_person_joining_a_company_gets_it_on_its_entries(new_company, outgoing):
    loner = PersonFactory(no="CT300", first_name="Ola", surname="Hansen", company=None)
    entry = services.interaction_log(contact=loner, template=outgoing, description="Intro")
    assert entry.contact_company_id is None

    person_change_company(person=loner, company=new_company)

    entry.refresh_from_db()
    assert (entry.contact_id, entry.contact_company_id) == (loner.pk, new_company.pk)
    assert (entry.contact_no, entry.contact_name) == ("CT300", "Ola Hansen")
    assert InteractionLogEntry.objects.for_contact(new_company).filter(pk=entry.pk).exists()


def test_the_old_companys_card_still_shows_the_moved_persons_entries(
    staff_client, company, person, new_company, outgoing
):
    services.interaction_log(contact=person, template=outgoing, description="Chairs call")
    person_change_company(person=person, company=new_company)

    old_card = staff_client.get(reverse("contacts:detail", kwargs={"no": company.no}))
    person_card = staff_client.get(reverse("contacts:detail", kwargs={"no": person.no}))

    assert old_card.status_code == 200
    assert "Chairs call" in old_card.content.decode()
    assert "Chairs call" not in person_card.content.decode()
