import pytest
from django.urls import NoReverseMatch, reverse

from interactions import services

pytestmark = pytest.mark.django_db


def _card_url(contact):
    try:
        return reverse("contacts:detail", kwargs={"no": contact.no})
    except NoReverseMatch:
        pytest.skip("the contact card page is not available")


def test_contact_card_shows_the_interactions_panel(staff_client, company, person, outgoing):
    services.interaction_log(contact=person, template=outgoing, description="Chairs call")

    html = staff_client.get(_card_url(company)).content.decode()

    assert 'id="interactions-panel"' in html
    assert "Chairs call" in html  # a company's card shows its persons' entries
    assert reverse("interactions:log_phone_call", args=[company.no]) in html
    assert reverse("interactions:cover_sheet", args=[company.no]) in html
