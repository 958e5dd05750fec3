"""Receivers of the numbering app (wired in NumberingConfig.ready()): a line's database
sequence follows the line however it is saved or deleted (numbering.services)."""

from __future__ import annotations

from numbering import services


def line_sequence_before_save(
    sender, instance, raw=False, using=None, update_fields=None, **kwargs
) -> None:
    if not raw:
        services.line_before_save(instance, using=using, update_fields=update_fields)


def line_sequence_after_save(sender, instance, created, raw=False, using=None, **kwargs) -> None:
    services.clear_caches()
    if not raw:
        services.line_after_save(instance, created=created, using=using)


def line_sequence_after_delete(sender, instance, using=None, **kwargs) -> None:
    services.clear_caches()
    services.line_after_delete(instance, using=using)


def series_changed(sender, **kwargs) -> None:
    """A series was saved or deleted: this process forgets its reserved blocks."""
    services.clear_caches()
