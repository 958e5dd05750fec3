"""marketing_setup_update: BC's rules, validation, and the setup_changed signal."""

import pytest
from django.core.exceptions import ValidationError

from marketing_setup.models import MarketingSetup
from marketing_setup.services import marketing_setup_update
from marketing_setup.signals import setup_changed
from tests.factories import LanguageFactory, SalespersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    calls = []

    def receiver(sender, setup, changed_fields, **kwargs):
        calls.append({"sender": sender, "setup": setup, "changed_fields": changed_fields})

    setup_changed.connect(receiver, dispatch_uid="tests.received")
    yield calls
    setup_changed.disconnect(dispatch_uid="tests.received")


def test_update_saves_values_and_reports_changed_fields(setup, received):
    language = LanguageFactory(code="NLD", django_language="nl")
    change = marketing_setup_update(
        setup=setup,
        data={"search_hit_pct": 80, "inherit_address": False, "default_language": language},
    )
    stored = MarketingSetup.objects.get()
    assert stored.search_hit_pct == 80
    assert stored.inherit_address is False
    assert stored.default_language_id == "NLD"
    assert change.changed_fields == {"search_hit_pct", "inherit_address", "default_language"}
    assert received == [
        {"sender": MarketingSetup, "setup": setup, "changed_fields": change.changed_fields}
    ]


def test_update_accepts_raw_codes_and_country(setup):
    SalespersonFactory(code="JC")
    change = marketing_setup_update(
        setup=setup, data={"default_salesperson": "JC", "default_country": "NO"}
    )
    stored = MarketingSetup.objects.get()
    assert stored.default_salesperson_id == "JC"
    assert stored.default_country.code == "NO"
    assert change.changed_fields == {"default_salesperson", "default_country"}


def test_unchanged_values_report_no_changed_fields(setup, received):
    change = marketing_setup_update(setup=setup, data={"search_hit_pct": 60})
    assert change.changed_fields == set()
    assert received[0]["changed_fields"] == set()


def test_maintain_off_turns_autosearch_off(setup):
    change = marketing_setup_update(setup=setup, data={"maintain_search_strings": False})
    stored = MarketingSetup.objects.get()
    assert (stored.maintain_search_strings, stored.autosearch_for_duplicates) == (False, False)
    assert change.changed_fields == {"maintain_search_strings", "autosearch_for_duplicates"}
    assert change.regenerate_search_strings is False


def test_maintain_off_with_autosearch_left_on_ends_both_off_with_note(setup):
    change = marketing_setup_update(
        setup=setup,
        data={"maintain_search_strings": False, "autosearch_for_duplicates": True},
    )
    stored = MarketingSetup.objects.get()
    assert (stored.maintain_search_strings, stored.autosearch_for_duplicates) == (False, False)
    assert change.notes


def test_autosearch_on_turns_maintain_on_and_asks_for_regeneration(setup):
    marketing_setup_update(setup=setup, data={"maintain_search_strings": False})
    change = marketing_setup_update(setup=setup, data={"autosearch_for_duplicates": True})
    stored = MarketingSetup.objects.get()
    assert (stored.maintain_search_strings, stored.autosearch_for_duplicates) == (True, True)
    assert change.regenerate_search_strings is True


def test_maintain_on_alone_follows_bc_and_turns_autosearch_on(setup):
    marketing_setup_update(setup=setup, data={"maintain_search_strings": False})
    change = marketing_setup_update(setup=setup, data={"maintain_search_strings": True})
    stored = MarketingSetup.objects.get()
    assert (stored.maintain_search_strings, stored.autosearch_for_duplicates) == (True, True)
    assert change.regenerate_search_strings is True


def test_autosearch_off_leaves_maintain_on(setup):
    change = marketing_setup_update(setup=setup, data={"autosearch_for_duplicates": False})
    stored = MarketingSetup.objects.get()
    assert (stored.maintain_search_strings, stored.autosearch_for_duplicates) == (True, False)
    assert change.regenerate_search_strings is False


def test_previous_snapshot_is_used_when_instance_was_already_changed(setup):
    # Like a ModelForm: the instance already carries the new values before the service runs.
    previous = MarketingSetup.objects.get()
    setup.maintain_search_strings = False
    change = marketing_setup_update(
        setup=setup, data={"maintain_search_strings": False}, previous=previous
    )
    assert change.changed_fields == {"maintain_search_strings", "autosearch_for_duplicates"}


@pytest.mark.parametrize("value", [0, 101, -5])
def test_search_hit_pct_out_of_range_saves_nothing(setup, received, value):
    with pytest.raises(ValidationError) as excinfo:
        marketing_setup_update(
            setup=setup, data={"search_hit_pct": value, "inherit_language": False}
        )
    assert "Search Hit % must be between 1 and 100." in excinfo.value.message_dict["search_hit_pct"]
    stored = MarketingSetup.objects.get()
    assert stored.search_hit_pct == 60
    assert stored.inherit_language is True
    assert received == []


def test_blocked_default_salesperson_rejected(setup):
    SalespersonFactory(code="OLD", blocked=True)
    with pytest.raises(ValidationError):
        marketing_setup_update(setup=setup, data={"default_salesperson": "OLD"})
    assert MarketingSetup.objects.get().default_salesperson_id is None


def test_unknown_field_rejected(setup):
    with pytest.raises(ValueError, match="no_such_field"):
        marketing_setup_update(setup=setup, data={"no_such_field": 1})


def test_works_on_an_empty_database():
    change = marketing_setup_update(setup=MarketingSetup.get(), data={"search_hit_pct": 70})
    assert change.changed_fields == {"search_hit_pct"}
    assert MarketingSetup.objects.get().search_hit_pct == 70
