"""One-line adapters from saves/deletes to the sync rules in relations/services.py.

Wired in RelationsConfig.ready(). Bulk paths (QuerySet.update(), bulk_create()) send no
signals: callers run `contact_to_entities_sync` / `entity_to_contact_sync` themselves,
or send `contacts.signals.contacts_bulk_updated` (contacts.services.company_bulk_update
does), which reaches `contacts_to_entities_sync_bulk` through the adapter below.
"""

from __future__ import annotations

from relations import services
from relations.models import SYNCED_FIELDS

_CONTACT_FIELDS = frozenset((*SYNCED_FIELDS, "salesperson"))


def sync_contact_to_entities(sender, instance, created, raw=False, update_fields=None, **kwargs):
    """Contact saved: push its synced fields to the linked customer/vendor/bank account."""
    if raw or created or services.sync_in_progress():
        return
    if update_fields is not None and not _CONTACT_FIELDS.intersection(update_fields):
        return
    services.contact_to_entities_sync(instance)


def sync_entity_to_contact(sender, instance, created, raw=False, **kwargs):
    """Customer/vendor/bank account saved: push its synced fields to the linked contact."""
    if raw or created or services.sync_in_progress():
        return
    services.entity_to_contact_sync(instance)


def delete_entity_relations(sender, instance, **kwargs):
    """Customer/vendor/bank account deleted: drop its relation rows; the contact stays."""
    services.entity_relations_delete(instance)


def sync_bulk_updated_contacts(sender, contact_ids, **kwargs):
    """contacts.signals.contacts_bulk_updated: sync the entities linked to those contacts."""
    services.contacts_to_entities_sync_bulk(contact_ids)


def erase_anonymised(sender, contact_ids, fields, **kwargs):
    """contacts.signals.person_anonymised: blank what the sync copied from the person."""
    services.entities_erase_anonymised(contact_ids=contact_ids, fields=fields)


def primary_contact_name_follows(
    sender, instance, created, raw=False, update_fields=None, **kwargs
):
    """Person saved: the Contact name of entities that have it as primary contact follows."""
    if raw or created or not instance.is_person:
        return
    if update_fields is not None and "name" not in update_fields:
        return
    services.primary_contact_renamed(instance)


def primary_contact_deleted(sender, instance, **kwargs):
    """Contact deleted: entities that had it as primary contact lose the Contact name."""
    services.primary_contact_removed(instance)
