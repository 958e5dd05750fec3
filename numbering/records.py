"""Editing stored records safely: lock the row, and never bring a vanished row back.

Django's ``Model.save()`` on a loaded instance runs an UPDATE and, when that UPDATE
hits no row (someone merged or deleted the record meanwhile), falls back to an
INSERT: the record comes back to life with its old number and the edited values,
detached from everything that moved away with the merge (issue 13.1). Two rules:

- an edit locks the row it changes (`record_lock`, ``SELECT ... FOR UPDATE`` in the
  edit's transaction) before it reads the stored values it compares against, so a
  concurrent merge or delete either waits for the edit or wins before it; a row that
  is gone raises `RecordGone`, a ValidationError with a translated message that the
  pages show on the form (nothing the user typed is lost from the screen);
- numbered models mix in `SaveNeverReinserts`: a loaded instance is saved with
  ``force_update``, so even a path without the lock fails instead of inserting.

Lives in the bottom app (beside the number rule) so every app above can use it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models
from django.utils.translation import gettext as _


class RecordGone(ValidationError):
    """The record an edit was made on no longer exists (merged or deleted meanwhile)."""

    def __init__(self, instance: models.Model):
        self.instance = instance
        label = str(instance._meta.verbose_name)
        number = getattr(instance, "no", "") or ""
        super().__init__(
            _(
                "%(record)s %(no)s no longer exists: someone merged or deleted it while "
                "you were editing. Your changes were not saved."
            )
            % {"record": label[:1].upper() + label[1:], "no": number},
            code="gone",
        )


def record_lock(instance: models.Model, *, refresh: bool = False) -> None:
    """Lock `instance`'s row until the current transaction ends; `RecordGone` if it is
    gone. With `refresh`, the instance's field values are reloaded from the locked row
    (for callers that apply their changes afterwards). Needs a transaction."""
    model = type(instance)
    queryset = model._base_manager.db_manager(instance._state.db or "default").select_for_update()
    if refresh:
        try:
            instance.refresh_from_db(from_queryset=queryset)
        except model.DoesNotExist:
            raise RecordGone(instance) from None
    elif not list(queryset.filter(pk=instance.pk).values_list("pk", flat=True)):
        raise RecordGone(instance)


class SaveNeverReinserts:
    """Model mixin: saving a loaded instance updates its row or fails; never inserts.

    ``class Contact(SaveNeverReinserts, models.Model)``. A new instance (``_state.adding``)
    is inserted as usual; a loaded one whose row has vanished raises `RecordGone`.
    """

    def save(self, *args, **kwargs):
        loaded = not self._state.adding and self.pk is not None
        if loaded and not kwargs.get("force_insert"):
            kwargs["force_update"] = True
        try:
            return super().save(*args, **kwargs)
        except DatabaseError as error:
            if loaded and "did not affect any rows" in str(error):
                raise RecordGone(self) from error
            raise
