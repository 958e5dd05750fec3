"""Undoing what an event did, from its change log rows: the restore of a deleted record
and the undo of a merge are built on this.

`revert_check(changes)` lists the conflicts (translated sentences naming the records):

- a later change (in another event) to a field the event changed, or, for the objects
  in `strict` (rows a merge moved), to any field of the object;
- a record changed since, but not through the change log (its value is not the one the
  event left), or deleted since;
- a record to restore whose key or unique value (its number) is in use again, or whose
  unique constraints now clash, or that points at a record that no longer exists;
- a record the event created that was changed since.

`revert(changes, cause=..., obj=...)` refuses with a ValidationError holding those
sentences and changes nothing; otherwise, in one transaction, it deletes what the event
created, inserts again what it deleted (same key, same values, created time too) and
sets every changed field back to its old value (one UPDATE per model, field and value,
not one per row), all logged in a new event with `cause`, and marks the reverted event
`reverted_by` it. Derived data (search strings, duplicate pairs) is the caller's job.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from history import context, values
from history.models import Action, Cause, Change, Event
from history.registry import TrackedModel, tracked

_CHUNK = 500

Key = tuple[int, str]  # (content type id, object id)


@dataclass
class RevertResult:
    event: Event | None
    restored: dict[type[models.Model], list[Any]] = field(default_factory=dict)
    updated: dict[type[models.Model], set[Any]] = field(default_factory=dict)
    removed: dict[type[models.Model], list[Any]] = field(default_factory=dict)


@dataclass
class _Object:
    key: Key
    registration: TrackedModel
    created: Change | None = None
    deleted: Change | None = None
    # field name -> (first change of it in the event, last change of it)
    fields: dict[str, tuple[Change, Change]] = field(default_factory=dict)
    max_id: int = 0

    @property
    def model(self) -> type[models.Model]:
        return self.registration.model

    @property
    def pk(self):
        return self.model._meta.pk.to_python(self.key[1])


def _label(obj: _Object, change: Change | None = None) -> str:
    name = capfirst(obj.model._meta.verbose_name)
    repr_ = (change.object_repr if change else "") or obj.key[1]
    return f"{name} {repr_}"


def _who(event: Event) -> str:
    who = event.actor or (event.user.get_username() if event.user_id and event.user else "")
    when = date_format(timezone.localtime(event.at), "SHORT_DATETIME_FORMAT")
    return f"{who}, {when}" if who else when


def _objects(changes: Iterable[Change]) -> dict[Key, _Object]:
    objects: dict[Key, _Object] = {}
    for change in sorted(changes, key=lambda c: c.pk):
        key = (change.content_type_id, change.object_id)
        obj = objects.get(key)
        if obj is None:
            model = ContentType.objects.get_for_id(change.content_type_id).model_class()
            registration = tracked(model) if model else None
            if registration is None:
                continue
            obj = objects[key] = _Object(key=key, registration=registration)
        obj.max_id = max(obj.max_id, change.pk)
        if change.action == Action.CREATE:
            obj.created = change
        elif change.action == Action.DELETE:
            obj.deleted = change
        elif change.field:
            first, _last = obj.fields.get(change.field, (change, change))
            obj.fields[change.field] = (first, change)
    return objects


def _later_changes(objects: dict[Key, _Object], event_ids: set[int]) -> list[Change]:
    by_type: dict[int, list[str]] = defaultdict(list)
    for ct_id, object_id in objects:
        by_type[ct_id].append(object_id)
    min_id = min((o.max_id for o in objects.values()), default=0)
    later = []
    for ct_id, ids in by_type.items():
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            later.extend(
                Change.objects.for_objects(ct_id, chunk)
                .filter(id__gt=min_id)
                .exclude(event_id__in=event_ids)
                .select_related("event", "event__user")
                .order_by("id")
                .per_object(object_ids=chunk)
            )
    return later


def _current_rows(objects: dict[Key, _Object]) -> dict[Key, dict[str, Any]]:
    """The stored values now of the objects the event left in place."""
    current: dict[Key, dict[str, Any]] = {}
    by_model: dict[type[models.Model], list[_Object]] = defaultdict(list)
    for obj in objects.values():
        by_model[obj.model].append(obj)
    for model, objs in by_model.items():
        registration = objs[0].registration
        attnames = ["pk", *(f.attname for f in registration.fields)]
        ct_id = objs[0].key[0]
        pks = [o.pk for o in objs]
        for start in range(0, len(pks), _CHUNK):
            for row in model._base_manager.filter(pk__in=pks[start : start + _CHUNK]).values(
                *attnames
            ):
                current[(ct_id, str(row["pk"]))] = row
    return current


def _instance(obj: _Object) -> models.Model:
    stored = values.loads(obj.deleted.old)
    data = {}
    for f in obj.registration.all_fields:
        if f.attname in stored:
            data[f.attname] = values.decode(f, stored[f.attname])
    return obj.model(**data)


def revert_check(changes: Iterable[Change], *, strict: Iterable[Key] = ()) -> list[str]:
    """The conflicts that stop these changes from being undone (empty: none)."""
    changes = list(changes)
    objects = _objects(changes)
    strict = set(strict)
    event_ids = {c.event_id for c in changes}
    conflicts: list[str] = []
    seen: set[tuple[Key, str]] = set()

    for later in _later_changes(objects, event_ids):
        key = (later.content_type_id, later.object_id)
        obj = objects[key]
        if later.pk <= min(
            [first.pk for first, _last in obj.fields.values()]
            + [c.pk for c in (obj.created, obj.deleted) if c]
        ):
            continue
        name = later.field
        if obj.deleted and not obj.created and later.action == Action.CREATE:
            continue  # cannot happen with unique keys; restored below otherwise
        relevant = (
            key in strict
            or obj.created is not None
            or later.action == Action.DELETE
            or (name and name in obj.fields)
        )
        if not relevant or (key, name) in seen:
            continue
        seen.add((key, name))
        who = _who(later.event)
        if later.action == Action.DELETE:
            conflicts.append(
                _("%(record)s was deleted afterwards (%(who)s).")
                % {"record": _label(obj, later), "who": who}
            )
        elif name:
            label = obj.registration.any_field(name)
            conflicts.append(
                _("%(record)s: %(field)s was changed afterwards (%(who)s).")
                % {
                    "record": _label(obj, later),
                    "field": capfirst(label.verbose_name) if label else name,
                    "who": who,
                }
            )
        else:
            conflicts.append(
                _("%(record)s was changed afterwards (%(who)s).")
                % {"record": _label(obj, later), "who": who}
            )

    in_place = {key: obj for key, obj in objects.items() if not obj.deleted and not obj.created}
    current = _current_rows({**in_place, **{k: o for k, o in objects.items() if o.created}})
    for key, obj in in_place.items():
        row = current.get(key)
        any_change = next(iter(obj.fields.values()))[1] if obj.fields else None
        if row is None:
            if not any(c.startswith(_label(obj, any_change)) for c in conflicts):
                conflicts.append(
                    _("%(record)s no longer exists.") % {"record": _label(obj, any_change)}
                )
            continue
        for name, (_first, last) in obj.fields.items():
            f = obj.registration.field(name)
            if f is None or (key, name) in seen:
                continue
            if not values.same(f, values.encode(f, row[f.attname]), last.new):
                seen.add((key, name))
                conflicts.append(
                    _("%(record)s: %(field)s is no longer the value this change left.")
                    % {"record": _label(obj, last), "field": capfirst(f.verbose_name)}
                )

    restoring = {key for key, obj in objects.items() if obj.deleted and not obj.created}
    for key in restoring:
        obj = objects[key]
        instance = _instance(obj)
        record = _label(obj, obj.deleted)
        if obj.model._base_manager.filter(pk=instance.pk).exists():
            conflicts.append(_("%(record)s exists again.") % {"record": record})
            continue
        number = obj.registration.repr_field
        number_field = obj.model._meta.get_field(number) if number else None
        if number_field is not None and number_field.unique:
            value = getattr(instance, number_field.attname)
            holder = obj.model._base_manager.filter(**{number_field.attname: value}).first()
            if holder is not None:
                conflicts.append(
                    _(
                        "%(record)s cannot be restored with its number: %(no)s has been "
                        "given to %(holder)s since."
                    )
                    % {"record": record, "no": value, "holder": holder}
                )
                continue
        try:
            instance.validate_unique()
            instance.validate_constraints()
        except ValidationError as error:
            for message in error.messages:
                conflicts.append(
                    _("%(record)s cannot be restored: %(reason)s")
                    % {"record": record, "reason": message}
                )
        for f in obj.registration.all_fields:
            if not f.is_relation or getattr(instance, f.attname) is None:
                continue
            target_key = (
                ContentType.objects.get_for_model(f.related_model).pk,
                str(getattr(instance, f.attname)),
            )
            if target_key in restoring:
                continue
            if not f.related_model._base_manager.filter(pk=getattr(instance, f.attname)).exists():
                conflicts.append(
                    _("%(record)s cannot be restored: its %(field)s no longer exists.")
                    % {"record": record, "field": f.verbose_name}
                )
    return conflicts


def revert(
    changes: Iterable[Change],
    *,
    cause: str,
    obj=None,
    label: str = "",
    strict: Iterable[Key] = (),
    reverted_events: Iterable[Event] | None = (),
) -> RevertResult:
    """Undo `changes` (see the module docstring); ValidationError listing the conflicts."""
    changes = list(changes)
    with transaction.atomic():
        conflicts = revert_check(changes, strict=strict)
        if conflicts:
            raise ValidationError(conflicts, code="conflicts")
        objects = _objects(changes)
        result = RevertResult(event=None)
        with context.operation(cause, obj=obj, label=label) as op:
            _undo_creates(objects, result)
            _restore_deleted(objects, result)
            _revert_fields(objects, result)
        result.event = op.event
        if result.event is not None and reverted_events is not None:
            # None: only part of an event is undone (one record of a bulk delete).
            ids = {e.pk for e in reverted_events} or {c.event_id for c in changes}
            Event.objects.filter(pk__in=ids).update(reverted_by=result.event)
    return result


def _undo_creates(objects: dict[Key, _Object], result: RevertResult) -> None:
    by_model: dict[type[models.Model], list] = defaultdict(list)
    for obj in objects.values():
        if obj.created and not obj.deleted:
            by_model[obj.model].append(obj.pk)
    for model, pks in by_model.items():
        model._base_manager.filter(pk__in=pks).delete()
        result.removed[model] = pks


def _restore_deleted(objects: dict[Key, _Object], result: RevertResult) -> None:
    for obj in sorted(objects.values(), key=lambda o: o.deleted.pk if o.deleted else 0):
        if not obj.deleted or obj.created:
            continue
        instance = _instance(obj)
        # raw: the values go back as they were (no numbering, no defaults, created time
        # kept); the save is logged as a creation in the restoring event.
        instance.save_base(raw=True, force_insert=True)
        result.restored.setdefault(obj.model, []).append(instance.pk)


def _revert_fields(objects: dict[Key, _Object], result: RevertResult) -> None:
    groups: dict[tuple[type[models.Model], str, str | None], list] = defaultdict(list)
    for obj in objects.values():
        if obj.created:
            continue
        for name, (first, _last) in obj.fields.items():
            f = obj.registration.field(name)
            if f is None:
                continue
            groups[(obj.model, f.attname, first.old)].append(obj.pk)
    now = timezone.now()
    for (model, attname, old), pks in groups.items():
        f = next(x for x in model._meta.concrete_fields if x.attname == attname)
        value = values.decode(f, old)
        if value is None and not f.null:
            value = ""
        extra = {}
        if any(getattr(x, "auto_now", False) for x in model._meta.concrete_fields):
            extra = {
                x.attname: now for x in model._meta.concrete_fields if getattr(x, "auto_now", False)
            }
        for start in range(0, len(pks), _CHUNK):
            model._base_manager.filter(pk__in=pks[start : start + _CHUNK]).update(
                **{attname: value}, **extra
            )
        result.updated.setdefault(model, set()).update(pks)


# --- restore of a deleted record ------------------------------------------------------


def restore_changes(deletion: Change) -> list[Change]:
    """The changes of `deletion`'s event that a restore of its record undoes: its own
    deletion, the deletions of rows that pointed at it (what the delete rules removed
    with it, and in turn what pointed at those) and the rows moved off it (a deleted
    person's interactions moved to its company)."""
    event_changes = list(
        Change.objects.filter(event_id=deletion.event_id).order_by("id").per_object()
    )
    relations: dict[int, list[tuple[models.Field, int]]] = {}

    def pointing(ct_id: int) -> list[tuple[models.Field, int]]:
        """(foreign key field, content type of the model it points at) of a model."""
        if ct_id not in relations:
            model = ContentType.objects.get_for_id(ct_id).model_class()
            registration = tracked(model) if model else None
            relations[ct_id] = [
                (f, ContentType.objects.get_for_model(f.related_model).pk)
                for f in (registration.all_fields if registration else ())
                if f.is_relation and f.related_model is not None
            ]
        return relations[ct_id]

    wanted = {(deletion.content_type_id, deletion.object_id)}
    chosen = {(deletion.pk, deletion.object_id)}  # a shared row stands for many objects
    grown = True
    while grown:
        grown = False
        for change in event_changes:
            if (change.pk, change.object_id) in chosen:
                continue
            targets = set()
            if change.action == Action.DELETE:
                stored = values.loads(change.old)
                for f, target_ct in pointing(change.content_type_id):
                    if stored.get(f.attname) is not None:
                        targets.add((target_ct, str(stored[f.attname])))
            elif change.action == Action.UPDATE and change.old is not None:
                for f, target_ct in pointing(change.content_type_id):
                    if change.field in (f.name, f.attname):
                        targets.add((target_ct, change.old))
            if targets & wanted:
                chosen.add((change.pk, change.object_id))
                if change.action == Action.DELETE:
                    wanted.add((change.content_type_id, change.object_id))
                grown = True
    return [c for c in event_changes if (c.pk, c.object_id) in chosen]


def restore_check(deletion: Change) -> list[str]:
    """Why the deleted record cannot be restored now (empty: it can)."""
    if deletion.action != Action.DELETE:
        return [_("This change is not a deletion.")]
    if deletion.event.reverted_by_id:
        return [_("This deletion has been undone already.")]
    return revert_check(restore_changes(deletion))


def restore_deleted(deletion: Change) -> RevertResult:
    """Restore a deleted record from its change log row, with its key, number and
    values, and what the delete rules removed or moved with it (see restore_changes);
    logged as one "restore" event. ValidationError naming the conflicts (its number
    given to another record since...) and nothing changes."""
    from history.signals import records_restored

    if deletion.action != Action.DELETE:
        raise ValidationError(_("This change is not a deletion."), code="not_deleted")
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=deletion.event_id)
        if locked.reverted_by_id:
            raise ValidationError(_("This deletion has been undone already."), code="undone")
        changes = restore_changes(deletion)
        whole = len(changes) == (
            Change.objects.filter(event_id=deletion.event_id).count_per_object()
        )
        result = revert(
            changes,
            cause=Cause.RESTORE,
            label=deletion.object_repr or deletion.object_id,
            reverted_events=[locked] if whole else None,
        )
        for model, pks in result.restored.items():
            records_restored.send(sender=model, pks=list(pks))
    return result
