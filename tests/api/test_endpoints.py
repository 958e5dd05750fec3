"""The other entities through the API, each through its app's services."""

from __future__ import annotations

import pytest

from contacts import services as contact_services
from contacts.models import Contact
from duplicates.models import ContactDuplicate, ContactMerge
from interactions.models import InteractionLogEntry
from opportunities.models import Opportunity
from relations.models import ContactBusinessRelation, Customer
from tests.duplicates.factories import cannon_pair
from tests.factories import BusinessRelationFactory
from tests.interactions.factories import InteractionTemplateFactory
from tests.opportunities.factories import setup_opportunities
from tests.relations.factories import setup_sync

pytestmark = pytest.mark.django_db


def _errors(response) -> set[tuple]:
    return {(e["attr"], e["code"]) for e in response.json()["errors"]}


def test_customers_are_numbered_and_get_a_linked_contact(staff_api):
    setup_sync()
    response = staff_api.post(
        "/api/v1/customers/", {"name": "Havbris AS", "city": "Ålesund"}, format="json"
    )
    assert response.status_code == 201, response.json()
    no = response.json()["no"]
    assert no == "C00010"
    relation = ContactBusinessRelation.objects.get(link_to="customer", no=no)
    assert relation.contact.name == "Havbris AS"
    response = staff_api.patch(f"/api/v1/customers/{no}/", {"city": "Molde"}, format="json")
    assert response.status_code == 200
    relation.contact.refresh_from_db()
    assert relation.contact.city == "Molde"  # the two-way sync ran
    assert staff_api.get("/api/v1/customers/").json()["results"][0]["no"] == no
    assert staff_api.delete(f"/api/v1/customers/{no}/").status_code == 204
    assert not Customer.objects.exists()


