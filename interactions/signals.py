"""Receivers: one-line adapters from contact deletes to the rule in `services`."""

from __future__ import annotations


def rehome_entries_of_deleted_person(sender, instance, **kwargs) -> None:
    """pre_delete of a Contact: a person's entries move to its company (section 2.8)."""
    from interactions.services import entries_rehome_to_company

    entries_rehome_to_company(person=instance)
