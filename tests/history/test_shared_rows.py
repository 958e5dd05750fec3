"""A company's change passed on to its persons is logged as ONE row per field with the
persons in the narrow ChangeObject table (issue 11 "Measure"), and read everywhere as
if each person had rows of its own: the card, the event page, undo conflicts, the
anonymisation."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from contacts.models import Contact
from contacts.privacy import person_anonymise
from contacts.services import contact_update
from history import context as history
from history.models import Cause, Change, ChangeObject
from history.revert import revert_check
from history.selectors import changed_objects, event_changes, object_history

pytestmark = pytest.mark.django_db


def _move(firm, city, address):
    with history.operation(Cause.EDIT) as op:
        contact_update(contact=firm, data={"city": city, "address": address})
    return op.event


def test_one_row_per_field_and_the_persons_beside_it(firm):
    event = _move(firm, "Bergen", "Bryggen 1")
    persons = sorted(Contact.objects.filter(company=firm).values_list("pk", flat=True))
    shared = Change.objects.filter(event=event, object_id="")
    assert sorted(shared.values_list("field", flat=True)) == ["address", "city"]
    lead = shared.get(objects_of=None)
    assert (
        sorted(ChangeObject.objects.filter(change=lead).values_list("object_id", flat=True))
        == persons
    )
    # Read as rows of their own: the company's two and two per person.
    changes = changed_objects(event)["contacts.contact"]
    assert {int(pk) for pk in changes} == {firm.pk, *persons}
    assert all(sorted(fields) == ["address", "city"] for fields in changes.values())
    assert Change.objects.filter(event=event).count_per_object() == 2 * (len(persons) + 1)


def test_each_person_reads_its_own_old_and_new_value(staff_client, firm):
    _move(firm, "Bergen", "Bryggen 1")
    person = Contact.objects.filter(company=firm).order_by("no").last()
    page = object_history(person)
    rows = [row for _info, rows in page.rows for row in rows]
    assert {(r.field, r.old, r.new, r.via_label) for r in rows} >= {
        ("city", "Oslo", "Bergen", firm.no),
        ("address", "Gate 1", "Bryggen 1", firm.no),
    }
    assert ("city", "City") in page.fields
    html = staff_client.get(
        reverse("history:object", args=["contacts.contact", person.pk])
    ).content.decode()
    assert "Bryggen 1" in html and "Gate 1" in html


def test_a_later_shared_change_stands_in_the_way_of_an_undo(firm):
    first = _move(firm, "Bergen", "Bryggen 1")
    _move(firm, "Molde", "Torget 2")
    persons = list(Contact.objects.filter(company=firm).order_by("no"))
    conflicts = revert_check(list(Change.objects.filter(event=first).per_object()))
    for person in persons:
        assert any(person.no in text and "City" in text for text in conflicts), conflicts


def test_anonymise_erases_a_shared_change_for_that_person_only(firm):
    event = _move(firm, "Bergen", "Bryggen 1")
    kari, ola = Contact.objects.filter(company=firm).order_by("no")[:2]
    person_anonymise(person=kari)
    ct = ContentType.objects.get_for_model(Contact).pk

    def city_row(person):
        (row,) = (
            Change.objects.for_objects(ct, [person.pk])
            .filter(event=event, field="city")
            .per_object(object_ids=[person.pk])
        )
        return row

    assert city_row(kari).erased and city_row(kari).old is None
    assert (city_row(ola).old, city_row(ola).new) == ("Oslo", "Bergen")
    rows = [row for _info, rows in object_history(kari).rows for row in rows]
    assert "Bergen" not in {r.new for r in rows} and "Oslo" not in {r.old for r in rows}


def test_a_change_no_person_follows_writes_no_shared_row(firm):
    Contact.objects.filter(company=firm).update(city="Moss")  # each typed its own city
    event = _move(firm, "Bergen", "Gate 1")
    assert not Change.objects.filter(event=event, object_id="").exists()
    assert not ChangeObject.objects.exists()


def test_the_event_names_each_person_by_number_also_one_deleted_since(firm):
    """ChangeObject keeps only the key: the number is read when shown, from the person
    or, once it is deleted, from its delete row."""
    event = _move(firm, "Bergen", "Bryggen 1")
    kari, ola, per = Contact.objects.filter(company=firm).order_by("no")
    assert not hasattr(ChangeObject, "object_repr")
    per_no = per.no
    per.delete()
    labels = {(row.object_label, row.field) for row in event_changes(event)}
    for no in (kari.no, ola.no, per_no):
        assert (f"Contact {no}", "city") in {(label, field) for label, field in labels}
    (row,) = [
        row for _info, rows in object_history(ola).rows for row in rows if row.field == "city"
    ]
    assert row.change.object_repr == ola.no
