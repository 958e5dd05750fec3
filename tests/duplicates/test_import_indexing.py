"""13.10: the import's new companies are indexed in the import's own transaction."""

import pytest
from django.db import transaction

from contacts.importing import import_contacts
from contacts.models import Contact
from duplicates.models import ContactSearchString
from tests.duplicates.test_hooks import _row

pytestmark = pytest.mark.django_db


def test_search_strings_written_before_the_commit(setup):
    # No on_commit callback runs in a test transaction: the strings must already be there.
    rows = [_row(f"IMP{i:03}", f"Fjord Data {i} AS", city="Bergen") for i in range(300)]
    assert import_contacts(rows).errors == []
    indexed = ContactSearchString.objects.values("contact").distinct().count()
    assert indexed == Contact.objects.count() == 300


def test_rolled_back_import_leaves_no_strings(setup):
    with pytest.raises(RuntimeError), transaction.atomic():
        import_contacts([_row("IMP001", "Fjord Data AS")])
        raise RuntimeError("the caller's transaction fails after the import")
    assert not ContactSearchString.objects.exists() and not Contact.objects.exists()