def test_create_as_and_link_existing_from_a_contact(staff_api):
    setup_sync()
    company = contact_services.contact_create(data={"type": "company", "name": "Fjell AS"})
    other = contact_services.contact_create(data={"type": "company", "name": "Dal AS"})
    response = staff_api.post(
        f"/api/v1/contacts/{company.no}/create-entity/", {"link_to": "customer"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["name"] == "Fjell AS"
    again = staff_api.post(
        f"/api/v1/contacts/{company.no}/create-entity/", {"link_to": "customer"}, format="json"
    )
    assert again.status_code == 400
    vendor = staff_api.post("/api/v1/vendors/", {"name": "Lev AS"}, format="json").json()
    unlinked = ContactBusinessRelation.objects.get(link_to="vendor", no=vendor["no"]).contact
    contact_services.contact_delete(contact=unlinked)  # the vendor stays, unlinked
    response = staff_api.post(
        f"/api/v1/contacts/{other.no}/link-entity/",
        {"link_to": "vendor", "no": vendor["no"], "master": "contact"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["name"] == "Dal AS"
    relations = staff_api.get(f"/api/v1/contacts/{other.no}/business-relations/").json()
    assert relations == [{"business_relation": "VEND", "link_to": "vendor", "no": vendor["no"]}]


@pytest.mark.parametrize(
    ("action", "body"), [("create-entity", {}), ("link-entity", {"no": "C00010"})]
)
def test_create_as_and_link_refuse_the_none_kind(staff_api, action, body):
    """Found by the fuzz suite: "" (the "(none)" choice) was a 500."""
    setup_sync()
    company = contact_services.contact_create(data={"type": "company", "name": "Fjell AS"})
    response = staff_api.post(
        f"/api/v1/contacts/{company.no}/{action}/", {"link_to": "", **body}, format="json"
    )
    assert response.status_code == 400
    assert {attr for attr, _code in _errors(response)} == {"link_to"}
    assert not Customer.objects.exists()


def test_plain_business_relations_add_and_remove(staff_api, numbered_setup):
    BusinessRelationFactory(code="PROSPECT")
    company = contact_services.contact_create(data={"type": "company", "name": "Fjell AS"})
    url = f"/api/v1/contacts/{company.no}/business-relations/"
    response = staff_api.post(url, {"business_relation": "PROSPECT"}, format="json")
    assert response.status_code == 201
    assert staff_api.post(url, {"business_relation": "PROSPECT"}, format="json").status_code == 400
    assert staff_api.post(url, {"business_relation": "NOPE"}, format="json").status_code == 400
    assert staff_api.delete(f"{url}PROSPECT/").status_code == 204
    assert not ContactBusinessRelation.objects.exists()


def test_opportunities_numbered_and_closed(staff_api, numbered_setup):
    setup_opportunities()
    company = contact_services.contact_create(data={"type": "company", "name": "Fjell AS"})
    response = staff_api.post(
        "/api/v1/opportunities/",
        {"description": "Fleet deal", "contact": company.no, "estimated_value": "1500.00"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["no"] == "OP000001"
    assert body["sales_cycle"] == "NEW"
    assert body["contact_company"] == company.no
    response = staff_api.post("/api/v1/opportunities/OP000001/close/", {"won": True}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "won"
    assert response.json()["chances_of_success_pct"] == "100.00"
    again = staff_api.post("/api/v1/opportunities/OP000001/close/", {"won": False}, format="json")
    assert again.status_code == 400
    assert Opportunity.objects.get().status == "won"
    listed = staff_api.get("/api/v1/opportunities/", {"status": "won"}).json()["results"]
    assert [o["no"] for o in listed] == ["OP000001"]


def test_duplicates_list_separate_and_merge_with_field_choices(staff_api, admin_api, setup):
    # Merging needs the role's duplicates.add_contactmerge and contacts.delete_contact.
    kept, other = cannon_pair()
    pair, _ = ContactDuplicate.objects.get_or_create(
        contact=kept, duplicate=other, defaults={"score": 91}
    )
    body = staff_api.get("/api/v1/duplicates/").json()
    assert body["results"][0]["contact"] == kept.no
    url = f"/api/v1/duplicates/{pair.pk}/"
    response = staff_api.post(f"{url}separate/", {"separate": True}, format="json")
    assert response.json()["separate_contacts"] is True
    assert staff_api.post(f"{url}merge/", {}, format="json").status_code == 400
    staff_api.post(f"{url}separate/", {"separate": False}, format="json")
    bad = admin_api.post(f"{url}merge/", {"fields": {"address": "both"}}, format="json")
    assert bad.status_code == 400
    response = admin_api.post(
        f"{url}merge/", {"keep": "contact", "fields": {"address": "merge"}}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["kept_contact"] == kept.no
    kept.refresh_from_db()
    assert kept.address == "Kirkeveien 20"
    assert not Contact.objects.filter(pk=other.pk).exists()
    assert ContactMerge.objects.count() == 1


def test_interactions_templates_groups_and_series_read(staff_api, admin_api, numbered_setup):
    template = InteractionTemplateFactory(code="OUTGOING", description="Outgoing call")
    company = contact_services.contact_create(data={"type": "company", "name": "Fjell AS"})
    InteractionLogEntry.objects.create(
        contact=company,
        contact_no=company.no,
        contact_name=company.name,
        date="2026-03-01",
        interaction_template=template,
        interaction_group=template.group,
    )
    entries = staff_api.get("/api/v1/interactions/", {"contact": company.no}).json()["results"]
    assert [e["template"] for e in entries] == ["OUTGOING"]
    assert staff_api.get("/api/v1/interactions/", {"contact": "NOPE"}).json()["results"] == []
    assert staff_api.get(f"/api/v1/interactions/{entries[0]['entry_no']}/").status_code == 200
    assert staff_api.get("/api/v1/interaction-templates/OUTGOING/").json()["description"] == (
        "Outgoing call"
    )
    assert staff_api.post("/api/v1/interaction-templates/", {}, format="json").status_code == 403
    assert admin_api.post("/api/v1/interaction-templates/", {}, format="json").status_code == 405
    series = staff_api.get("/api/v1/number-series/CONT/").json()
    assert series["lines"][0]["starting_no"] == "CT000001"
