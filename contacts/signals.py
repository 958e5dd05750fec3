"""Signals contacts publishes for the apps above it (contacts never imports them).

Bulk paths (bulk_create, QuerySet.update) fire no save signals; these tell upper apps
what changed. They are sent by contacts/services.py and contacts/importing.py; the
receivers of contacts' own save rules are in contacts/receivers.py.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction of an import that created contacts in bulk (no post_save
# was sent for them): `contact_ids` is the list of the new primary keys. Upper apps
# (duplicates) maintain their own data in bulk in the same transaction, so it commits
# (or rolls back) with the contacts.
contacts_bulk_created = Signal()

# Sent inside the transaction of a bulk update of contacts (QuerySet.update(), no
# post_save), e.g. contacts.services.company_bulk_update (`contact_ids`: the updated
# companies and their persons) and a company's save passing its changes on to the
# persons that follow it (`contact_ids`: those persons). Upper apps (relations) bring
# their own copies of those contacts' fields up to date in the same transaction.
# `persons_only=True` when every id is a person's (receivers for companies skip them).
contacts_bulk_updated = Signal()

# Sent after a saved person moved from one company to another, or to/from none
# (`person`, `old_company_id`, `new_company_id`). Upper apps (interactions,
# opportunities) re-home the history recorded against (old company, person), as the
# reference does (2.4); contacts never imports them.
person_company_changed = Signal()

# Sent by the import job (contacts/tasks.py) after an import committed, outside its
# transaction: `company_ids` are the companies it created or updated (sorted), `user`
# who started it, `job` the import's Job. A receiver may start follow-up work as a job
# of its own (duplicates: search those companies) and return that Job (or None); the
# import job's page links it.
contacts_imported = Signal()

# Sent inside the transaction of an anonymisation (contacts.privacy.person_anonymise),
# after the person's fields and their logged values were erased: `person`,
# `contact_ids` and `contact_nos` (the person and the contacts merged into it: their
# values were the person's too) and `fields` (contacts.models.PERSONAL_FIELDS and the
# search keys made from them). Upper apps erase the copies of those fields they keep
# (duplicates: merge records and the duplicate index; api: stored webhook deliveries;
# relations: the linked customers, vendors and bank accounts), set-based.
person_anonymised = Signal()
