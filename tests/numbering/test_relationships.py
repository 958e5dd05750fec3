"""No. Series Relationships (issue 14, item 10; reference 5.5): where Contact Nos. has
related series, the user chooses among them when a contact gets its number (the new
contact page and the API take a series code)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contacts import services as contact_services
from contacts.models import Contact
from numbering.models import NoSeries, NoSeriesRelationship
from numbering.services import series_check_related, series_choices
from tests.api.conftest import token_client
from tests.numbering.factories import make_series

pytestmark = pytest.mark.django_db


@pytest.fixture
def related(setup):
    cont = make_series("CONT", {"starting_no": "CT0001"}, description="Contacts")
    vip = make_series("CONT-VIP", {"starting_no": "VIP001"}, description="VIP contacts")
    make_series("OTHER", {"starting_no": "OT001"})
    NoSeriesRelationship.objects.create(series=cont, related_series=vip)
    setup.contact_nos = cont
    setup.save()
    return setup


def test_choices_are_the_default_then_its_related_series(related):
    assert [s.code for s in series_choices("CONT")] == ["CONT", "CONT-VIP"]
    assert [s.code for s in series_choices("CONT-VIP")] == ["CONT-VIP"]
    assert series_check_related("CONT", "cont-vip") == "CONT-VIP"
    assert series_check_related("CONT", "") == "CONT"
    with pytest.raises(ValidationError, match=r"Number series OTHER is not related to"):
        series_check_related("CONT", "OTHER")


def test_contact_draws_from_the_chosen_related_series(related):
    vip = contact_services.contact_create(
        data={"type": "company", "name": "Big AS", "no_series": "CONT-VIP"}
    )
    plain = contact_services.contact_create(data={"type": "company", "name": "Small AS"})
    assert (vip.no, vip.no_series) == ("VIP001", "CONT-VIP")
    assert (plain.no, plain.no_series) == ("CT0001", "CONT")


def test_an_unrelated_series_is_refused_and_nothing_drawn(related):
    with pytest.raises(ValidationError) as exc:
        contact_services.contact_create(
            data={"type": "company", "name": "Big AS", "no_series": "OTHER"}
        )
    assert exc.value.message_dict["no_series"] == [
        "Number series OTHER is not related to number series CONT. Choose CONT or a series "
        "related to it."
    ]
    assert not Contact.objects.exists()
    assert contact_services.contact_create(data={"type": "company", "name": "A"}).no == "CT0001"


def test_related_series_needs_default_nos(related):
    NoSeries.objects.filter(code="CONT-VIP").update(default_nos=False, manual_nos=True)
    with pytest.raises(ValidationError, match=r"activate Default Nos\. in No\. Series CONT-VIP"):
        contact_services.contact_create(
            data={"type": "company", "name": "Big AS", "no_series": "CONT-VIP"}
        )


def test_new_contact_page_offers_the_series_and_draws_from_the_choice(staff_client, related):
    url = reverse("contacts:create") + "?type=company"
    page = staff_client.get(url).content.decode()
    assert 'name="no_series"' in page
    assert "CONT-VIP – VIP contacts" in page
    response = staff_client.post(url, {"name": "Big AS", "no_series": "CONT-VIP"})
    assert response.status_code == 302
    assert Contact.objects.get(name="Big AS").no == "VIP001"
    response = staff_client.post(url, {"name": "Bad AS", "no_series": "OTHER"})
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()


def test_no_series_choice_without_relationships(staff_client, related):
    NoSeriesRelationship.objects.all().delete()
    page = staff_client.get(reverse("contacts:create") + "?type=company").content.decode()
    assert 'name="no_series"' not in page


def test_api_takes_a_series_code(staff_user, related):
    api = token_client(staff_user)
    body = {"type": "company", "name": "Big AS", "no_series": "CONT-VIP"}
    response = api.post("/api/v1/contacts/", body, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["no"], response.json()["no_series"]) == ("VIP001", "CONT-VIP")
    response = api.post("/api/v1/contacts/", {**body, "no_series": "OTHER"}, format="json")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["attr"] == "no_series"
    assert "not related to number series CONT" in error["detail"]


def test_deleting_either_series_deletes_the_relationship(related):
    NoSeries.objects.filter(code="CONT-VIP").delete()
    assert not NoSeriesRelationship.objects.exists()
