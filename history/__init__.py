"""The change log: who changed what, when, through which door, and why.

One app at the bottom of the layering, written by the services and bulk paths in the
transaction of the change (as Zulip's actions write RealmAuditLog). See README.md,
"Change history", and the modules:

- `history.models`: `Event` (one per operation: who, when, source, cause) and `Change`
  (one per field changed, object created or object deleted).
- `history.registry.track(Model, ...)`: give a model a change log (in AppConfig.ready()).
- `history.queryset.HistoryQuerySet` / `HistoryManager`: the manager a tracked model
  uses, so `update()` and `bulk_create()` are logged set-based.
- `history.context`: who and why (`actor`, `operation`, `via`, `set_api_client`,
  `disabled`); `history.middleware.HistoryMiddleware` for requests,
  `history.drf.HistoryAPIViewMixin` for API views.
- `history.writers`: the writers (`record_update`, `record_created`, `record_deleted`
  for bulk and raw-SQL paths; the save/delete receivers for the rest).
- `history.selectors`: reading (`object_history` for cards, `event_changes`).
- `history.revert`: undoing an event (restore of a deleted record, undo of a merge),
  refused with the conflicts named when later changes are in the way.
- `history.signals.changes_recorded`: sent on commit with the event and its changes
  (webhooks).

Quick use for a new write path::

    from history import context as history
    from history.models import Cause

    with history.operation(Cause.BULK_ACTION, label="Set salesperson"):
        Contact.objects.filter(pk__in=ids).update(salesperson_id="JO")   # logged

    # raw SQL inserts: log them in the same transaction
    from history.writers import record_created
    record_created(Contact, new_ids)
"""
