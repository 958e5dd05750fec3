"""Bulk writes (import, bulk company update) fire no save signals; the index follows anyway."""

import pytest

from contacts.importing import HEADER, import_contacts
from contacts.models import Contact
from contacts.services import company_bulk_update
from duplicates import services
from duplicates.models import ContactDuplicate, ContactSearchString
from tests.duplicates.factories import cannon_pair

pytestmark = pytest.mark.django_db


def _row(no, name, **extra):
    row = dict.fromkeys(HEADER, "")
    row.update(type="company", no=no, name=name, **extra)
    return row


def _strings(no):
    return dict(
        ((f, p), s)
        for f, p, s in ContactSearchString.objects.filter(contact__no=no).values_list(
            "field", "part", "string"
        )
    )


def test_imported_companies_get_strings_and_pairs(setup, django_capture_on_commit_callbacks):
    kept, _other = cannon_pair()
    rows = [
        _row(
            "IMP001",
            "Cannon Group AS",
            address="Storgata 1",
            post_code="0155",
            city="Oslo",
            phone_no="22 33 44 55",
            vat_registration_no="NO 912 345 678 MVA",
            country_region_code="NO",
        )
    ]
    with django_capture_on_commit_callbacks(execute=True):
        result = import_contacts(rows)
    assert result.errors == []
    assert _strings("IMP001")[("name", "first")] == "CANNO"
    imported = Contact.objects.get(no="IMP001")
    assert ContactDuplicate.objects.involving(imported).filter(duplicate=kept).exists() or (
        ContactDuplicate.objects.involving(imported).filter(contact=kept).exists()
    )


def test_large_bulk_change_builds_strings_without_search(setup, monkeypatch):
    monkeypatch.setattr("duplicates.services.search.BULK_SEARCH_LIMIT", 1)
    kept, other = cannon_pair()
    ContactSearchString.objects.all().delete()
    ContactDuplicate.objects.all().delete()
    assert services.contacts_bulk_changed(contact_ids=[kept.pk, other.pk]) == 2
    assert _strings(kept.no) and _strings(other.no)
    assert not ContactDuplicate.objects.exists()  # search is left to find_duplicates


def test_bulk_company_update_refreshes_strings(setup):
    kept, _other = cannon_pair()
    company_bulk_update(
        companies=Contact.objects.filter(pk=kept.pk), values={"name": "Zebra Consulting AS"}
    )
    assert _strings(kept.no)[("name", "first")] == "ZEBRA"


def test_nothing_is_indexed_when_the_setup_does_not_maintain_strings(setup):
    kept, _other = cannon_pair()
    setup.autosearch_for_duplicates = False
    setup.maintain_search_strings = False
    setup.save()
    ContactSearchString.objects.all().delete()
    assert services.contacts_bulk_changed(contact_ids=[kept.pk]) == 0
    assert not _strings(kept.no)
