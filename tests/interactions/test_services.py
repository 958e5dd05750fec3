import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from interactions import services
from interactions.models import (
    CorrespondenceType,
    DocumentType,
    InformationFlow,
    InitiatedBy,
    InteractionLogEntry,
    InteractionTemplateSetup,
)
from tests.factories import (
    BusinessRelationFactory,
    CompanyFactory,
    LanguageFactory,
    SalespersonFactory,
)
from tests.interactions.factories import InteractionTemplateFactory, setup_with

pytestmark = pytest.mark.django_db


def test_interaction_log_copies_template_values(person, company, django_user_model):
    template = InteractionTemplateFactory(
        code="MEET",
        description="Meeting",
        unit_cost=Decimal("12.50"),
        unit_duration_min=Decimal("45"),
        information_flow=InformationFlow.INBOUND,
        initiated_by=InitiatedBy.THEM,
    )
    user = django_user_model.objects.create_user("u1")

    entry = services.interaction_log(contact=person, template=template, user=user)

    entry.refresh_from_db()
    assert entry.cost == Decimal("12.50")
    assert entry.duration_min == Decimal("45")
    assert entry.information_flow == InformationFlow.INBOUND
    assert entry.initiated_by == InitiatedBy.THEM
    assert entry.description == "Meeting"
    assert entry.interaction_template == template
    assert entry.interaction_group == template.group
    assert entry.contact == person
    assert entry.contact_company == company
    assert (entry.contact_no, entry.contact_name) == ("CT101", person.name)
    assert entry.user == user
    assert entry.date == timezone.localdate()
    assert entry.time is not None


def test_company_entry_points_at_itself_as_company(company, outgoing):
    entry = services.interaction_log(contact=company, template=outgoing)
    assert entry.contact_company == company


def test_given_description_and_duration_win_over_template(person, outgoing):
    entry = services.interaction_log(
        contact=person, template=outgoing, description="Asked for a quote", duration_min=Decimal(5)
    )
    assert entry.description == "Asked for a quote"
    assert entry.duration_min == Decimal(5)
    assert entry.cost == Decimal("1")


def test_salesperson_and_language_come_from_contact(outgoing):
    salesperson = SalespersonFactory(code="JO")
    language = LanguageFactory()
    contact = CompanyFactory(salesperson=salesperson, language=language)

    entry = services.interaction_log(contact=contact, template=outgoing)

    assert entry.salesperson == salesperson
    assert entry.language == language


@pytest.mark.parametrize(
    ("template_type", "ignore", "contact_type", "expected"),
    [
        # the contact has no preference: the template's default
        ("email", False, "", "email"),
        # the contact's own preference wins unless the template ignores it
        ("email", False, "hard_copy", "hard_copy"),
        ("email", True, "hard_copy", "email"),
        # template without default: the contact's type
        ("", False, "hard_copy", "hard_copy"),
        ("", False, "", ""),
        # ignoring the contact with a blank template type: blank
        ("", True, "hard_copy", ""),
    ],
)
def test_correspondence_type_rule(template_type, ignore, contact_type, expected):
    template = InteractionTemplateFactory(
        correspondence_type=template_type, ignore_contact_corres_type=ignore
    )
    contact = CompanyFactory(correspondence_type=contact_type, email="post@firma.no")

    entry = services.interaction_log(contact=contact, template=template, description="Call")

    assert entry.correspondence_type == expected


def test_template_default_correspondence_type_is_email():
    assert InteractionTemplateFactory.build().correspondence_type == CorrespondenceType.EMAIL


def test_document_log_without_template_logs_nothing(company):
    result = services.document_log_result(
        document_type=DocumentType.SALES_INVOICE, document_no="103001", contact_no=company.no
    )

    assert result.entry is None
    assert "Sales invoice" in result.reason
    assert not InteractionLogEntry.objects.exists()
    assert (
        services.document_log(
            document_type=DocumentType.SALES_INVOICE, document_no="103001", contact_no=company.no
        )
        is None
    )


def test_document_log_with_contact(person, system_setup):
    entry = services.document_log(
        document_type=DocumentType.SALES_INVOICE,
        document_no="103001",
        contact_no=person.no,
        date=datetime.date(2026, 1, 15),
        description="Posted invoice",
    )

    assert entry.contact == person
    assert entry.interaction_template_id == "S_INVOICE"
    assert entry.document_type == DocumentType.SALES_INVOICE
    assert entry.document_no == "103001"
    assert entry.date == datetime.date(2026, 1, 15)
    assert entry.description == "Posted invoice"


