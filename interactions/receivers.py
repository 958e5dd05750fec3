"""Receivers: one-line adapters from contact deletes and moves to the rules in `services`."""

from __future__ import annotations


def rehome_entries_of_deleted_person(sender, instance, **kwargs) -> None:
    """pre_delete of a Contact: a person's entries move to its company (section 2.8)."""
    from interactions.services import entries_rehome_to_company

    entries_rehome_to_company(person=instance)


def rehome_entries_of_moved_person(
    sender, person, old_company_id=None, new_company_id=None, **kwargs
) -> None:
    """contacts.signals.person_company_changed: re-home the person's history (section 2.4)."""
    from interactions.services import entries_rehome_after_company_change

    entries_rehome_after_company_change(
        person=person, old_company_id=old_company_id, new_company_id=new_company_id
    )
