"""Which models have a change log, and how.

An app registers its models in its AppConfig.ready(), before connecting its own
receivers (so a save's own changes are logged before what its receivers do)::

    from history.registry import track
    track(Contact, repr_field="no", exclude=("created_at", "updated_at"),
          url=lambda object_id, repr: reverse("contacts:detail", kwargs={"no": repr}))

A tracked model must use a manager whose queryset is `history.queryset.HistoryQuerySet`
(so `update()` and `bulk_create()` are logged) as its default and base manager
(`Meta.base_manager_name`, so Django's delete collector and related managers log
too); `manage.py check` reports one that does not (history.E001).

`track` connects pre_save/post_save/pre_delete/post_delete receivers for the model (see
history/receivers.py). Fields left out with `exclude` (timestamps, caches) are not
logged; `personal` names the fields an anonymisation erases (their logged values too).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.db import models
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

UrlFn = Callable[[str, str], str | None]  # (object_id, object_repr) -> URL or None


@dataclass(eq=False)
class TrackedModel:
    model: type[models.Model]
    exclude: tuple[str, ...] = ()
    repr_field: str | None = None
    url: UrlFn | None = None
    personal: tuple[str, ...] = ()
    _by_name: dict[str, models.Field] = field(default_factory=dict, repr=False)

    @cached_property
    def fields(self) -> tuple[models.Field, ...]:
        """The logged fields: concrete, not the primary key, not excluded."""
        return tuple(
            f
            for f in self.model._meta.concrete_fields
            if not f.primary_key and f.name not in self.exclude and f.attname not in self.exclude
        )

    @cached_property
    def all_fields(self) -> tuple[models.Field, ...]:
        """Every concrete field (a deleted object's values are kept whole, for a restore)."""
        return tuple(self.model._meta.concrete_fields)

    def field(self, name: str) -> models.Field | None:
        """A logged field by name or attname (None when not logged)."""
        if not self._by_name:
            for f in self.fields:
                self._by_name[f.name] = f
                self._by_name[f.attname] = f
        return self._by_name.get(name)

    def any_field(self, name: str) -> models.Field | None:
        for f in self.all_fields:
            if name in (f.name, f.attname):
                return f
        return None

    def repr_of(self, instance: models.Model) -> str:
        if self.repr_field:
            value = getattr(instance, self.repr_field, "")
            return str(value if value is not None else "")[:100]
        return str(instance.pk)[:100]

    def url_for(self, object_id: str, object_repr: str) -> str | None:
        if self.url is None:
            return None
        try:
            return self.url(object_id, object_repr)
        except Exception:  # a number the URL pattern refuses: no link, not an error
            return None


_registry: dict[type[models.Model], TrackedModel] = {}


def track(
    model: type[models.Model],
    *,
    exclude: tuple[str, ...] = (),
    repr_field: str | None = None,
    url: UrlFn | None = None,
    personal: tuple[str, ...] = (),
) -> TrackedModel:
    """Log every change to `model` (see the module docstring)."""
    from history import receivers

    tracked = TrackedModel(
        model=model, exclude=tuple(exclude), repr_field=repr_field, url=url, personal=personal
    )
    _registry[model] = tracked
    label = model._meta.label_lower
    pre_save.connect(
        receivers.remember_old_values, sender=model, dispatch_uid=f"history.pre.{label}"
    )
    post_save.connect(receivers.record_saved, sender=model, dispatch_uid=f"history.post.{label}")
    pre_delete.connect(
        receivers.record_deleted, sender=model, dispatch_uid=f"history.pre_delete.{label}"
    )
    post_delete.connect(
        receivers.flush_deleted, sender=model, dispatch_uid=f"history.post_delete.{label}"
    )
    return tracked


def tracked(model) -> TrackedModel | None:
    """The registration of a model (or of an instance's model), None when not tracked."""
    if not isinstance(model, type):
        model = type(model)
    return _registry.get(model)


def tracked_models() -> list[TrackedModel]:
    return list(_registry.values())


def for_label(label: str) -> TrackedModel | None:
    """By "app_label.modelname" (lower case)."""
    for tracked_model in _registry.values():
        if tracked_model.model._meta.label_lower == label:
            return tracked_model
    return None
