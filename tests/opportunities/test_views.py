"""Opportunity pages, card panel and admin."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from opportunities import services
from opportunities.models import Opportunity
from tests.factories import CompanyFactory, PersonFactory, SalespersonFactory
from tests.opportunities.factories import setup_opportunities

pytestmark = pytest.mark.django_db


@pytest.fixture
def opportunities():
    setup_opportunities()
    company = CompanyFactory(no="CT1", name="Fjord AS")
    other = CompanyFactory(no="CT2", name="Polder BV")
    sp = SalespersonFactory(code="JO")
    services.opportunity_create(
        data={"description": "Boats", "contact": company, "salesperson": sp}
    )
    won = services.opportunity_create(data={"description": "Nets", "contact": other})
    services.opportunity_close(opportunity=won, won=True)
    return company, other


def test_list_and_filters(staff_client, opportunities):
    url = reverse("opportunities:list")
    body = staff_client.get(url).content.decode()
    assert "Boats" in body and "Nets" in body
    body = staff_client.get(url, {"status": "won"}).content.decode()
    assert "Nets" in body and "Boats" not in body
    body = staff_client.get(url, {"salesperson": "JO"}).content.decode()
    assert "Boats" in body and "Nets" not in body
    body = staff_client.get(url, {"contact": "CT2"}).content.decode()
    assert "Nets" in body and "Boats" not in body


def test_list_queries_do_not_grow(staff_client, django_assert_max_num_queries):
    setup_opportunities()
    company = CompanyFactory()
    for i in range(25):
        services.opportunity_create(data={"description": f"O{i}", "contact": company})
    with django_assert_max_num_queries(12):
        assert staff_client.get(reverse("opportunities:list")).status_code == 200


def test_list_paginates(staff_client):
    setup_opportunities()
    company = CompanyFactory()
    for i in range(55):
        services.opportunity_create(data={"description": f"Deal {i}", "contact": company})
    body = staff_client.get(reverse("opportunities:list")).content.decode()
    assert "1–50 of 55" in body
    next_url = re.search(r'rel="next" href="([^"]+)"', body).group(1).replace("&amp;", "&")
    body = staff_client.get(reverse("opportunities:list") + next_url).content.decode()
    assert "51–55 of 55" in body
    assert "Deal 0<" in body  # oldest last (newest first)


def test_create_page_with_contact_preselected(staff_client):
    setup_opportunities()
    company = CompanyFactory(no="CT9")
    response = staff_client.get(reverse("opportunities:create"), {"contact": "CT9"})
    assert 'value="CT9"' in response.content.decode()
    assert '<option value="NEW" selected>' in response.content.decode()  # setup default
    response = staff_client.post(
        reverse("opportunities:create"),
        {
            "no": "",
            "description": "New deal",
            "contact": "CT9",
            "priority": "normal",
            "creation_date": "2026-11-23",
            "estimated_value": "1000",
            "chances_of_success_pct": "0",
        },
    )
    opp = Opportunity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("opportunities:detail", args=[opp.no])
    assert opp.contact == company
    assert opp.sales_cycle_id == "NEW"
    body = staff_client.get(response["Location"]).content.decode()
    assert "Opportunity OP000001 has been created." in body


def test_create_page_shows_typed_number_error(staff_client):
    setup_opportunities(manual=False)
    CompanyFactory(no="CT9")
    response = staff_client.post(
        reverse("opportunities:create"),
        {
            "no": "X1",
            "description": "New deal",
            "contact": "CT9",
            "priority": "normal",
            "creation_date": "2026-11-23",
            "estimated_value": "0",
            "chances_of_success_pct": "0",
        },
    )
    assert response.status_code == 200
    assert "activate Manual Nos. in No. Series OPP" in response.content.decode()
    assert not Opportunity.objects.exists()


def test_edit_and_close(staff_client, opportunities):
    opp = Opportunity.objects.get(description="Boats")
    response = staff_client.post(
        reverse("opportunities:edit", args=[opp.no]),
        {
            "description": "Big boats",
            "contact": "CT1",
            "status": "in_progress",
            "priority": "high",
            "creation_date": "2026-11-23",
            "estimated_value": "5000",
            "chances_of_success_pct": "40",
        },
    )
    assert response.status_code == 302
    opp.refresh_from_db()
    assert (opp.description, opp.priority, opp.status) == ("Big boats", "high", "in_progress")
    staff_client.post(reverse("opportunities:close", args=[opp.no]), {"result": "lost"})
    opp.refresh_from_db()
    assert opp.status == "lost"


def test_detail_page(staff_client, opportunities):
    opp = Opportunity.objects.get(description="Boats")
    body = staff_client.get(reverse("opportunities:detail", args=[opp.no])).content.decode()
    assert "Fjord AS" in body
    assert "Initial" in body  # the sales cycle's stages


def test_permissions(client, django_user_model, opportunities):
    user = django_user_model.objects.create_user("nobody", password="x")
    client.force_login(user)
    assert client.get(reverse("opportunities:list")).status_code == 403
    assert client.get(reverse("opportunities:create")).status_code == 403
    opp = Opportunity.objects.first()
    assert client.get(reverse("opportunities:detail", args=[opp.no])).status_code == 403
    assert client.post(reverse("opportunities:close", args=[opp.no])).status_code == 403


def test_card_panel_lists_company_and_person_opportunities(staff_client):
    setup_opportunities()
    company = CompanyFactory(no="CT1")
    person = PersonFactory(company=company)
    services.opportunity_create(data={"description": "Via person", "contact": person})
    body = staff_client.get(reverse("contacts:detail", args=["CT1"])).content.decode()
    assert "Via person" in body
    assert f"{reverse('opportunities:create')}?contact=CT1" in body


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(user)
    return client


def test_admin_pages(superuser_client, opportunities):
    assert (
        superuser_client.get(reverse("admin:opportunities_opportunity_changelist")).status_code
        == 200
    )
    url = reverse("admin:opportunities_opportunity_changelist")
    assert superuser_client.get(url, {"q": "Boats"}).status_code == 200
    assert superuser_client.get(reverse("admin:opportunities_opportunity_add")).status_code == 200


def test_admin_add_goes_through_service(superuser_client):
    setup_opportunities()
    company = CompanyFactory()
    response = superuser_client.post(
        reverse("admin:opportunities_opportunity_add"),
        {
            "no": "",
            "description": "Admin deal",
            "contact": company.pk,
            "status": "not_started",
            "priority": "normal",
            "creation_date": "2026-11-23",
            "estimated_value": "0",
            "chances_of_success_pct": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    opp = Opportunity.objects.get()
    assert (opp.no, opp.sales_cycle_id, opp.contact_company_id) == ("OP000001", "NEW", company.pk)


def test_admin_add_typed_number_refused(superuser_client):
    setup_opportunities(manual=False)
    company = CompanyFactory()
    response = superuser_client.post(
        reverse("admin:opportunities_opportunity_add"),
        {
            "no": "X1",
            "description": "Admin deal",
            "contact": company.pk,
            "status": "not_started",
            "priority": "normal",
            "creation_date": "2026-11-23",
            "estimated_value": "0",
            "chances_of_success_pct": "0",
        },
    )
    assert response.status_code == 200
    assert "activate Manual Nos. in No. Series OPP" in response.content.decode()
    assert not Opportunity.objects.exists()


def test_close_button_posted_twice_keeps_the_first_result(staff_client, opportunities):
    opp = Opportunity.objects.get(description="Boats")
    url = reverse("opportunities:close", args=[opp.no])
    staff_client.post(url, {"result": "won"})
    response = staff_client.post(url, {"result": "lost"}, follow=True)
    opp.refresh_from_db()
    assert opp.status == "won"
    assert f"Opportunity {opp.no} is already closed." in response.content.decode()


def test_list_keeps_the_valid_filters_when_one_is_invalid(staff_client, opportunities):
    response = staff_client.get(
        reverse("opportunities:list"), {"status": "won", "salesperson": "NOBODY"}
    )
    assert response.status_code == 200
    assert [o.description for o in response.context["page"]] == ["Nets"]
    assert "Select a valid choice." in response.content.decode()


@pytest.mark.parametrize("made", [0, 3, 10, 11, 14])
def test_card_panel_total_counts_every_opportunity(rf, staff_user, made):
    # Up to the panel's size the total comes from the rows shown, above it from a count.
    from opportunities.views import PANEL_SIZE, contact_panel_context

    setup_opportunities()
    company = CompanyFactory(no="CT1")
    for i in range(made):
        services.opportunity_create(data={"description": f"Deal {i}", "contact": company})
    services.opportunity_create(data={"description": "Elsewhere", "contact": CompanyFactory()})
    request = rf.get("/")
    request.user = staff_user
    context = contact_panel_context(request, company)
    assert context["opportunities_total"] == made
    shown = [o.description for o in context["opportunities"]]
    assert shown == [f"Deal {i}" for i in reversed(range(made))][:PANEL_SIZE]