def test_document_log_uses_template_description_by_default(company, system_setup):
    entry = services.document_log(
        document_type=DocumentType.SALES_INVOICE, document_no="1", contact_no=company.no
    )
    assert entry.description == "Template S_INVOICE"
    assert entry.date == timezone.localdate()


def _link(contact, link_to, no):
    from relations.models import ContactBusinessRelation

    return ContactBusinessRelation.objects.create(
        contact=contact, business_relation=BusinessRelationFactory(), link_to=link_to, no=no
    )


def test_document_log_for_customer_uses_linked_company_contact(company, system_setup):
    _link(company, "customer", "10000")

    entry = services.document_log(
        document_type=DocumentType.SALES_INVOICE, document_no="103002", customer_no="10000"
    )

    assert entry.contact == company


def test_document_log_for_vendor_uses_linked_company_contact(company):
    setup_with(purch_invoices="P_INVOICE")
    _link(company, "vendor", "20000")

    entry = services.document_log(
        document_type=DocumentType.PURCHASE_INVOICE, document_no="108001", vendor_no="20000"
    )

    assert entry.contact == company
    assert entry.interaction_template_id == "P_INVOICE"


def test_document_log_for_unlinked_customer_logs_nothing(system_setup):
    result = services.document_log_result(
        document_type=DocumentType.SALES_INVOICE, document_no="103002", customer_no="99999"
    )
    assert result.entry is None
    assert "99999" in result.reason
    assert not InteractionLogEntry.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"document_type": "bogus", "document_no": "1", "contact_no": "CT100"}, "Unknown"),
        ({"document_type": "sales_invoice", "document_no": " ", "contact_no": "CT100"}, "number"),
        ({"document_type": "sales_invoice", "document_no": "1"}, "exactly one"),
        (
            {
                "document_type": "sales_invoice",
                "document_no": "1",
                "contact_no": "CT100",
                "customer_no": "10000",
            },
            "exactly one",
        ),
        ({"document_type": "sales_invoice", "document_no": "1", "contact_no": "NOPE"}, "NOPE"),
    ],
)
def test_document_log_bad_input_raises_and_writes_nothing(company, system_setup, kwargs, message):
    with pytest.raises(ValidationError) as excinfo:
        services.document_log(**kwargs)
    assert message in " ".join(excinfo.value.messages)
    assert not InteractionLogEntry.objects.exists()


def test_phone_call_uses_outgoing_calls_template(person, system_setup):
    entry = services.phone_call_log(contact=person, subject="Follow-up", attempt_failed=True)
    assert entry.interaction_template_id == "OUTGOING"
    assert entry.duration_min == Decimal("15")
    assert entry.attempt_failed
    assert entry.subject == "Follow-up"


def test_phone_call_without_outgoing_calls_template_is_a_clear_error(person):
    with pytest.raises(ValidationError) as excinfo:
        services.phone_call_log(contact=person)
    assert excinfo.value.messages == [
        "Outgoing calls must have a value in Interaction Template Setup."
    ]
    assert not InteractionLogEntry.objects.exists()


def test_incoming_call_uses_incoming_calls_template(person):
    setup_with(incoming_calls="INCOMING")
    entry = services.phone_call_log(contact=person, incoming=True)
    assert entry.interaction_template_id == "INCOMING"


def test_email_and_cover_sheet_logs(person, system_setup):
    email = services.email_log(contact=person, subject="Price list")
    cover = services.cover_sheet_log(contact=person)
    assert email.interaction_template_id == "EMAIL"
    assert email.subject == "Price list"
    assert cover.interaction_template_id == "COVERSH"
    assert cover.document_type == DocumentType.COVER_SHEET


def test_email_without_template_is_a_clear_error(person):
    with pytest.raises(ValidationError, match="E-mails must have a value"):
        services.email_log(contact=person)


def test_setup_is_a_singleton():
    first = InteractionTemplateSetup.get()
    assert InteractionTemplateSetup.get().pk == first.pk
    with pytest.raises(ValidationError):
        InteractionTemplateSetup(id=2).full_clean()


def test_every_document_type_has_a_setup_field():
    from interactions.models import SETUP_FIELD_BY_DOCUMENT_TYPE

    fields = {f.name for f in InteractionTemplateSetup._meta.get_fields()}
    assert set(SETUP_FIELD_BY_DOCUMENT_TYPE) == set(DocumentType.values)
    assert set(SETUP_FIELD_BY_DOCUMENT_TYPE.values()) <= fields


def test_template_cost_cannot_be_negative():
    template = InteractionTemplateFactory.build(unit_cost=Decimal("-1"))
    with pytest.raises(ValidationError):
        template.full_clean()


def test_entry_blocks_contact_type_change_flag():
    assert InteractionLogEntry.BLOCKS_CONTACT_TYPE_CHANGE is True
