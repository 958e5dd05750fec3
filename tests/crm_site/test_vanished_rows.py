"""An edit of a record that was merged or deleted meanwhile never inserts it again (13.1).

The race itself runs with real processes on PostgreSQL in
tests/duplicates/test_merge_race.py. Here, in one process, the row disappears between
loading and saving (what the losing side of the race sees), for every edit path.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from contacts import services as contact_services
from contacts.models import Contact
from numbering.records import RecordGone
from opportunities import services as opportunity_services
from opportunities.models import Opportunity
from relations import services as relation_services
from relations.models import BankAccount, Customer, Vendor
from tests.factories import CompanyFactory, PersonFactory
from tests.opportunities.factories import setup_opportunities
from tests.relations.factories import BankAccountFactory, CustomerFactory, VendorFactory

pytestmark = pytest.mark.django_db


def _vanish(instance) -> None:
    """Delete the row behind a loaded instance, as a concurrent merge would."""
    type(instance)._base_manager.filter(pk=instance.pk).delete()


def _company():
    return CompanyFactory(name="Fjord AS")


def _person():
    return PersonFactory(company=CompanyFactory(), first_name="Ola", surname="Nordmann")


def _opportunity():
    setup_opportunities()
    return opportunity_services.opportunity_create(
        data={"description": "Boats", "contact": CompanyFactory()}
    )


# (what to make, how to edit it): every service that changes a stored record.
EDITS = {
    "contact_update": (_company, lambda c: contact_services.contact_update(
        contact=c, data={"name": "Edited AS"})),
    "contact_save": (_company, lambda c: contact_services.contact_save(contact=c)),
    "contact_change_type": (_company, lambda c: contact_services.contact_change_type(
        contact=c, new_type="person")),
    "person_change_company": (_person, lambda p: contact_services.person_change_company(
        person=p, company=None)),
    "person_follow_company": (_person, lambda p: contact_services.person_follow_company(
        person=p, fields=["city"])),
    "customer_update": (CustomerFactory, lambda e: relation_services.entity_update(
        entity=e, data={"name": "Edited"})),
    "vendor_update": (VendorFactory, lambda e: relation_services.entity_update(
        entity=e, data={"name": "Edited"})),
    "bank_account_update": (BankAccountFactory, lambda e: relation_services.entity_update(
        entity=e, data={"name": "Edited"})),
    "opportunity_update": (_opportunity, lambda o: opportunity_services.opportunity_update(
        opportunity=o, data={"description": "Edited"})),
    "opportunity_close": (_opportunity, lambda o: opportunity_services.opportunity_close(
        opportunity=o, won=True)),
}  # fmt: skip


@pytest.mark.parametrize("name", EDITS)
def test_an_edit_of_a_vanished_record_is_refused_and_inserts_nothing(setup, name):
    make, edit = EDITS[name]
    instance = make()
    model = type(instance)
    count = model._base_manager.count()
    _vanish(instance)
    with pytest.raises(ValidationError) as error:
        edit(instance)
    assert error.value.code == "gone"
    assert "no longer exists" in error.value.messages[0]
    assert model._base_manager.count() == count - 1
    assert not model._base_manager.filter(pk=instance.pk).exists()


@pytest.mark.parametrize(
    "make",
    [CompanyFactory, CustomerFactory, VendorFactory, BankAccountFactory, _opportunity],
    ids=["contact", "customer", "vendor", "bank_account", "opportunity"],
)
def test_a_plain_save_of_a_vanished_numbered_record_never_inserts(setup, make):
    """The backstop for paths without the lock: Model.save() would fall back to INSERT."""
    instance = make()
    _vanish(instance)
    with pytest.raises(RecordGone), transaction.atomic():
        instance.save()
    assert not type(instance)._base_manager.filter(pk=instance.pk).exists()


def test_numbered_models_all_refuse_reinserts():
    """Every model with a number (the business key other apps link by) has the backstop."""
    from django.apps import apps

    from numbering.codes import number_fields
    from numbering.records import SaveNeverReinserts

    numbered = [
        m for m in apps.get_models() if "no" in number_fields(m) and m._meta.get_field("no").unique
    ]
    assert {Contact, Customer, Vendor, BankAccount, Opportunity} <= set(numbered)
    assert [m for m in numbered if not issubclass(m, SaveNeverReinserts)] == []


def test_the_edit_page_says_the_contact_is_gone(admin_client, setup, monkeypatch):
    """The losing edit shows a message on the form (typed values kept), not a 500."""
    company = _company()
    original = contact_services.contact_update

    def merged_meanwhile(*, contact, data):
        _vanish(contact)
        return original(contact=contact, data=data)

    monkeypatch.setattr(contact_services, "contact_update", merged_meanwhile)
    response = admin_client.post(
        reverse("contacts:edit", args=[company.no]), {"name": "Edited AS", "country": "NO"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "no longer exists" in body
    assert 'value="Edited AS"' in body
    assert not Contact.objects.filter(no=company.no).exists()


def test_editing_a_vanished_opportunity_from_its_page(admin_client, setup, monkeypatch):
    opportunity = _opportunity()
    original = opportunity_services.opportunity_close

    def deleted_meanwhile(*, opportunity, won, user=None):
        _vanish(opportunity)
        return original(opportunity=opportunity, won=won, user=user)

    monkeypatch.setattr(opportunity_services, "opportunity_close", deleted_meanwhile)
    response = admin_client.post(
        reverse("opportunities:close", args=[opportunity.no]), {"result": "won"}, follow=True
    )
    assert response.status_code == 200
    assert "no longer exists" in response.content.decode()
    assert not Opportunity.objects.exists()
