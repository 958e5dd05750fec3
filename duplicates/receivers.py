"""Receivers: one-line adapters from saves to `duplicates.services` (wired in apps.py)."""

from __future__ import annotations

from contacts.signals import contacts_bulk_created
from duplicates import services


def remember_watched_values(sender, instance, raw=False, **kwargs) -> None:
    """pre_save: keep the stored values so post_save can tell what changed."""
    if not raw:
        instance._duplicates_before = services.contact_watched_values(instance)


def check_duplicates(sender, instance, created, raw=False, **kwargs) -> None:
    """post_save: maintain the company's search strings and pairs (4.5)."""
    if not raw:
        services.contact_check_duplicates(
            contact=instance,
            created=created,
            before=instance.__dict__.pop("_duplicates_before", None),
        )


def remember_line(sender, instance, raw=False, **kwargs) -> None:
    """pre_save of a setup line: keep its stored (field, part, length)."""
    if not raw:
        instance._duplicates_before = services.setup_line_stored(instance)


def rebuild_line_strings(sender, instance, created, raw=False, **kwargs) -> None:
    """post_save of a setup line: rebuild its strings (4.1); the count is kept for messages."""
    if not raw:
        instance.strings_rebuilt = services.setup_line_changed(
            line=instance, previous=instance.__dict__.pop("_duplicates_before", None)
        )


def delete_line_strings(sender, instance, **kwargs) -> None:
    """post_delete of a setup line: its stored strings go too (4.1)."""
    services.setup_line_deleted(line=instance)


def index_bulk_changed_contacts(
    sender, contact_ids, persons_only=False, signal=None, **kwargs
) -> None:
    """contacts_bulk_created / contacts_bulk_updated: bulk writes fire no save signals.
    Only companies have search strings and keys: persons passed on by their company
    (persons_only) need nothing, and their ids are not even looked up. Contacts just
    created have nothing in the index to replace."""
    if persons_only:
        return
    services.contacts_bulk_changed(contact_ids=contact_ids, created=signal is contacts_bulk_created)


def index_restored_contacts(sender, pks, **kwargs) -> None:
    """history.signals.records_restored: restored rows come back without save signals."""
    services.contacts_bulk_changed(contact_ids=pks)


def search_imported_companies(sender, company_ids, user=None, job=None, **kwargs):
    """contacts_imported: a large import's companies are searched by a job of their own;
    returns it (the import job's page links it)."""
    from duplicates.tasks import search_after_import

    return search_after_import(company_ids=company_ids, user=user, job=job)


def erase_anonymised(sender, person, contact_ids, contact_nos, fields, **kwargs) -> None:
    """contacts.signals.person_anonymised: blank the person's values in merge records
    and take it out of the duplicate index (its strings and keys held its name)."""
    services.merge_records_erase(contact_ids=contact_ids, contact_nos=contact_nos, fields=fields)
    services.contact_unindex(contact=person)
