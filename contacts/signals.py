"""Receivers: one-line adapters from a Contact save to the rules in contacts/services.py.

Wired in ContactsConfig.ready(). Bulk paths (bulk_create, QuerySet.update) fire no
signals; they call the same functions themselves (contacts/importing.py,
contacts.services.company_bulk_update).
"""

from __future__ import annotations

from django.dispatch import Signal

from contacts import services

# Sent after an import created contacts with bulk_create (no post_save was sent for
# them): `contact_ids` is the list of the new primary keys. Upper apps (duplicates) may
# use it to maintain their own data in bulk.
contacts_bulk_created = Signal()

# Sent inside the transaction of a bulk update of contacts (QuerySet.update(), no
# post_save), e.g. contacts.services.company_bulk_update (`contact_ids`: the updated
# companies and their persons) and a company's save passing its changes on to the
# persons that follow it (`contact_ids`: those persons). Upper apps (relations) bring
# their own copies of those contacts' fields up to date in the same transaction.
contacts_bulk_updated = Signal()

# Sent after a saved person moved from one company to another, or to/from none
# (`person`, `old_company_id`, `new_company_id`). Upper apps (interactions,
# opportunities) re-home the history recorded against (old company, person), as the
# reference does (2.4); contacts never imports them.
person_company_changed = Signal()


def apply_contact_rules(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """pre_save: number, names, inheritance and defaults for any save path."""
    if not raw:
        services.contact_before_save(instance, update_fields=update_fields)


def push_company_fields(sender, instance, created=False, raw=False, **kwargs) -> None:
    """post_save: a company's changed inheritable fields reach its persons."""
    if not raw:
        services.contact_after_save(instance)
