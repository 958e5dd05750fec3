"""Home page dashboard and global search (issue 8.8)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from contacts.models import Contact
from duplicates.models import ContactDuplicate
from interactions.models import InteractionLogEntry
from marketing_setup.models import SalesCycle, SalesCycleStage
from opportunities.models import Opportunity
from tests.relations.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(setup):
    today = timezone.localdate()
    a = Contact.objects.create(no="C1", name="Sæther Bygg AS", phone_no="+47 62 45 93 46")
    b = Contact.objects.create(no="C2", name="Saether Bygg A/S")
    ContactDuplicate.objects.create(contact=a, duplicate=b, score=96)
    for days in (0, 0, 1, 9):
        InteractionLogEntry.objects.create(contact=a, date=today - datetime.timedelta(days=days))
    cycle = SalesCycle.objects.create(code="NEW", description="New customers")
    first = SalesCycleStage.objects.create(sales_cycle=cycle, stage=1, description="Initial")
    second = SalesCycleStage.objects.create(sales_cycle=cycle, stage=2, description="Proposal")
    for no, stage, value in (
        ("OP1", first, "1000"),
        ("OP2", first, "2500.50"),
        ("OP3", second, "125000"),
    ):
        Opportunity.objects.create(
            no=no,
            description=f"Vinduer {no}",
            contact=a,
            sales_cycle=cycle,
            current_stage=stage,
            estimated_value=Decimal(value),
            status="in_progress",
        )
    Opportunity.objects.create(
        no="OP4", description="Lost", contact=a, status="lost", estimated_value=9
    )
    return today


def test_dashboard_shows_what_is_waiting_with_charts(staff_client, data):
    staff_client.get("/contacts/C2/")
    staff_client.get("/contacts/C1/")
    html = staff_client.get("/").content.decode()
    duplicates = html.split('id="dash-duplicates"')[1].split("</section>")[0]
    assert '<p class="big">1</p>' in duplicates
    interactions = html.split('id="dash-interactions"')[1].split("</section>")[0]
    today_count = 2
    week = sum(
        1
        for d in (0, 0, 1, 9)
        if data - datetime.timedelta(days=d) >= data - datetime.timedelta(days=data.weekday())
    )
    assert f"{today_count} <span" in interactions and f"{week} <span" in interactions
    assert interactions.count("<rect") == 8  # one column per week
    pipeline = html.split('id="dash-pipeline"')[1].split("</section>")[0]
    assert "3 open opportunities, NOK128,500.50" in pipeline
    assert pipeline.count("<rect") == 2  # one bar per stage
    assert "NOK3,500.50" in pipeline and "NOK125,000.00" in pipeline
    recent = html.split('id="dash-recent"')[1].split("</section>")[0]
    assert recent.index("C1 ") < recent.index("C2 ")


def test_dashboard_blocks_follow_the_roles(client, django_user_model, data):
    nobody = django_user_model.objects.create_user("nobody", password="x")
    client.force_login(nobody)
    html = client.get("/").content.decode()
    assert "dash-" not in html
    assert "Ask an administrator to give you a role" in html


def test_global_search_in_the_menu_finds_contacts_customers_and_opportunities(staff_client, data):
    CustomerFactory(no="K100", name="Sæther Bygg AS")
    page = staff_client.get("/contacts/").content.decode()
    assert 'role="search" class="global-search"' in page  # on every page
    html = staff_client.get("/search/", {"q": "62 45 93 46"}).content.decode()
    assert "Sæther Bygg AS" in html
    html = staff_client.get("/search/", {"q": "saether"}).content.decode()
    assert ">C1</a>" in html and ">C2</a>" in html
    assert "K100 Sæther Bygg AS" in staff_client.get("/search/", {"q": "bygg"}).content.decode()
    html = staff_client.get("/search/", {"q": "OP3"}).content.decode()
    assert "Vinduer OP3" in html
    assert "Nothing found." in staff_client.get("/search/", {"q": "zzqq"}).content.decode()


@pytest.mark.parametrize(
    ("language", "header"),
    [("en", "CRM administration"), ("nb", "CRM-administrasjon"), ("nl", "CRM-beheer")],
)
def test_admin_header_names_the_product(admin_user, client, language, header):
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    html = client.get("/admin/", headers={"accept-language": language}).content.decode()
    assert header in html and "Django" not in html.split("<body")[1]
