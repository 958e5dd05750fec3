"""User Setup (issue 14, item 8): users linked to salespeople; new contacts and
opportunities by that user get that salesperson before the setup's default; blocked
salespeople are refused. Also the opportunity's required sales cycle on the page (14.7)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contacts import services as contact_services
from marketing_setup.models import UserSetup
from marketing_setup.services import user_salesperson, user_setup_set
from opportunities import services as opportunity_services
from opportunities.models import Opportunity
from tests.api.conftest import token_client
from tests.factories import CompanyFactory, SalespersonFactory
from tests.opportunities.factories import setup_opportunities

pytestmark = pytest.mark.django_db


@pytest.fixture
def salespeople(setup_with_series):
    setup = setup_with_series
    setup.default_salesperson = SalespersonFactory(code="DEF", name="Default")
    setup.save()
    return {
        "own": SalespersonFactory(code="OWN", name="Own"),
        "blocked": SalespersonFactory(code="OLD", name="Old", blocked=True),
    }


@pytest.fixture
def setup_with_series(setup):
    from tests.relations.factories import make_series

    setup.contact_nos = make_series("CONT", "CT000001", manual=True)  # factories type nos.
    setup.save()
    return setup


def test_users_salesperson_comes_before_the_setup_default(staff_user, admin_user, salespeople):
    user_setup_set(user=staff_user, salesperson=salespeople["own"])
    mine = contact_services.contact_create(data={"type": "company", "name": "A"}, user=staff_user)
    theirs = contact_services.contact_create(data={"type": "company", "name": "B"}, user=admin_user)
    anonymous = contact_services.contact_create(data={"type": "company", "name": "C"})
    assert (mine.salesperson_id, theirs.salesperson_id, anonymous.salesperson_id) == (
        "OWN",
        "DEF",
        "DEF",
    )
    typed = contact_services.contact_create(
        data={"type": "company", "name": "D", "salesperson": SalespersonFactory(code="TYP")},
        user=staff_user,
    )
    assert typed.salesperson_id == "TYP"  # a typed value stays


def test_blocked_salesperson_is_refused_in_user_setup(staff_user, salespeople):
    with pytest.raises(ValidationError) as exc:
        user_setup_set(user=staff_user, salesperson=salespeople["blocked"])
    assert exc.value.message_dict["salesperson"] == [
        "Salesperson OLD is blocked and cannot be used."
    ]
    assert not UserSetup.objects.exists()


def test_a_salesperson_blocked_later_is_not_filled_in(staff_user, salespeople):
    user_setup_set(user=staff_user, salesperson=salespeople["own"])
    salespeople["own"].blocked = True
    salespeople["own"].save()
    assert user_salesperson(staff_user) is None
    contact = contact_services.contact_create(
        data={"type": "company", "name": "A"}, user=staff_user
    )
    assert contact.salesperson_id == "DEF"


def test_new_opportunity_gets_the_users_salesperson(staff_user, salespeople):
    setup_opportunities()
    user_setup_set(user=staff_user, salesperson=salespeople["own"])
    contact = CompanyFactory(salesperson=SalespersonFactory(code="CSP"))
    mine = opportunity_services.opportunity_create(
        data={"description": "A", "contact": contact}, user=staff_user
    )
    other = opportunity_services.opportunity_create(data={"description": "B", "contact": contact})
    assert (mine.salesperson_id, other.salesperson_id) == ("OWN", "CSP")


def test_opportunity_with_a_blocked_salesperson_is_refused(salespeople):
    setup_opportunities()
    with pytest.raises(ValidationError) as exc:
        opportunity_services.opportunity_create(
            data={
                "description": "A",
                "contact": CompanyFactory(),
                "salesperson": salespeople["blocked"],
            }
        )
    assert exc.value.message_dict["salesperson"] == [
        "Salesperson OLD is blocked and cannot be used."
    ]


def test_user_setup_page_links_refuses_and_is_for_administrators(
    admin_client, staff_user, salespeople, client
):
    url = reverse("marketing_setup:user_setup")
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "staff" in page.content.decode()

    response = admin_client.post(url, {"user": staff_user.pk, "salesperson": "OWN"}, follow=True)
    assert "User setup of staff saved." in response.content.decode()
    assert UserSetup.objects.get(user=staff_user).salesperson_id == "OWN"

    response = admin_client.post(url, {"user": staff_user.pk, "salesperson": "OLD"})
    assert response.status_code == 200
    assert "Salesperson OLD is blocked and cannot be used." in response.content.decode()
    assert UserSetup.objects.get(user=staff_user).salesperson_id == "OWN"

    response = admin_client.post(url, {"user": staff_user.pk, "salesperson": ""}, follow=True)
    assert not UserSetup.objects.exists()

    client.force_login(staff_user)
    assert client.get(url).status_code == 403


def test_contact_page_and_api_use_the_users_salesperson(staff_client, staff_user, salespeople):
    user_setup_set(user=staff_user, salesperson=salespeople["own"])
    response = staff_client.post(
        reverse("contacts:create") + "?type=company", {"name": "Page AS", "no": ""}
    )
    assert response.status_code == 302
    api = token_client(staff_user)
    response = api.post("/api/v1/contacts/", {"type": "company", "name": "Api AS"}, format="json")
    assert response.json()["salesperson"] == "OWN"
    from contacts.models import Contact

    assert Contact.objects.get(name="Page AS").salesperson_id == "OWN"


def test_opportunity_page_refuses_without_a_sales_cycle(staff_client):
    setup_opportunities(default_cycle=False)
    CompanyFactory(no="CT9")
    response = staff_client.post(
        reverse("opportunities:create"),
        {
            "no": "",
            "description": "New deal",
            "contact": "CT9",
            "priority": "normal",
            "creation_date": "2026-11-23",
            "estimated_value": "0",
            "chances_of_success_pct": "0",
        },
    )
    assert response.status_code == 200
    assert "Choose a sales cycle." in response.content.decode()
    assert not Opportunity.objects.exists()


def test_api_opportunity_without_a_sales_cycle_is_refused(staff_user):
    setup_opportunities(default_cycle=False)
    CompanyFactory(no="CT9")
    api = token_client(staff_user)
    response = api.post(
        "/api/v1/opportunities/", {"description": "Deal", "contact": "CT9"}, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["attr"] == "sales_cycle"
