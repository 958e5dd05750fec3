"""History sections on the customer, vendor, bank account and opportunity pages, and the
admin's History page of a tracked object (11.2)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from history import context as history
from history.models import Cause
from opportunities.models import Opportunity
from opportunities.services import opportunity_create, opportunity_update
from relations import services as relations
from relations.models import BankAccount, Customer, Vendor
from tests.opportunities.factories import setup_opportunities
from tests.relations.factories import setup_sync

pytestmark = pytest.mark.django_db


def _section(html: str) -> str:
    return html[html.index('id="history"') :]


def _edit(entity, **data):
    fresh = type(entity).objects.get(pk=entity.pk)
    with history.operation(Cause.EDIT):  # one event each, as separate requests would be
        return relations.entity_update(entity=fresh, data=data)


@pytest.mark.parametrize(
    ("create", "url_name"),
    [
        (relations.customer_create, "relations:customer_detail"),
        (relations.vendor_create, "relations:vendor_detail"),
        (relations.bank_account_create, "relations:bank_account_detail"),
    ],
)
def test_entity_page_lists_changes_newest_first(staff_client, setup, create, url_name):
    setup_sync()
    entity = create(data={"name": "Havbruk AS", "city": "Oslo"})
    _edit(entity, city="Bergen")
    _edit(entity, city="Tromsø")
    html = staff_client.get(reverse(url_name, args=[entity.no])).content.decode()
    section = _section(html)
    newest, older = '<span class="new">Tromsø</span>', '<span class="new">Bergen</span>'
    assert section.index(newest) < section.index(older)  # newest first
    assert "Created" in section


def test_customer_history_filters_by_field(staff_client, setup):
    setup_sync()
    customer = relations.customer_create(data={"name": "Havbruk AS", "city": "Oslo"})
    _edit(customer, city="Bergen")
    _edit(customer, phone_no="55 55 55 55")
    url = reverse("relations:customer_detail", args=[customer.no])
    section = _section(staff_client.get(url, {"history_field": "phone_no"}).content.decode())
    assert "55 55 55 55" in section
    assert "Bergen" not in section
    assert '<option value="city">' in section


def test_customer_change_made_by_its_contact_names_the_contact(staff_client, setup):
    """A contact's change passed on to its linked customer is linked to the contact."""
    from contacts.models import Contact
    from contacts.services import contact_create, contact_update

    setup_sync()
    company = contact_create(data={"type": "company", "name": "Fjord AS", "city": "Oslo"})
    customer = relations.contact_create_customer(contact=company)
    contact_update(contact=Contact.objects.get(pk=company.pk), data={"city": "Bergen"})
    url = reverse("relations:customer_detail", args=[customer.no])
    section = _section(staff_client.get(url).content.decode())
    assert "Bergen" in section
    assert f'href="{reverse("contacts:detail", args=[company.no])}"' in section


def _page_queries(client, url: str) -> int:
    client.get(url)  # the first request also reads the permissions (kept for the next)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_reading_history_keeps_the_entity_page_query_count_constant(staff_client, setup):
    setup_sync()
    few = relations.customer_create(data={"name": "Few AS"})
    many = relations.customer_create(data={"name": "Many AS"})
    for i in range(25):  # longer than a page (within one the fields need no query)
        _edit(few, city=f"By {i}")
    for i in range(30):
        _edit(many, city=f"By {i}", phone_no=f"{i}")
    few_url = reverse("relations:customer_detail", args=[few.no])
    many_url = reverse("relations:customer_detail", args=[many.no])
    assert _page_queries(staff_client, few_url) == _page_queries(staff_client, many_url)


def _opportunity(**data) -> Opportunity:
    from tests.factories import CompanyFactory

    setup_opportunities()
    return opportunity_create(data={"description": "Anlegg", "contact": CompanyFactory(), **data})


def test_opportunity_page_has_a_history_section(staff_client, setup):
    opportunity = _opportunity()
    opportunity_update(
        opportunity=Opportunity.objects.get(pk=opportunity.pk), data={"description": "Nytt anlegg"}
    )
    url = reverse("opportunities:detail", args=[opportunity.no])
    section = _section(staff_client.get(url).content.decode())
    assert "Anlegg" in section and "Nytt anlegg" in section


def test_reading_history_keeps_the_opportunity_page_query_count_constant(staff_client, setup):
    first = _opportunity()
    second = opportunity_create(data={"description": "To", "contact": first.contact})
    for i in range(22):  # longer than a page (within one the fields need no query)
        opportunity_update(
            opportunity=Opportunity.objects.get(pk=first.pk), data={"description": f"E {i}"}
        )
    for i in range(40):
        opportunity_update(
            opportunity=Opportunity.objects.get(pk=second.pk), data={"description": f"D {i}"}
        )
    assert _page_queries(
        staff_client, reverse("opportunities:detail", args=[first.no])
    ) == _page_queries(staff_client, reverse("opportunities:detail", args=[second.no]))


def test_users_without_history_permission_see_no_section(client, django_user_model, setup):
    from django.contrib.auth.models import Permission

    setup_sync()
    customer = relations.customer_create(data={"name": "Havbruk AS"})
    user = django_user_model.objects.create_user("viewer", password="pw-x-123456")
    user.user_permissions.add(Permission.objects.get(codename="view_customer"))
    client.force_login(user)
    html = client.get(reverse("relations:customer_detail", args=[customer.no])).content.decode()
    assert 'id="history"' not in html


@pytest.mark.parametrize("model", [Customer, Vendor, BankAccount])
def test_admin_history_page_shows_the_change_log(admin_client, setup, model):
    setup_sync()
    entity = relations.entity_create(model=model, data={"name": "Havbruk AS", "city": "Oslo"})
    _edit(entity, city="Bergen")
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[entity.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Oslo" in html and "Bergen" in html
    filtered = admin_client.get(url, {"field": "name"}).content.decode()
    assert "Bergen" not in _section(filtered)


def test_admin_history_page_of_an_opportunity(admin_client, setup):
    opportunity = _opportunity()
    opportunity_update(
        opportunity=Opportunity.objects.get(pk=opportunity.pk), data={"description": "Nytt"}
    )
    url = reverse("admin:opportunities_opportunity_history", args=[opportunity.pk])
    html = admin_client.get(url).content.decode()
    assert "Anlegg" in html and "Nytt" in html
