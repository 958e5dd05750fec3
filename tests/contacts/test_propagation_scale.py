"""A company change reaching many persons costs the same statements as one reaching few
(issue 15.5): the set-based push, the change log, relations' sync and the duplicates
upkeep all work on the set, never per person."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Contact
from contacts.services import contact_create, contact_update
from history.models import Change

pytestmark = pytest.mark.django_db


def company_with_persons(no: str, persons: int) -> Contact:
    firm = contact_create(
        data={
            "type": "company",
            "no": no,
            "name": f"Firma {no}",
            "address": "Gate 1",
            "city": "Oslo",
        }
    )
    Contact.objects.bulk_create(
        [
            Contact(
                type="person",
                no=f"{no}-{i:05d}",
                name=f"Person {i}",
                search_name=f"PERSON {i}",
                company=firm,
                address="Gate 1",
                city="Oslo",
            )
            for i in range(persons)
        ],
        batch_size=1000,
    )
    return firm


def test_query_count_is_the_same_for_100_and_3000_persons(
    setup_with_series, django_assert_num_queries
):
    small = company_with_persons("SMALL", 100)
    large = company_with_persons("LARGE", 3000)
    # Different new addresses: the two companies do not become duplicate candidates of
    # each other (the duplicates upkeep would then read the candidate, one query more).
    with CaptureQueriesContext(connection) as small_run:
        contact_update(contact=small, data={"address": "Strandveien 9", "city": "Tromsø"})
    with django_assert_num_queries(len(small_run.captured_queries)):
        contact_update(contact=large, data={"address": "Ny gate 2", "city": "Bergen"})
    assert Contact.objects.filter(company=small, city="Tromsø").count() == 100
    assert Contact.objects.filter(company=large, city="Bergen", address="Ny gate 2").count() == 3000
    # Each person's change is in the log (old → new, via the company).
    person = Contact.objects.get(no="LARGE-02999")
    logged = (
        Change.objects.for_objects(ContentType.objects.get_for_model(Contact).pk, [person.pk])
        .filter(action="update")
        .per_object(object_ids=[person.pk])
    )
    assert {(c.field, c.old, c.new, c.via_repr) for c in logged} == {
        ("address", "Gate 1", "Ny gate 2", "LARGE"),
        ("city", "Oslo", "Bergen", "LARGE"),
    }
