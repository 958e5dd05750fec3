"""One-line adapters from the save/delete signals of tracked models to history.writers.

Connected per model by `history.registry.track` (per sender, so models without a change
log keep Django's fast deletes).
"""

from __future__ import annotations

from history import writers


def remember_old_values(sender, instance, raw=False, using="default", update_fields=None, **kw):
    """pre_save: read the stored values this save overwrites."""
    writers.read_old(instance, using=using, update_fields=update_fields)


def record_saved(sender, instance, created=False, raw=False, using="default", **kwargs):
    """post_save: log the changed fields (or the creation)."""
    writers.record_save(instance, created=created, using=using)


def record_deleted(sender, instance, using="default", origin=None, **kwargs):
    """pre_delete: keep the deleted object's values."""
    writers.buffer_delete(instance, using=using, origin=origin)


def flush_deleted(sender, instance, using="default", **kwargs):
    """post_delete: write the values kept for this delete."""
    writers.flush_deletes(using=using)
