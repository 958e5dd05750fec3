"""Receivers: one-line adapters from a Contact save to the rules in contacts/services.py.

Wired in ContactsConfig.ready(). Bulk paths (bulk_create, QuerySet.update) fire no
signals; they call the same functions themselves (contacts/importing.py,
contacts.services.company_bulk_update).
"""

from __future__ import annotations

from contacts import places, services


def apply_contact_rules(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """pre_save: number, names, inheritance and defaults for any save path."""
    if not raw:
        services.contact_before_save(instance, update_fields=update_fields)


def push_company_fields(sender, instance, created=False, raw=False, **kwargs) -> None:
    """post_save: a company's changed inheritable fields reach its persons."""
    if not raw:
        services.contact_after_save(instance)


def keep_place(sender, instance, created=False, raw=False, update_fields=None, using=None, **kw):
    """post_save: the contact's place row (the list's city and post code) follows."""
    places.place_after_save(instance, created=created, update_fields=update_fields, using=using)
