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


def _index_rows():
    from duplicates.models import ContactMatchKey, ContactMatchProfile

    return (
        sorted(ContactSearchString.objects.values_list("contact__no", "field", "part", "string")),
        sorted(ContactMatchKey.objects.values_list("contact__no", "key")),
        sorted(ContactMatchProfile.objects.values_list("contact__no", "fingerprint", "data")),
    )


def test_a_large_import_indexes_as_a_full_rebuild_does(setup):
    # Over BULK_SEARCH_LIMIT companies: the bulk path (one multi-row insert per table on
    # PostgreSQL, nothing deleted first for contacts just created).
    from duplicates.services import search_strings_rebuild

    rows = [
        _row(
            f"IMP{i:03}",
            f"Fjord Data {i} AS",
            address=f"Strandgaten {i}",
            post_code=f"{5000 + i}",
            city="Bergen",
            phone_no=f"55 00 {i:02} {i % 7:02}",
            email=f"post{i}@fjord{i}.no",
        )
        for i in range(260)
    ]
    assert import_contacts(rows).errors == []
    imported = _index_rows()
    assert all(imported) and {no for no, *_ in imported[0]} == {r["no"] for r in rows}
    search_strings_rebuild()
    assert _index_rows() == imported


@pytest.mark.parametrize("size", [1, 2, 3, 5, 9, 10])
def test_id_chunks_reads_every_contact_of_the_kind_once(setup, size):
    from duplicates.services.index import id_chunks

    made = [
        Contact.objects.create(no=f"K{i:02}", name=f"K {i}", type=kind)
        for i, kind in enumerate(["company", "person"] * 5)
    ]
    chunks = list(id_chunks(Contact.objects.all(), ["no"], kind="company", size=size))
    assert [no for chunk in chunks for _id, no in chunk] == [
        c.no for c in made if c.type == "company"
    ]
