"""One-line adapters wired in OpportunitiesConfig.ready()."""

from __future__ import annotations

from opportunities import services


def refuse_contact_delete_with_open_opportunities(sender, instance, **kwargs) -> None:
    """pre_delete of a contact: refuse while it has open opportunities (2.8)."""
    services.contact_check_delete(instance)
