"""MarketingSetupForm: the coupling rules, Search Hit % and the blocked defaults."""

import pytest

from marketing_setup.forms import SECTION_FIELDS, MarketingSetupForm
from marketing_setup.models import MarketingSetup
from marketing_setup.services import marketing_setup_snapshot
from tests.factories import SalesCycleFactory, SalespersonFactory

pytestmark = pytest.mark.django_db


def form_data(setup, **changes):
    """POST data of the unchanged form, with `changes` applied (False unticks a box)."""
    data = {}
    for name, value in marketing_setup_snapshot(setup).items():
        if name not in SECTION_FIELDS:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else value
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        elif value is True:
            data[name] = "on"
        else:
            data[name] = value
    return data


def test_every_editable_field_is_on_the_form():
    editable = {
        f.name for f in MarketingSetup._meta.concrete_fields if f.editable and not f.primary_key
    }
    assert set(SECTION_FIELDS) == editable
    assert len(SECTION_FIELDS) == len(set(SECTION_FIELDS))


def test_unticking_maintain_with_autosearch_ticked_ends_both_off_with_message(setup):
    form = MarketingSetupForm(form_data(setup, maintain_search_strings=False), instance=setup)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["maintain_search_strings"] is False
    assert form.cleaned_data["autosearch_for_duplicates"] is False
    assert form.info_messages == [
        "Autosearch for duplicates was switched off as well, because it needs Maintain "
        "duplicate search strings."
    ]
    form.save()
    stored = MarketingSetup.objects.get()
    assert (stored.maintain_search_strings, stored.autosearch_for_duplicates) == (False, False)


def test_ticking_autosearch_turns_maintain_on(setup):
    setup.maintain_search_strings = setup.autosearch_for_duplicates = False
    setup.save()
    form = MarketingSetupForm(form_data(setup, autosearch_for_duplicates=True), instance=setup)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["maintain_search_strings"] is True
    assert form.regenerate_search_strings is True
    assert form.info_messages


def test_ticking_maintain_keeps_autosearch_as_shown(setup):
    setup.maintain_search_strings = setup.autosearch_for_duplicates = False
    setup.save()
    form = MarketingSetupForm(form_data(setup, maintain_search_strings=True), instance=setup)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["autosearch_for_duplicates"] is False
    assert form.regenerate_search_strings is True
    assert form.info_messages == []


@pytest.mark.parametrize("value", ["0", "101", "-1", ""])
def test_search_hit_pct_out_of_range_shows_message(setup, value):
    form = MarketingSetupForm(form_data(setup, search_hit_pct=value), instance=setup)
    assert not form.is_valid()
    assert form.errors["search_hit_pct"] == ["Search Hit % must be between 1 and 100."]


def test_blocked_salesperson_not_offered_or_accepted(setup):
    SalespersonFactory(code="JC")
    SalespersonFactory(code="OLD", blocked=True)
    form = MarketingSetupForm(instance=setup)
    codes = [code for code, _label in form.fields["default_salesperson"].choices if code]
    assert [str(code) for code in codes] == ["JC"]
    form = MarketingSetupForm(form_data(setup, default_salesperson="OLD"), instance=setup)
    assert not form.is_valid()
    assert form.errors["default_salesperson"] == ["Choose a salesperson who is not blocked."]


def test_blocked_sales_cycle_rejected(setup):
    SalesCycleFactory(code="NEW")
    SalesCycleFactory(code="OLD", blocked=True)
    form = MarketingSetupForm(form_data(setup, default_sales_cycle="OLD"), instance=setup)
    assert not form.is_valid()
    assert form.errors["default_sales_cycle"] == ["Choose a sales cycle that is not blocked."]
    form = MarketingSetupForm(form_data(setup, default_sales_cycle="NEW"), instance=setup)
    assert form.is_valid(), form.errors


def test_sections_in_reference_page_order(setup):
    titles = [str(title) for title, _fields in MarketingSetupForm(instance=setup).sections()]
    assert titles == [
        "Inheritance",
        "Defaults",
        "Interactions",
        "Synchronisation",
        "Numbering",
        "Duplicates",
        "Salutations",
    ]
