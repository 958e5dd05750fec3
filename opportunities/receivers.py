"""One-line adapters wired in OpportunitiesConfig.ready()."""

from __future__ import annotations

from opportunities import services


def refuse_contact_delete_with_open_opportunities(sender, instance, **kwargs) -> None:
    """pre_delete of a contact: refuse while it has open opportunities (2.8)."""
    services.contact_check_delete(instance)


def rehome_opportunities_of_moved_person(
    sender, person, old_company_id=None, new_company_id=None, **kwargs
) -> None:
    """contacts.signals.person_company_changed: re-home the person's opportunities (2.4)."""
    services.opportunities_rehome_after_company_change(
        person=person, old_company_id=old_company_id, new_company_id=new_company_id
    )
