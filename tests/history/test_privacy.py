"""Privacy Blocked, anonymisation of a person and the export of everything held about a
contact (11.5)."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contacts.exporting import contact_export_rows
from contacts.models import Contact
from contacts.privacy import person_anonymise
from contacts.services import contact_update
from history import context as history
from history.models import Cause, Change
from interactions.models import InteractionLogEntry
from interactions.services import interaction_log
from tests.interactions.factories import InteractionTemplateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(firm):
    person = Contact.objects.filter(company=firm).order_by("no").first()
    with history.operation(Cause.EDIT):
        contact_update(contact=person, data={"job_title": "Daglig leder", "email": "kari@fjord.no"})
    return Contact.objects.get(pk=person.pk)


def _block(contact):
    with history.operation(Cause.EDIT):
        contact_update(contact=contact, data={"privacy_blocked": True})
    return Contact.objects.get(pk=contact.pk)


def test_a_privacy_blocked_contact_gets_no_new_interactions(person):
    person = _block(person)
    with pytest.raises(ValidationError, match="privacy blocked"):
        interaction_log(contact=person, template=InteractionTemplateFactory(code="CALL"))
    assert not InteractionLogEntry.objects.exists()


def test_a_privacy_blocked_contact_gets_no_new_opportunities(person):
    from opportunities.services import opportunity_create
    from tests.opportunities.factories import setup_opportunities

    setup_opportunities()
    person = _block(person)
    with pytest.raises(ValidationError, match="privacy blocked"):
        opportunity_create(data={"description": "Anlegg", "contact": person})


def test_a_privacy_blocked_contact_gets_no_new_business_relations(firm):
    from relations.services import contact_business_relation_add
    from tests.factories import BusinessRelationFactory

    company = _block(firm)
    with pytest.raises(ValidationError, match="privacy blocked"):
        contact_business_relation_add(
            contact=company, business_relation=BusinessRelationFactory(code="PROSPECT")
        )


def test_privacy_blocked_contacts_are_left_out_of_exports(person):
    _block(person)
    exported = [row[1] for row in contact_export_rows(Contact.objects.all())]
    assert person.no not in exported and len(exported) == 3


def test_the_card_shows_privacy_blocked(person, staff_client):
    _block(person)
    html = staff_client.get(reverse("contacts:detail", args=[person.no])).content.decode()
    assert "Privacy blocked" in html


def test_anonymise_erases_personal_data_keeps_rows_and_history_values(person):
    entry = interaction_log(contact=person, template=InteractionTemplateFactory(code="CALL"))
    result = person_anonymise(person=person)
    person.refresh_from_db()
    assert (person.name, person.email, person.job_title, person.address) == ("", "", "", "")
    assert person.no and person.company_id  # the record stays
    entry.refresh_from_db()
    assert entry.contact_id == person.pk and entry.contact_name == ""
    assert result.kept == [("Interaction log entries", 1)]
    logged = Change.objects.filter(object_id=str(person.pk), content_type__model="contact")
    texts = " ".join(f"{c.old} {c.new}" for c in logged)
    assert "Kari" not in texts and "kari@fjord.no" not in texts and "Daglig" not in texts
    assert logged.filter(event__cause=Cause.ANONYMISE).count() == 1


def test_companies_cannot_be_anonymised(firm):
    with pytest.raises(ValidationError, match="Only persons"):
        person_anonymise(person=firm)


def test_staff_cannot_anonymise(person, staff_client):
    url = reverse("contacts:anonymise", args=[person.no])
    card = reverse("contacts:detail", args=[person.no])
    assert url not in staff_client.get(card).content.decode()
    assert staff_client.post(url).status_code == 403
    assert Contact.objects.get(pk=person.pk).email == "kari@fjord.no"


def test_administrator_anonymises_from_the_card(person, admin_client):
    url = reverse("contacts:anonymise", args=[person.no])
    card = reverse("contacts:detail", args=[person.no])
    assert url in admin_client.get(card).content.decode()
    response = admin_client.post(url, follow=True)
    assert "was anonymised" in response.content.decode()
    assert Contact.objects.get(pk=person.pk).email == ""


def test_export_of_everything_as_json_and_as_a_page(person, staff_client):
    interaction_log(contact=person, template=InteractionTemplateFactory(code="CALL"))
    url = reverse("contacts:privacy_export", args=[person.no])
    response = staff_client.get(url, {"format": "json"})
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["contact"]["e-mail"] == "kari@fjord.no"
    assert len(data["related"]["Interaction log entries"]) == 1
    assert any(c["new"] == "Daglig leder" for e in data["history"] for c in e["changes"])
    page = staff_client.get(url).content.decode()
    assert "kari@fjord.no" in page and "Daglig leder" in page
