"""Bulk company updates (QuerySet.update, no post_save) still reach linked entities."""

from __future__ import annotations

import pytest

from contacts.models import Contact
from contacts.services import company_bulk_update
from relations import services
from tests.factories import CompanyFactory
from tests.relations.factories import setup_sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked():
    """A company contact that is a customer, and an unlinked one."""
    setup_sync()
    company = CompanyFactory(
        name="Fjord AS", address="Kaia 1", post_code="5003", city="Bergen", phone_no="111"
    )
    customer = services.contact_create_customer(contact=company)
    return company, customer


def test_bulk_update_of_companies_reaches_their_customer(linked):
    company, customer = linked
    unlinked = CompanyFactory(city="Bergen")

    updated = company_bulk_update(
        companies=Contact.objects.filter(pk__in=[company.pk, unlinked.pk]),
        values={"phone_no": "555", "address": "Bryggen 7", "city": "Bergen"},
    )

    assert updated == 2
    customer.refresh_from_db()
    assert (customer.phone_no, customer.address) == ("555", "Bryggen 7")


def test_bulk_update_that_changes_the_selection_still_syncs(linked):
    company, customer = linked
    # The queryset selects by city, and the update changes the city.
    company_bulk_update(
        companies=Contact.objects.filter(city="Bergen"),
        values={"city": "Stavanger", "post_code": "4006"},
    )
    customer.refresh_from_db()
    assert Contact.objects.get(pk=company.pk).city == "Stavanger"
    assert (customer.city, customer.post_code) == ("Stavanger", "4006")


def test_bulk_sync_finds_the_linked_among_many_ids_in_one_query(linked, django_assert_num_queries):
    company, customer = linked
    others = [CompanyFactory() for _ in range(3)]
    Contact.objects.filter(pk=company.pk).update(phone_no="777")
    # More ids than SQLite's classic limit of 999 parameters: still one query to find them.
    unlinked = [o.pk for o in others] + list(range(10**6, 10**6 + 1500))
    with django_assert_num_queries(1):  # the linked contacts (none): nothing to sync
        assert services.contacts_to_entities_sync_bulk(unlinked) == 0
    assert services.contacts_to_entities_sync_bulk([*unlinked, company.pk]) == 1
    customer.refresh_from_db()
    assert customer.phone_no == "777"
