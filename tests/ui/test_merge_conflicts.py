"""Merge without surprises (issue 8.7): the conflicts the merge would refuse are shown on
the compare and merge pages first, in plain words with a link to resolve them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from contacts.models import Contact
from duplicates import services
from duplicates.models import ContactDuplicate
from tests.duplicates.test_review import _link, cannon_pair
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked_pair(setup):
    kept, other = cannon_pair()
    _link(kept, "CUST", "customer", "C00013")
    _link(other, "CUST", "customer", "C00014")
    PersonFactory(company=other)
    return kept, other, ContactDuplicate.objects.get()


def test_the_check_is_the_merge_s_own_and_changes_nothing(linked_pair):
    kept, other, _pair = linked_pair
    conflicts = services.merge_conflicts(keep=kept, merge=other)
    assert len(conflicts) == 1
    text = conflicts[0].message
    assert "Both contacts are linked to a customer" in text
    assert "C00013" in text and "C00014" in text and other.no in text
    assert conflicts[0].resolve_url == f"/contacts/{other.no}/#panel-relations"
    # The dry run left every row where it was, and the merge refuses with the same words.
    assert other.persons.count() == 1
    with pytest.raises(Exception) as error:
        services.contacts_merge(keep=kept, merge=other)
    assert text in " ".join(error.value.messages)
    assert Contact.objects.filter(pk=other.pk).exists()


def test_compare_and_merge_pages_show_the_conflict_before_merge(staff_client, linked_pair):
    _kept, other, pair = linked_pair
    compare = staff_client.get(reverse("duplicates:compare", args=[pair.pk])).content.decode()
    assert "1 conflict stops this merge" in compare
    assert f'href="/contacts/{other.no}/#panel-relations"' in compare
    merge = staff_client.get(reverse("duplicates:merge", args=[pair.pk])).content.decode()
    assert "1 conflict stops this merge" in merge
    assert 'disabled aria-describedby="merge-conflicts"' in merge
    # Rows that move, in human terms; no internal ids, no model labels.
    assert "<li>1 person</li>" in merge and "<li>customer C00014</li>" in merge
    assert "Contacts (company)" not in merge


@pytest.mark.parametrize(
    ("language", "words"),
    [("nb", ["Begge kontaktene", "kunde", "C00014"]), ("nl", ["Beide contacten", "klant"])],
)
def test_the_conflict_is_translated(staff_client, linked_pair, language, words):
    pair = linked_pair[2]
    html = staff_client.get(
        reverse("duplicates:compare", args=[pair.pk]), headers={"accept-language": language}
    ).content.decode()
    for word in words:
        assert word in html
    assert "customer" not in html.split("<main")[1].split("</main>")[0]


def test_after_removing_the_link_the_merge_goes_through(staff_client, linked_pair):
    kept, other, pair = linked_pair
    other.business_relations.all().delete()
    assert services.merge_conflicts(keep=kept, merge=other) == []
    with translation.override("en"):
        html = staff_client.get(reverse("duplicates:merge", args=[pair.pk])).content.decode()
    assert "conflict stops" not in html
