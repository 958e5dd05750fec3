"""Creating customers/vendors/bank accounts with their contacts, and "create as..."."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from contacts.models import Contact
from marketing_setup.models import MarketingSetup
from relations import services
from relations.models import (
    BankAccount,
    BusinessRelationSummary,
    ContactBusinessRelation,
    Customer,
    LinkToTable,
    Vendor,
)
from relations.selectors import contact_for_entity, entities_for_contact
from tests.factories import (
    BusinessRelationFactory,
    CompanyFactory,
    LanguageFactory,
    PersonFactory,
    SalespersonFactory,
    TerritoryFactory,
)
from tests.relations.factories import CustomerFactory, make_series, setup_sync

pytestmark = pytest.mark.django_db


def _customer_data(**extra):
    return {
        "name": "Fjord Fisk AS",
        "address": "Bryggen 1",
        "post_code": "5003",
        "city": "Bergen",
        "country": "NO",
        "phone_no": "+47 55 00 00 00",
        "email": "post@fjordfisk.no",
        "vat_registration_no": "NO999888777",
        **extra,
    }


def test_new_customer_with_code_creates_linked_company_contact():
    setup_sync()
    sp = SalespersonFactory(code="JO")
    territory = TerritoryFactory(code="VEST")
    customer = services.customer_create(data=_customer_data(salesperson=sp, territory=territory))

    assert customer.no == "C00010"
    assert customer.search_name == "FJORD FISK AS"
    contact = contact_for_entity("customer", customer.no)
    assert contact is not None
    assert contact.no == "CT000001"
    assert contact.type == Contact.Type.COMPANY
    assert contact.name == "Fjord Fisk AS"
    assert (contact.address, contact.post_code, contact.city) == ("Bryggen 1", "5003", "Bergen")
    assert str(contact.country) == "NO"
    assert contact.phone_no == "+47 55 00 00 00"
    assert contact.email == "post@fjordfisk.no"
    assert contact.vat_registration_no == "NO999888777"
    assert contact.salesperson_id == "JO"
    assert contact.territory_id == "VEST"
    relation = ContactBusinessRelation.objects.get(contact=contact)
    assert (relation.business_relation_id, relation.link_to, relation.no) == (
        "CUST",
        "customer",
        customer.no,
    )


def test_new_customer_skips_marketing_setup_defaults():
    setup = setup_sync()
    setup.default_language = LanguageFactory()
    setup.default_country = "SE"
    setup.default_salesperson = SalespersonFactory(code="DEF")
    setup.default_territory = TerritoryFactory(code="DEF")
    setup.default_correspondence_type = "email"
    setup.save()
    customer = services.customer_create(data={"name": "Bare AS"})
    contact = contact_for_entity("customer", customer.no)
    assert contact.language_id is None
    assert str(contact.country) == ""
    assert contact.salesperson_id is None
    assert contact.territory_id is None
    assert contact.correspondence_type == ""


def test_new_customer_without_code_creates_no_contact():
    setup_sync(customers=False)
    customer = services.customer_create(data=_customer_data())
    assert customer.no == "C00010"
    assert Contact.objects.count() == 0
    assert contact_for_entity("customer", customer.no) is None


def test_new_vendor_and_bank_account_create_their_contacts():
    setup_sync()
    vendor = services.vendor_create(data={"name": "Leverandør AS", "city": "Oslo"})
    bank = services.bank_account_create(data={"name": "DNB", "iban": "NO9386011117947"})
    assert contact_for_entity("vendor", vendor.no).name == "Leverandør AS"
    assert contact_for_entity("bank_account", bank.no).name == "DNB"
    assert vendor.no == "V00010"
    assert bank.no == "B010"


def test_typed_customer_number_is_kept_and_series_untouched():
    setup_sync(customers=False)
    customer = services.customer_create(data={"no": "K-1", "name": "Typed"})
    assert customer.no == "K-1"
    assert services.customer_create(data={"name": "Drawn"}).no == "C00010"


def test_missing_customer_series_is_a_clear_error():
    MarketingSetup.get()
    with pytest.raises(ValidationError) as exc:
        services.customer_create(data={"name": "No series"})
    assert "Number series CUST does not exist" in " ".join(exc.value.messages)
    assert Customer.objects.count() == 0


def test_missing_contact_nos_refuses_and_writes_nothing():
    setup = setup_sync()
    setup.contact_nos = None
    setup.save()
    with pytest.raises(ValidationError) as exc:
        services.customer_create(data={"name": "X"})
    assert exc.value.messages == ["Contact Nos. must have a value in Marketing Setup."]
    assert Customer.objects.count() == 0
    assert Contact.objects.count() == 0


# --- create as ... --------------------------------------------------------------------


def test_create_as_customer_from_company():
    setup_sync()
    company = CompanyFactory(name="Polder BV", address="Dam 1", city="Amsterdam", country="NL")
    customer = services.contact_create_customer(contact=company)
    assert isinstance(customer, Customer)
    assert (customer.name, customer.address, customer.city) == ("Polder BV", "Dam 1", "Amsterdam")
    assert str(customer.country) == "NL"
    assert contact_for_entity("customer", customer.no) == company
    assert entities_for_contact(company) == {"customer": customer}
    # no second contact was made for the new customer
    assert Contact.objects.count() == 1


def test_create_as_customer_from_person_creates_it_for_the_company():
    setup_sync()
    company = CompanyFactory(name="Polder BV")
    person = PersonFactory(company=company, first_name="Anna", surname="Jansen")
    customer = services.contact_create_customer(contact=person)
    assert customer.name == "Polder BV"
    assert customer.primary_contact == person
    assert customer.contact == "Anna Jansen"
    assert contact_for_entity("customer", customer.no) == company


def test_create_as_vendor_from_independent_person_is_refused():
    setup_sync()
    person = PersonFactory(company=None)
    with pytest.raises(ValidationError) as exc:
        services.contact_create_vendor(contact=person)
    assert "vendor can only be created from a company" in exc.value.messages[0]
    assert Vendor.objects.count() == 0
    with pytest.raises(ValidationError):
        services.contact_create_bank_account(contact=person)
    assert BankAccount.objects.count() == 0


@pytest.mark.parametrize(
    ("link_to", "message"),
    [
        ("customer", "Bus. Rel. Code for Customers must have a value in Marketing Setup."),
        ("vendor", "Bus. Rel. Code for Vendors must have a value in Marketing Setup."),
        ("bank_account", "Bus. Rel. Code for Bank Accounts must have a value in Marketing Setup."),
    ],
)
def test_create_as_without_setup_code_names_the_missing_field(link_to, message):
    setup_sync(customers=False, vendors=False, banks=False)
    company = CompanyFactory()
    with pytest.raises(ValidationError) as exc:
        services.contact_create_entity(contact=company, link_to=link_to)
    assert exc.value.messages == [message]
    assert not Customer.objects.exists()
    assert not Vendor.objects.exists()
    assert not BankAccount.objects.exists()
    assert not ContactBusinessRelation.objects.exists()


def test_create_as_customer_twice_is_refused():
    setup_sync()
    company = CompanyFactory(no="CT9")
    customer = services.contact_create_customer(contact=company)
    with pytest.raises(ValidationError) as exc:
        services.contact_create_customer(contact=company)
    assert exc.value.messages == [
        f"Contact CT9 already has a contact business relation with Customer {customer.no}."
    ]
    assert Customer.objects.count() == 1


def test_person_of_linked_company_cannot_create_a_second_customer():
    setup_sync()
    company = CompanyFactory()
    services.contact_create_customer(contact=company)
    person = PersonFactory(company=company)
    with pytest.raises(ValidationError):
        services.contact_create_customer(contact=person)
    assert Customer.objects.count() == 1


def test_contact_can_be_customer_and_vendor():
    setup_sync()
    company = CompanyFactory()
    customer = services.contact_create_customer(contact=company)
    vendor = services.contact_create_vendor(contact=company)
    assert entities_for_contact(company) == {"customer": customer, "vendor": vendor}
    assert services.contact_business_relation_summary(company) == BusinessRelationSummary.MULTIPLE


def test_plain_relation_with_same_code_gives_way_to_the_link():
    setup_sync()
    company = CompanyFactory()
    setup = MarketingSetup.get()
    # A placeholder written directly (e.g. before the code became the customer code).
    ContactBusinessRelation.objects.create(
        contact=company, business_relation=setup.bus_rel_code_for_customers
    )
    customer = services.contact_create_customer(contact=company)
    assert list(
        ContactBusinessRelation.objects.filter(contact=company).values_list("link_to", "no")
    ) == [("customer", customer.no)]


# --- relation rules ---------------------------------------------------------------------


def test_plain_relation_with_a_setup_code_is_refused():
    setup_sync()
    company = CompanyFactory()
    with pytest.raises(ValidationError) as exc:
        services.contact_business_relation_add(
            contact=company, business_relation=MarketingSetup.get().bus_rel_code_for_customers
        )
    assert "Business Relation Code CUST is used when a contact is linked with a customer." in (
        exc.value.messages
    )
    assert not ContactBusinessRelation.objects.exists()


def test_plain_relation_is_added():
    setup_sync()
    company = CompanyFactory()
    prospect = BusinessRelationFactory(code="PROSPECT")
    services.contact_business_relation_add(contact=company, business_relation=prospect)
    assert services.contact_business_relation_summary(company) == BusinessRelationSummary.OTHER


def test_one_link_per_contact_and_type_in_clean_and_database():
    setup_sync()
    company = CompanyFactory(no="CT1")
    CustomerFactory(no="C1")
    CustomerFactory(no="C2")
    other = BusinessRelationFactory(code="OTHER")
    ContactBusinessRelation.objects.create(
        contact=company,
        business_relation=MarketingSetup.get().bus_rel_code_for_customers,
        link_to="customer",
        no="C1",
    )
    second = ContactBusinessRelation(
        contact=company, business_relation=other, link_to="customer", no="C2"
    )
    with pytest.raises(ValidationError) as exc:
        second.full_clean()
    assert exc.value.messages == [
        "Contact CT1 already has a contact business relation with Customer C1."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_one_contact_per_entity_in_clean_and_database():
    setup_sync()
    first = CompanyFactory(no="CT1")
    second = CompanyFactory(no="CT2")
    CustomerFactory(no="C1")
    code = MarketingSetup.get().bus_rel_code_for_customers
    ContactBusinessRelation.objects.create(
        contact=first, business_relation=code, link_to="customer", no="C1"
    )
    relation = ContactBusinessRelation(
        contact=second, business_relation=code, link_to="customer", no="C1"
    )
    with pytest.raises(ValidationError) as exc:
        relation.full_clean()
    assert exc.value.messages == [
        "Customer C1 already has a contact business relation with contact CT1."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        relation.save()


def test_link_needs_a_number_in_the_database():
    company = CompanyFactory()
    code = BusinessRelationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactBusinessRelation.objects.create(
            contact=company, business_relation=code, link_to="customer", no=""
        )


# --- summary ----------------------------------------------------------------------------


def test_summary_cases():
    setup_sync()
    company = CompanyFactory()
    person = PersonFactory(company=company)
    lone = PersonFactory(company=None)
    assert services.contact_business_relation_summary(company) == BusinessRelationSummary.NONE
    services.contact_create_bank_account(contact=company)
    assert (
        services.contact_business_relation_summary(company) == BusinessRelationSummary.BANK_ACCOUNT
    )
    # a person sees its company's relations
    assert (
        services.contact_business_relation_summary(person) == BusinessRelationSummary.BANK_ACCOUNT
    )
    assert services.contact_business_relation_summary(lone) == BusinessRelationSummary.NONE
    services.contact_create_customer(contact=lone)
    assert services.contact_business_relation_summary(lone) == BusinessRelationSummary.CUSTOMER


def test_summary_multiple_plain_relations():
    company = CompanyFactory()
    for code in ("A", "B"):
        ContactBusinessRelation.objects.create(
            contact=company, business_relation=BusinessRelationFactory(code=code)
        )
    assert services.contact_business_relation_summary(company) == BusinessRelationSummary.MULTIPLE


# --- deleting ---------------------------------------------------------------------------


def test_deleting_contact_keeps_the_customer():
    setup_sync()
    customer = services.customer_create(data={"name": "Keep me"})
    contact = contact_for_entity("customer", customer.no)
    contact.delete()
    assert Customer.objects.filter(no=customer.no).exists()
    assert not ContactBusinessRelation.objects.exists()


def test_deleting_customer_keeps_the_contact():
    setup_sync()
    customer = services.customer_create(data={"name": "Keep contact"})
    contact = contact_for_entity("customer", customer.no)
    customer.delete()
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert not ContactBusinessRelation.objects.exists()
    assert services.contact_business_relation_summary(contact) == BusinessRelationSummary.NONE


def test_series_manual_flag_does_not_matter_for_typed_numbers():
    make_series("CUST", "C1", manual=False)
    assert services.customer_create(data={"no": "TYPED", "name": "x"}).no == "TYPED"


def test_link_to_labels():
    assert LinkToTable("bank_account").label == "Bank account"


def test_search_name_follows_name_unless_hand_edited():
    setup_sync(customers=False)
    customer = services.customer_create(data={"name": "Alfa AS"})
    services.entity_update(entity=customer, data={"name": "Beta AS"})
    assert Customer.objects.get(pk=customer.pk).search_name == "BETA AS"
    services.entity_update(entity=customer, data={"search_name": "MY OWN"})
    services.entity_update(entity=customer, data={"name": "Gamma AS"})
    assert Customer.objects.get(pk=customer.pk).search_name == "MY OWN"


def test_business_relation_blocks_type_change():
    from contacts import services as contact_services

    setup_sync()
    company = CompanyFactory()
    services.contact_create_customer(contact=company)
    with pytest.raises(ValidationError) as exc:
        contact_services.contact_change_type(contact=company, new_type=Contact.Type.PERSON)
    assert "contact business relations" in " ".join(exc.value.messages)
    assert Contact.objects.get(pk=company.pk).type == Contact.Type.COMPANY


def test_contact_name_on_new_customer_becomes_primary_person():
    setup_sync()
    customer = services.customer_create(
        data={"name": "Fjord AS", "city": "Bergen", "contact": "Kari Nordmann"}
    )
    company = contact_for_entity("customer", customer.no)
    person = Contact.objects.get(type=Contact.Type.PERSON)
    assert person.company == company
    assert (person.first_name, person.surname) == ("Kari", "Nordmann")
    assert person.city == "Bergen"  # inherited from the company
    assert Customer.objects.get(pk=customer.pk).primary_contact == person


def test_contact_name_typed_later_creates_the_person_once():
    setup_sync()
    customer = services.customer_create(data={"name": "Fjord AS"})
    services.entity_update(entity=customer, data={"contact": "Ola Nordmann"})
    services.entity_update(entity=customer, data={"phone_no": "123"})
    assert Contact.objects.filter(type=Contact.Type.PERSON).count() == 1
    assert customer.primary_contact.name == "Ola Nordmann"


def test_contact_name_without_linked_contact_creates_nothing():
    setup_sync(customers=False)
    services.customer_create(data={"name": "Alone AS", "contact": "Ola Nordmann"})
    assert not Contact.objects.exists()


def test_the_card_panel_shows_the_summary_the_service_gives(staff_user):
    """The card's panel sums up the relations it has read (no query of its own): the
    same answer as contact_business_relation_summary for none, one link, a plain
    relation, several, and a person through its company."""
    from django.test import RequestFactory

    from relations.views import contact_panel_context

    setup_sync()
    request = RequestFactory().get("/")
    request.user = staff_user
    company = CompanyFactory()
    person = PersonFactory(company=company)
    loner = PersonFactory()

    def both(contact):
        contact = Contact.objects.get(pk=contact.pk)
        panel = contact_panel_context(request, contact)["relations_summary"]
        return panel, BusinessRelationSummary(
            services.contact_business_relation_summary(contact)
        ).label

    seen = []
    for step in (
        lambda: None,
        lambda: services.contact_create_customer(contact=company),
        lambda: services.contact_business_relation_add(
            contact=loner, business_relation=BusinessRelationFactory(code="PROSPECT")
        ),
        lambda: services.contact_create_vendor(contact=company),
    ):
        step()
        for contact in (company, person, loner):
            panel, service = both(contact)
            assert panel == service
            seen.append(str(service))
    assert len(set(seen)) >= 4  # none, customer, other and multiple all came up
