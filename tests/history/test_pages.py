"""The History section on cards, the history pages and their query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Contact
from contacts.services import contact_update
from history import context as history
from history.models import Cause, Change

pytestmark = pytest.mark.django_db


def test_person_card_shows_the_propagated_change_linked_to_its_company(staff_client, firm):
    with history.operation(Cause.EDIT):
        contact_update(contact=firm, data={"city": "Bergen"})
    person = Contact.objects.filter(company=firm).first()
    html = staff_client.get(reverse("contacts:detail", args=[person.no])).content.decode()
    section = html[html.index('id="history"') :]
    assert "Oslo" in section and "Bergen" in section
    assert f'href="{reverse("contacts:detail", args=[firm.no])}">{firm.no}</a>' in section


def test_card_history_filters_by_field(staff_client, firm):
    contact_update(contact=firm, data={"city": "Bergen"})
    contact_update(contact=Contact.objects.get(pk=firm.pk), data={"phone_no": "55 55 55 55"})
    url = reverse("contacts:detail", args=[firm.no])
    html = staff_client.get(url, {"history_field": "phone_no"}).content.decode()
    section = html[html.index('id="history"') :]
    assert "55 55 55 55" in section
    assert "Bergen" not in section
    assert '<option value="city">' in section  # the other fields stay choosable


def _card_queries(client, contact, changes: int) -> int:
    for i in range(changes):
        contact_update(contact=Contact.objects.get(pk=contact.pk), data={"city": f"By {i}"})
    # The first request also reads the user's permissions (kept for the next).
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("contacts:detail", args=[contact.no]))
    assert response.status_code == 200
    assert f"By {changes - 1}" in response.content.decode()
    return len(ctx.captured_queries)


def test_reading_history_keeps_the_card_query_count_constant(staff_client, firm):
    person = Contact.objects.filter(company=firm).first()
    other = Contact.objects.filter(company=firm).last()
    # Both longer than a page (PAGE_SIZE rows): the count does not grow with the rows.
    assert _card_queries(staff_client, person, 25) == _card_queries(staff_client, other, 45)


def test_a_history_within_one_page_offers_its_fields_with_a_query_fewer(staff_client, firm):
    from django.contrib.contenttypes.models import ContentType

    from history.models import Change
    from history.selectors import object_history

    short, long = Contact.objects.filter(company=firm).order_by("no")[:2]
    contact_update(contact=short, data={"phone_no": "22 22 22 22"})
    assert _card_queries(staff_client, short, 2) == _card_queries(staff_client, long, 25) - 1
    # The fields its rows changed are the fields the whole log of it names.
    logged = Change.objects.for_objects(ContentType.objects.get_for_model(Contact).pk, [short.pk])
    names = set(logged.exclude(field="").values_list("field", flat=True))
    assert {"city", "phone_no"} <= names
    assert {name for name, _label in object_history(short).fields} == names
    html = staff_client.get(reverse("contacts:detail", args=[short.no])).content.decode()
    section = html[html.index('id="history"') :]
    assert '<option value="city">' in section and '<option value="phone_no">' in section


def test_full_history_page_pages_back(staff_client, firm):
    for i in range(55):
        contact_update(contact=Contact.objects.get(pk=firm.pk), data={"city": f"By {i}"})
    url = reverse("history:object", args=["contacts.contact", firm.pk])
    first = staff_client.get(url)
    assert first.status_code == 200
    html = first.content.decode()
    assert "By 54" in html and "By 3<" not in html
    older = first.context["page"].next_before
    assert "By 3<" in staff_client.get(url, {"before": older}).content.decode()


def test_event_page_lists_everything_the_operation_changed(staff_client, firm):
    with history.operation(Cause.EDIT) as op:
        contact_update(contact=firm, data={"city": "Bergen"})
    html = staff_client.get(reverse("history:event", args=[op.event.pk])).content.decode()
    persons = Contact.objects.filter(company=firm)
    for person in persons:
        assert person.no in html
    assert html.count("Bergen") == 4


def test_staff_see_history_users_without_a_role_do_not(client, django_user_model, firm):
    user = django_user_model.objects.create_user("norole", password="pw-x-123456")
    client.force_login(user)
    url = reverse("history:object", args=["contacts.contact", firm.pk])
    assert client.get(url).status_code == 403


def test_the_change_log_cannot_be_edited_in_the_admin(admin_client, firm):
    change = Change.objects.first()
    url = reverse("admin:history_change_change", args=[change.pk])
    assert admin_client.get(url).status_code == 200  # view only
    assert admin_client.post(url, {"old": "x"}).status_code == 403
    assert admin_client.get(reverse("admin:history_change_add")).status_code == 403
