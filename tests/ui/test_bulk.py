"""Bulk actions of the contact list (issue 8.3): through the services, roles respected,
what changed reported."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from contacts.models import Contact
from opportunities.models import Opportunity
from tests.factories import SalespersonFactory

pytestmark = pytest.mark.django_db
BULK = "/contacts/bulk/"


@pytest.fixture
def firms(setup):
    old = SalespersonFactory(code="OLD")
    fjord = Contact.objects.create(no="C1", name="Fjord AS", salesperson=old)
    kari = Contact.objects.create(no="P1", type="person", name="Kari Nordmann", company=fjord)
    own = Contact.objects.create(no="P2", type="person", name="Ola Eget", company=fjord)
    own.salesperson = SalespersonFactory(code="OWN")
    own.save()
    berg = Contact.objects.create(no="C2", name="Berg BV")
    return {"fjord": fjord, "kari": kari, "own": own, "berg": berg}


def _sp(no):
    return Contact.objects.get(no=no).salesperson_id


def test_assign_salesperson_to_selected_companies_and_persons(staff_client, firms):
    SalespersonFactory(code="JO")
    response = staff_client.post(
        BULK,
        {
            "action": "assign_salesperson",
            "salesperson": "JO",
            "selected": ["C1", "C2"],
            "next": "/contacts/?q=a",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/contacts/?q=a"
    assert (_sp("C1"), _sp("C2"), _sp("P1"), _sp("P2")) == ("JO", "JO", "JO", "OWN")
    message = str(next(iter(response.context["messages"])))
    assert "JO assigned to 2 companies and 0 persons; 1 person followed their company" in message


def test_assign_to_every_matching_contact(staff_client, firms):
    SalespersonFactory(code="JO")
    staff_client.post(
        BULK,
        {
            "action": "assign_salesperson",
            "salesperson": "JO",
            "all_matching": "1",
            "filter-type": "person",
        },
    )
    assert (_sp("C1"), _sp("P1"), _sp("P2")) == ("OLD", "JO", "JO")


def test_assign_needs_a_value_and_the_role(client, staff_user, django_user_model, firms):
    client.force_login(staff_user)
    response = client.post(BULK, {"action": "assign_territory", "selected": ["C1"]}, follow=True)
    assert "Choose the value to assign." in response.content.decode()
    viewer = django_user_model.objects.create_user("viewer", password="x")
    viewer.user_permissions.add(Permission.objects.get(codename="view_contact"))
    client.force_login(viewer)
    SalespersonFactory(code="JO")
    response = client.post(
        BULK, {"action": "assign_salesperson", "salesperson": "JO", "selected": ["C1"]}
    )
    assert response.status_code == 403
    assert _sp("C1") == "OLD"
    # Viewers may export the selection, but they see no bulk form on the list.
    assert "bulk-form" not in client.get(reverse("contacts:list")).content.decode()
    export = client.post(BULK, {"action": "export", "selected": ["C2", "P1"]})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert [line.split(",")[1] for line in body.strip().splitlines()[1:]] == ["C2", "P1"]


def test_delete_selection_asks_once_and_applies_the_delete_rules(staff_client, firms, monkeypatch):
    confirm = staff_client.post(BULK, {"action": "delete", "selected": ["C1", "C2"]})
    html = confirm.content.decode()
    assert "Delete 2 contacts?" in html and "2 more persons" in html
    assert Contact.objects.count() == 4  # nothing deleted yet
    # An open opportunity protects C2 (the rule of a single delete).
    Opportunity.objects.create(no="OP1", description="Vinduer", contact=firms["berg"])
    response = staff_client.post(
        BULK, {"action": "delete_confirmed", "selected": ["C1", "C2"]}, follow=True
    )
    texts = [str(m) for m in response.context["messages"]]
    assert any("3 contacts were deleted: C1, P1, P2" in t for t in texts), texts
    assert any("C2 was not deleted" in t for t in texts), texts
    assert list(Contact.objects.values_list("no", flat=True)) == ["C2"]
