"""A person moving company re-homes its opportunities (reference 2.4)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from contacts.services import person_change_company
from opportunities import services
from opportunities.models import Opportunity
from tests.factories import CompanyFactory, PersonFactory
from tests.opportunities.factories import setup_opportunities

pytestmark = pytest.mark.django_db


@pytest.fixture
def companies(db):
    setup_opportunities()
    return CompanyFactory(no="CT100", name="Fjord AS"), CompanyFactory(no="CT200", name="Havn AS")


def test_moving_a_person_hands_its_opportunities_to_the_old_company(companies):
    old, new = companies
    person = PersonFactory(no="CT101", company=old)
    colleague = PersonFactory(no="CT102", company=old)
    opp = services.opportunity_create(data={"description": "Chairs", "contact": person})
    other = services.opportunity_create(data={"description": "Desks", "contact": colleague})

    person_change_company(person=person, company=new)

    opp.refresh_from_db()
    other.refresh_from_db()
    assert (opp.contact_id, opp.contact_company_id) == (old.pk, old.pk)
    assert not person.opportunities.exists()
    assert (other.contact_id, other.contact_company_id) == (colleague.pk, old.pk)


def test_a_plain_orm_save_re_homes_too(companies):
    old, _new = companies
    person = PersonFactory(no="CT101", company=old)
    opp = services.opportunity_create(data={"description": "Chairs", "contact": person})
    person.company = None
    person.save()
    opp.refresh_from_db()
    assert (opp.contact_id, opp.contact_company_id) == (old.pk, old.pk)


def test_an_independent_person_joining_a_company_gets_it_on_its_opportunities(companies):
    _old, new = companies
    loner = PersonFactory(no="CT300", company=None)
    opp = services.opportunity_create(data={"description": "Chairs", "contact": loner})
    assert opp.contact_company_id is None

    person_change_company(person=loner, company=new)

    opp.refresh_from_db()
    assert (opp.contact_id, opp.contact_company_id) == (loner.pk, new.pk)
    assert Opportunity.objects.filter(contact_company=new).count() == 1


def test_the_old_companys_card_still_shows_the_moved_persons_opportunities(staff_client, companies):
    old, new = companies
    person = PersonFactory(no="CT101", company=old)
    services.opportunity_create(data={"description": "Chairs for the canteen", "contact": person})
    person_change_company(person=person, company=new)

    old_card = staff_client.get(reverse("contacts:detail", kwargs={"no": old.no}))
    new_card = staff_client.get(reverse("contacts:detail", kwargs={"no": new.no}))

    assert old_card.status_code == 200
    assert "Chairs for the canteen" in old_card.content.decode()
    assert "Chairs for the canteen" not in new_card.content.decode()
