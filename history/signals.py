"""Signals of the change log (for the apps above it: webhooks, caches).

`changes_recorded` is sent once per event, after the transaction that wrote it has
committed (never for a rolled-back change), with:

- ``sender``: `history.models.Event`
- ``event``: the `Event` (``event.pk``, ``at``, ``user_id``, ``actor``, ``source``,
  ``cause``, ``label``, ``cause_type``/``cause_id``/``cause_repr``)
- ``changes``: a lazy QuerySet of its `Change` rows in the order written; each has
  ``content_type`` (``content_type.app_label``/``model``, e.g. contacts/contact),
  ``object_id`` (the key as text), ``object_repr`` (e.g. the contact number),
  ``action`` ("create", "update", "delete"), ``field`` (the field name, "" for create and
  delete), ``old``/``new`` (stored text, see history/values.py; a delete's ``old`` is
  the JSON of all values), ``via_type``/``via_id``/``via_repr`` (the object whose change
  this one followed). An import of 100,000 contacts is one event with 100,000 rows:
  iterate with ``changes.iterator()``, or ``history.selectors.changed_objects(event)``
  for {model label: {object id: [field names]}}.

This payload is stable: fields are only ever added.

`records_restored` is sent inside the restoring transaction when deleted records come
back from the change log (`history.revert.restore_deleted`), with ``sender`` the model
and ``pks`` their keys: derived data (duplicate search strings) is rebuilt by its app.
"""

from __future__ import annotations

from django.dispatch import Signal

changes_recorded = Signal()
records_restored = Signal()
