"""The queryset of tracked models: `update()` and `bulk_create()` write the change log.

Use it as the default and base manager of every tracked model (history.E001 checks)::

    class Contact(models.Model):
        objects = HistoryManager()          # or MyQuerySet(HistoryQuerySet).as_manager()

        class Meta:
            base_manager_name = "objects"    # Django's delete collector uses the base manager

`update(**values)` first logs, with one INSERT ... SELECT, the old and new value of every
row the UPDATE changes (see `history.writers.record_update`), in the same transaction.
`bulk_create(objs)` logs one "create" row per object after the insert. Upserts
(`update_conflicts`) and `ignore_conflicts` cannot tell which rows they changed: they
are refused on tracked models while logging is on.
"""

from __future__ import annotations

from django.db import models, transaction

from history import context, writers
from history.registry import tracked


class HistoryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if not context.enabled() or tracked(self.model) is None:
            return super().update(**kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            writers.record_update(self, kwargs)
            return super().update(**kwargs)

    update.alters_data = True

    def update_known(self, old: dict, **kwargs):
        """``update(**kwargs)`` of rows that all hold the `old` values of the fields it
        sets (the caller's filter guarantees it, as the persons that follow a company
        hold its old value): logged as one shared row per field with the rows' keys in
        the narrow ChangeObject table, instead of one wide row per row and field."""
        if not context.enabled() or tracked(self.model) is None:
            return super().update(**kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            if not writers.record_update_shared(self, kwargs, old):
                writers.record_update(self, kwargs)
            return super().update(**kwargs)

    update_known.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        if not context.enabled() or tracked(self.model) is None:
            return super().bulk_create(objs, *args, **kwargs)
        if kwargs.get("update_conflicts") or kwargs.get("ignore_conflicts"):
            raise TypeError(
                f"bulk_create() with update_conflicts/ignore_conflicts cannot be logged for "
                f"{self.model._meta.label}; insert and update separately (history/queryset.py)."
            )
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            pks = [obj.pk for obj in created if obj.pk is not None]
            if len(pks) != len(created):
                raise TypeError(
                    f"bulk_create() on {self.model._meta.label} did not return the keys, so "
                    "the change log cannot name the rows."
                )
            writers.record_created(self.model, pks, using=self.db)
            return created

    bulk_create.alters_data = True


class HistoryManager(models.Manager.from_queryset(HistoryQuerySet)):
    """The manager of a tracked model without a queryset of its own."""
