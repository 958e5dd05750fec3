"""Opportunities: numbers, default sales cycle, status rules, contact rules (section 8)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from contacts import services as contact_services
from contacts.models import Contact
from marketing_setup.models import MarketingSetup, SalesCycleStage
from opportunities import services
from opportunities.models import Opportunity
from tests.factories import (
    CompanyFactory,
    PersonFactory,
    SalesCycleFactory,
    SalespersonFactory,
)
from tests.opportunities.factories import setup_opportunities

pytestmark = pytest.mark.django_db


def test_numbered_from_the_opportunity_series():
    setup_opportunities()
    company = CompanyFactory()
    first = services.opportunity_create(data={"description": "A", "contact": company})
    second = services.opportunity_create(data={"description": "B", "contact": company})
    assert (first.no, second.no) == ("OP000001", "OP000002")
    assert first.no_series == "OPP"


def test_missing_opportunity_nos_is_a_clear_error():
    MarketingSetup.get()
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(
            data={
                "description": "A",
                "contact": CompanyFactory(),
                "sales_cycle": SalesCycleFactory(),
            }
        )
    assert exc.value.message_dict["no"] == [
        "Opportunity Nos. must have a value in Marketing Setup."
    ]
    assert not Opportunity.objects.exists()


def test_typed_number_refused_when_series_is_not_manual():
    setup_opportunities(manual=False)
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(
            data={"no": "MY-1", "description": "A", "contact": CompanyFactory()}
        )
    assert "activate Manual Nos. in No. Series OPP" in exc.value.message_dict["no"][0]
    assert not Opportunity.objects.exists()


def test_typed_number_allowed_when_series_is_manual():
    setup_opportunities(manual=True)
    company = CompanyFactory()
    opp = services.opportunity_create(data={"no": "MY-1", "description": "A", "contact": company})
    assert opp.no == "MY-1"
    assert opp.no_series == ""
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(data={"no": "MY-1", "description": "B", "contact": company})
    assert exc.value.message_dict["no"] == ["Opportunity MY-1 already exists."]


def test_default_sales_cycle_from_setup():
    setup_opportunities()
    opp = services.opportunity_create(data={"description": "A", "contact": CompanyFactory()})
    assert opp.sales_cycle_id == "NEW"


@pytest.mark.parametrize("setup_kwargs", [{"blocked": True}, {"default_cycle": False}])
def test_no_usable_sales_cycle_is_refused_with_a_clear_message(setup_kwargs):
    """14.7: without a sales cycle an opportunity could never move through stages."""
    setup_opportunities(**setup_kwargs)
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(data={"description": "A", "contact": CompanyFactory()})
    assert exc.value.message_dict["sales_cycle"] == [
        "Choose a sales cycle. The opportunity has none, and Marketing Setup has no Default "
        "Sales Cycle Code that is not blocked."
    ]
    assert not Opportunity.objects.exists()


def test_a_given_sales_cycle_needs_no_default():
    setup_opportunities(default_cycle=False)
    cycle = SalesCycleFactory(code="OWN")
    opp = services.opportunity_create(
        data={"description": "A", "contact": CompanyFactory(), "sales_cycle": cycle}
    )
    assert opp.sales_cycle == cycle


def test_blocked_sales_cycle_is_refused():
    setup_opportunities()
    blocked = SalesCycleFactory(code="OLD", blocked=True)
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(
            data={"description": "A", "contact": CompanyFactory(), "sales_cycle": blocked}
        )
    assert exc.value.message_dict["sales_cycle"] == ["Sales cycle OLD is blocked."]
    assert not Opportunity.objects.exists()


def test_contact_is_required():
    setup_opportunities()
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(data={"description": "A"})
    assert exc.value.message_dict["contact"] == ["Choose a contact."]


def test_contact_company_and_salesperson_follow_the_contact():
    setup_opportunities()
    company = CompanyFactory(salesperson=SalespersonFactory(code="JO"))
    person = PersonFactory(company=company)
    opp = services.opportunity_create(data={"description": "A", "contact": person})
    assert opp.contact_company == company
    assert opp.salesperson_id == person.salesperson_id
    opp2 = services.opportunity_create(data={"description": "B", "contact": company})
    assert opp2.contact_company == company
    assert opp2.salesperson_id == "JO"


def test_stage_starts_the_opportunity_and_sets_chances():
    setup_opportunities()
    opp = services.opportunity_create(data={"description": "A", "contact": CompanyFactory()})
    assert opp.status == Opportunity.Status.NOT_STARTED
    stage = SalesCycleStage.objects.get(sales_cycle_id="NEW", stage=2)
    services.opportunity_update(opportunity=opp, data={"current_stage": stage})
    opp.refresh_from_db()
    assert opp.status == Opportunity.Status.IN_PROGRESS
    assert opp.chances_of_success_pct == 60


def test_stage_of_another_cycle_is_refused():
    setup_opportunities()
    other = SalesCycleFactory(code="OTHER")
    stage = SalesCycleStage.objects.create(sales_cycle=other, stage=1)
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(
            data={"description": "A", "contact": CompanyFactory(), "current_stage": stage}
        )
    assert "does not belong to sales cycle NEW" in exc.value.message_dict["current_stage"][0]


def test_close_won_and_reopen():
    setup_opportunities()
    opp = services.opportunity_create(data={"description": "A", "contact": CompanyFactory()})
    services.opportunity_close(opportunity=opp, won=True)
    opp.refresh_from_db()
    assert opp.status == Opportunity.Status.WON
    assert opp.date_closed is not None
    assert opp.chances_of_success_pct == 100
    services.opportunity_update(opportunity=opp, data={"status": Opportunity.Status.IN_PROGRESS})
    opp.refresh_from_db()
    assert opp.date_closed is None


def test_blocking_a_cycle_later_does_not_stop_edits():
    setup_opportunities()
    opp = services.opportunity_create(data={"description": "A", "contact": CompanyFactory()})
    opp.sales_cycle.blocked = True
    opp.sales_cycle.save()
    services.opportunity_update(opportunity=opp, data={"description": "Renamed"})
    assert Opportunity.objects.get(pk=opp.pk).description == "Renamed"


def test_rollback_gives_the_number_back():
    setup_opportunities()
    company = CompanyFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.opportunity_create(data={"description": "A", "contact": company})
        raise RuntimeError
    assert services.opportunity_create(data={"description": "B", "contact": company}).no == (
        "OP000001"
    )


# --- contact rules ---------------------------------------------------------------------


def test_type_change_flag_blocks_contact_type_change():
    assert Opportunity.BLOCKS_CONTACT_TYPE_CHANGE is True
    setup_opportunities()
    company = CompanyFactory()
    services.opportunity_create(data={"description": "A", "contact": company})
    with pytest.raises(ValidationError) as exc:
        contact_services.contact_change_type(contact=company, new_type=Contact.Type.PERSON)
    assert "opportunities" in " ".join(exc.value.messages)


def test_open_opportunity_blocks_contact_delete():
    setup_opportunities()
    company = CompanyFactory(no="CT1")
    services.opportunity_create(data={"description": "A", "contact": company})
    with pytest.raises(ValidationError) as exc, transaction.atomic():
        company.delete()
    assert "You cannot delete contact CT1" in exc.value.messages[0]
    assert Contact.objects.filter(pk=company.pk).exists()


def test_open_opportunity_of_a_person_blocks_deleting_the_company():
    setup_opportunities()
    company = CompanyFactory()
    person = PersonFactory(company=company)
    services.opportunity_create(data={"description": "A", "contact": person})
    with pytest.raises(ValidationError), transaction.atomic():
        contact_services.contact_delete(contact=company)
    assert Contact.objects.filter(pk=company.pk).exists()


def test_closed_opportunity_moves_to_company_when_person_is_deleted():
    setup_opportunities()
    company = CompanyFactory()
    person = PersonFactory(company=company)
    opp = services.opportunity_create(data={"description": "A", "contact": person})
    services.opportunity_close(opportunity=opp, won=False)
    contact_services.contact_delete(contact=person)
    opp.refresh_from_db()
    assert opp.contact == company


def test_closed_opportunity_is_detached_when_company_is_deleted():
    setup_opportunities()
    company = CompanyFactory()
    opp = services.opportunity_create(data={"description": "A", "contact": company})
    services.opportunity_close(opportunity=opp, won=True)
    contact_services.contact_delete(contact=company)
    opp.refresh_from_db()
    assert opp.contact is None


def test_changing_the_sales_cycle_drops_the_old_stage():
    setup_opportunities()
    stage = SalesCycleStage.objects.get(sales_cycle_id="NEW", stage=1)
    opp = services.opportunity_create(
        data={"description": "A", "contact": CompanyFactory(), "current_stage": stage}
    )
    services.opportunity_update(opportunity=opp, data={"sales_cycle": SalesCycleFactory()})
    opp.refresh_from_db()
    assert opp.current_stage is None


def test_closing_a_closed_opportunity_is_refused():
    setup_opportunities()
    opp = services.opportunity_create(data={"description": "A", "contact": CompanyFactory()})
    services.opportunity_close(opportunity=opp, won=True)
    closed_on = Opportunity.objects.get(pk=opp.pk).date_closed

    with pytest.raises(ValidationError) as exc:
        services.opportunity_close(opportunity=opp, won=False)

    assert exc.value.messages == [f"Opportunity {opp.no} is already closed."]
    opp.refresh_from_db()
    assert (opp.status, opp.date_closed, opp.chances_of_success_pct) == (
        Opportunity.Status.WON,
        closed_on,
        100,
    )


def test_typed_number_longer_than_the_field_is_refused():
    setup_opportunities(manual=True)
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(
            data={"no": "X" * 21, "description": "A", "contact": CompanyFactory()}
        )
    assert exc.value.message_dict["no"] == [
        "Ensure this value has at most 20 characters (it has 21)."
    ]
    assert not Opportunity.objects.exists()


def test_a_closed_opportunity_keeps_its_chances_when_the_stage_changes():
    setup_opportunities()
    opp = services.opportunity_create(data={"description": "A", "contact": CompanyFactory()})
    services.opportunity_close(opportunity=opp, won=True)
    stage = SalesCycleStage.objects.get(sales_cycle_id="NEW", stage=2)

    services.opportunity_update(opportunity=opp, data={"current_stage": stage})

    opp.refresh_from_db()
    assert (opp.status, opp.chances_of_success_pct) == (Opportunity.Status.WON, 100)


def test_reopening_takes_the_chances_of_the_current_stage_again():
    setup_opportunities()
    stage = SalesCycleStage.objects.get(sales_cycle_id="NEW", stage=1)
    opp = services.opportunity_create(
        data={"description": "A", "contact": CompanyFactory(), "current_stage": stage}
    )
    services.opportunity_close(opportunity=opp, won=True)

    services.opportunity_update(opportunity=opp, data={"status": Opportunity.Status.IN_PROGRESS})

    opp.refresh_from_db()
    assert (opp.chances_of_success_pct, opp.date_closed) == (20, None)
