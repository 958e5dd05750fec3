"""Reading the change log: an object's history (newest first, by field), an event's
changes, what changed since an event (for undo conflicts).

`object_history` costs a fixed number of queries whatever the number of rows: the rows
with their events and users (one query), the fields that ever changed (one, only when
the rows do not all fit on the page: otherwise they are the rows' own fields), and one
per kind of referenced object shown (contacts by key → their numbers).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from history import values
from history.models import Action, Cause, Change, ChangeObject, Event, Source, member_repr
from history.registry import TrackedModel, for_label, tracked

# (model, object id) -> URL of an object that is the cause of an event but has no
# change log of its own (the merge record): apps register them in ready().
_cause_urls: dict[type[models.Model], Callable[[str], str | None]] = {}


def register_cause_url(model: type[models.Model], url: Callable[[str], str | None]) -> None:
    """How to link an event's cause object of `model` (given its key as text)."""
    _cause_urls[model] = url


PAGE_SIZE = 20


@dataclass
class HistoryRow:
    """One change as the pages show it."""

    change: Change
    action: str
    field: str
    field_label: str
    old: str
    new: str
    via_label: str = ""
    via_url: str | None = None
    object_label: str = ""
    object_url: str | None = None


@dataclass
class EventInfo:
    """An event's who/when/why as the pages show it."""

    event: Event
    who: str
    when: str
    source: str
    cause: str
    cause_url: str | None
    url: str
    reverted: bool = False


@dataclass
class HistoryPage:
    rows: list[tuple[EventInfo, list[HistoryRow]]] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)  # (name, label)
    selected_field: str = ""
    has_more: bool = False
    next_before: int | None = None
    count_shown: int = 0
    url: str = ""


def _model_ct(model) -> ContentType:
    return ContentType.objects.get_for_model(model, for_concrete_model=False)


def object_url(content_type_id: int, object_id: str, object_repr: str) -> str | None:
    """The page of a logged object (its card), when it has one."""
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    registration = tracked(model) if model else None
    return registration.url_for(object_id, object_repr) if registration else None


def history_url(model_or_obj, object_id: Any = None) -> str:
    """The full history page of an object."""
    if object_id is None:
        object_id = model_or_obj.pk
        model_or_obj = type(model_or_obj)
    return reverse(
        "history:object",
        kwargs={"model": model_or_obj._meta.label_lower, "object_id": str(object_id)},
    )


def event_info(event: Event) -> EventInfo:
    who = event.actor or (event.user.get_username() if event.user_id and event.user else "")
    if not who:
        who = _("system") if event.source == Source.SYSTEM else event.get_source_display()
    return EventInfo(
        event=event,
        who=who,
        when=date_format(timezone.localtime(event.at), "SHORT_DATETIME_FORMAT") if event.at else "",
        source=str(event.get_source_display()),
        cause=cause_label(event),
        cause_url=cause_url(event),
        url=reverse("history:event", kwargs={"pk": event.pk}),
        reverted=event.reverted_by_id is not None,
    )


_SOURCE_EDIT = {
    Source.PAGE: gettext_lazy("Edit on a page"),
    Source.ADMIN: gettext_lazy("Edit in the administration"),
    Source.API: gettext_lazy("API call"),
    Source.JOB: gettext_lazy("Job"),
    Source.COMMAND: gettext_lazy("Command"),
    Source.SYSTEM: gettext_lazy("System"),
}


def cause_label(event: Event) -> str:
    """Why, in words: "Import batch 12 (contacts.csv)", "Merge 3: C02 → C01"..."""
    subject = event.cause_repr
    if event.cause == Cause.EDIT:
        text = str(_SOURCE_EDIT.get(event.source, event.get_cause_display()))
    elif event.cause == Cause.IMPORT:
        text = _("Import batch %(no)s") % {"no": event.pk}
    elif event.cause == Cause.MERGE:
        text = _("Merge %(no)s") % {"no": event.cause_id} if event.cause_id else _("Merge")
    elif event.cause == Cause.JOB:
        text = _("Job %(no)s") % {"no": event.cause_id} if event.cause_id else _("Job")
    else:
        text = str(event.get_cause_display())
    details = [part for part in (subject, event.label) if part]
    if event.cause in (Cause.IMPORT, Cause.JOB) and subject == event.cause_id:
        details = [event.label] if event.label else []
    return f"{text}: {', '.join(details)}" if details else text


def cause_url(event: Event) -> str | None:
    if event.cause == Cause.IMPORT and not event.cause_type_id:
        return reverse("history:event", kwargs={"pk": event.pk})
    if not event.cause_type_id:
        return None
    model = ContentType.objects.get_for_id(event.cause_type_id).model_class()
    if model is None:
        return None
    if model in _cause_urls:
        try:
            return _cause_urls[model](event.cause_id)
        except Exception:
            return None
    registration = tracked(model)
    return registration.url_for(event.cause_id, event.cause_repr) if registration else None


# --- values ------------------------------------------------------------------------


_EMPTY = "—"


class _Labels:
    """Display texts of referenced objects, fetched once per model for a page."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set] = defaultdict(set)
        self.labels: dict[tuple[type[models.Model], str], str] = {}

    def want(self, f: models.Field, text: str | None) -> None:
        if text is None or not f.is_relation:
            return
        target = f.related_model
        if _is_code(target):
            return
        self.wanted[target].add(text)

    def fetch(self) -> None:
        for model, keys in self.wanted.items():
            registration = tracked(model)
            name = registration.repr_field if registration and registration.repr_field else None
            pk_field = model._meta.pk
            clean = []
            for key in keys:
                try:
                    clean.append(pk_field.to_python(key))
                except Exception:
                    continue
            queryset = model._base_manager.filter(pk__in=clean)
            if name:
                for pk, label in queryset.values_list("pk", name):
                    self.labels[(model, str(pk))] = str(label)
            else:
                for obj in queryset:
                    self.labels[(model, str(obj.pk))] = str(obj)

    def label(self, f: models.Field, text: str) -> str:
        return self.labels.get((f.related_model, text), text)


def _is_code(model) -> bool:
    """Models keyed by a code (salesperson, territory...) show the code itself."""
    return not isinstance(model._meta.pk, models.AutoField | models.BigAutoField)


def display_value(f: models.Field | None, text: str | None, labels: _Labels | None = None):
    """A stored value as a person reads it."""
    if text is None or text == "":
        return _EMPTY
    if f is None:
        return text
    if f.is_relation:
        return labels.label(f, text) if labels else text
    value = values.decode(f, text)
    if isinstance(f, models.BooleanField):
        return _("Yes") if value else _("No")
    if f.choices:
        for key, label in f.flatchoices:
            if str(key) == str(value):
                return str(label)
    if f.name == "country" or f.__class__.__name__ == "CountryField":
        from django_countries import countries

        return str(countries.name(value) or value)
    return str(value)


def _field_label(registration: TrackedModel | None, name: str) -> str:
    if registration is None or not name:
        return name
    f = registration.any_field(name)
    return str(capfirst(f.verbose_name)) if f is not None else name


def _rows(changes: list[Change], *, with_objects: bool = False) -> list[HistoryRow]:
    labels = _Labels()
    registrations: dict[int, TrackedModel | None] = {}
    for change in changes:
        if change.content_type_id not in registrations:
            model = ContentType.objects.get_for_id(change.content_type_id).model_class()
            registrations[change.content_type_id] = tracked(model) if model else None
        registration = registrations[change.content_type_id]
        if registration and change.field and not change.erased:
            f = registration.any_field(change.field)
            if f is not None:
                labels.want(f, change.old)
                labels.want(f, change.new)
    labels.fetch()
    rows = []
    for change in changes:
        registration = registrations[change.content_type_id]
        f = registration.any_field(change.field) if registration and change.field else None
        if change.erased:
            old = new = _("(erased)")
        elif change.action == Action.UPDATE:
            old, new = display_value(f, change.old, labels), display_value(f, change.new, labels)
        else:
            old = new = ""
        row = HistoryRow(
            change=change,
            action=str(change.get_action_display()),
            field=change.field,
            field_label=_field_label(registration, change.field),
            old=old,
            new=new,
        )
        if change.via_type_id:
            row.via_label = change.via_repr or change.via_id
            row.via_url = object_url(change.via_type_id, change.via_id, change.via_repr)
        if with_objects:
            model = registration.model if registration else None
            kind = capfirst(model._meta.verbose_name) if model else ""
            row.object_label = f"{kind} {change.object_repr or change.object_id}".strip()
            if change.action != Action.DELETE:
                row.object_url = object_url(
                    change.content_type_id, change.object_id, change.object_repr
                )
        rows.append(row)
    return rows


def _grouped(changes: list[Change], rows: list[HistoryRow]):
    grouped: list[tuple[EventInfo, list[HistoryRow]]] = []
    for change, row in zip(changes, rows, strict=True):
        if grouped and grouped[-1][0].event.pk == change.event_id:
            grouped[-1][1].append(row)
        else:
            grouped.append((event_info(change.event), [row]))
    return grouped


def _int_key(object_id: Any) -> int:
    """The key as ChangeObject holds it (-1: not an integer key, never there)."""
    text = str(object_id)
    return int(text) if text.isdecimal() and len(text) < 19 else -1


def object_history(
    obj: models.Model | None = None,
    *,
    model: type[models.Model] | None = None,
    object_id: Any = None,
    field: str = "",
    limit: int = PAGE_SIZE,
    before: int | None = None,
) -> HistoryPage:
    """An object's changes, newest first, grouped by event; `field` filters by field name.

    A fixed number of queries (see the module docstring). `before` pages back (a change
    id); `has_more` says whether there are older rows.
    """
    if obj is not None:
        model, object_id = type(obj), obj.pk
    content_type = _model_ct(model)
    registration = tracked(model)
    base = Change.objects.for_objects(content_type.pk, [object_id])
    queryset = base
    if field:
        queryset = queryset.filter(field=field)
    if before:
        queryset = queryset.filter(id__lt=before)
    # A shared row (a change of many objects) as this object's own row.
    member = ChangeObject.objects.filter(
        change_id=Coalesce(
            models.OuterRef("objects_of"),
            models.OuterRef("pk"),
            output_field=models.BigIntegerField(),
        ),
        object_id=_int_key(object_id),
    )
    changes = [
        change.for_object(object_id, change.member_repr or "", erased=change.member_erased)
        if change.is_shared
        else change
        for change in queryset.select_related("event", "event__user")
        .annotate(
            member_repr=member_repr(content_type.pk, models.Value(_int_key(object_id))),
            member_erased=models.Subquery(member.values("erased")[:1]),
        )
        .order_by("-id")[: limit + 1]
    ]
    has_more = len(changes) > limit
    changes = changes[:limit]
    if field or before or has_more:
        names = set(base.exclude(field="").values_list("field", flat=True).distinct())
    else:
        # Every row of the object is on this page: the filter offers their fields (a
        # query fewer on most cards).
        names = {change.field for change in changes if change.field}
    fields = sorted(names, key=lambda name: _field_label(registration, name).lower())
    rows = _rows(changes)
    return HistoryPage(
        rows=_grouped(changes, rows),
        fields=[(name, _field_label(registration, name)) for name in fields],
        selected_field=field,
        has_more=has_more,
        next_before=changes[-1].pk if has_more and changes else None,
        count_shown=len(changes),
        url=history_url(model, object_id),
    )


def event_changes(event: Event, *, limit: int = 200, offset: int = 0) -> list[HistoryRow]:
    """A page of an event's changes (with the objects they concern), in written order."""
    rows = Change.objects.filter(event=event).select_related("event").order_by("id")
    changes = list(islice(rows.per_object(), offset, offset + limit))
    return _rows(changes, with_objects=True)


def changed_objects(event: Event) -> dict[str, dict[str, list[str]]]:
    """{model label: {object id: [fields changed, "" for created/deleted]}} of an event."""
    result: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    labels = {}
    rows = (
        Change.objects.filter(event=event)
        .order_by("id")
        .only("id", "content_type_id", "object_id", "field", "objects_of")
    )
    for change in rows.per_object(chunk_size=5000):
        ct_id, object_id, name = change.content_type_id, change.object_id, change.field
        if ct_id not in labels:
            model = ContentType.objects.get_for_id(ct_id).model_class()
            labels[ct_id] = model._meta.label_lower if model else str(ct_id)
        result[labels[ct_id]][object_id].append(name)
    return {label: dict(objects) for label, objects in result.items()}


def event_for_cause(obj: models.Model, cause: str | None = None) -> Event | None:
    """The (first) event of an operation about `obj` (the merge's event for a merge record)."""
    queryset = Event.objects.filter(cause_type=_model_ct(type(obj)), cause_id=str(obj.pk))
    if cause:
        queryset = queryset.filter(cause=cause)
    return queryset.order_by("id").first()


def tracked_for_label(label: str) -> TrackedModel | None:
    return for_label(label)


def section_context(request, obj: models.Model, *, anchor_url: str) -> dict:
    """The context of a card's History section (`history/_section.html`) for `obj`:
    empty for users who may not see history. A fixed number of queries."""
    if not request.user.has_perm("history.view_change"):
        return {}
    return {
        "history_page": object_history(obj, field=request.GET.get("history_field", "")),
        "history_anchor_url": anchor_url,
    }


@dataclass
class DeletedRow:
    change: Change
    info: EventInfo
    kind: str
    label: str
    history_url: str


def deleted_records(*, model: type[models.Model] | None = None, limit: int = 50, before=None):
    """Deletions, newest first (of `model` only when given): (rows, next `before` or
    None). Records restored since are left out. A fixed number of queries."""
    queryset = Change.objects.filter(action=Action.DELETE, event__reverted_by__isnull=True)
    if model is not None:
        queryset = queryset.filter(content_type=_model_ct(model))
    if before:
        queryset = queryset.filter(id__lt=before)
    changes = list(queryset.select_related("event", "event__user").order_by("-id")[: limit + 1])
    more = len(changes) > limit
    changes = changes[:limit]
    # A record deleted, restored as part of a larger event (one of a bulk delete) and
    # so still listed: left out when it exists again.
    by_type: dict[int, set[str]] = defaultdict(set)
    for change in changes:
        by_type[change.content_type_id].add(change.object_id)
    existing: set[tuple[int, str]] = set()
    for ct_id, ids in by_type.items():
        model_class = ContentType.objects.get_for_id(ct_id).model_class()
        if model_class is None:
            continue
        pk_field = model_class._meta.pk
        clean = []
        for object_id in ids:
            try:
                clean.append(pk_field.to_python(object_id))
            except Exception:
                continue
        existing.update(
            (ct_id, str(pk))
            for pk in model_class._base_manager.filter(pk__in=clean).values_list("pk", flat=True)
        )
    rows = []
    for change in changes:
        if (change.content_type_id, change.object_id) in existing:
            continue
        model_class = ContentType.objects.get_for_id(change.content_type_id).model_class()
        stored = values.loads(change.old) if change.old else {}
        name = stored.get("name") or ""
        rows.append(
            DeletedRow(
                change=change,
                info=event_info(change.event),
                kind=str(capfirst(model_class._meta.verbose_name)) if model_class else "",
                label=f"{change.object_repr or change.object_id} {name}".strip(),
                history_url=history_url(model_class, change.object_id) if model_class else "",
            )
        )
    return rows, (changes[-1].pk if more and changes else None)


def last_deletion(model: type[models.Model], object_id: Any) -> Change | None:
    """The change log row of the object's last deletion (None when never deleted)."""
    return (
        Change.objects.filter(
            content_type=_model_ct(model), object_id=str(object_id), action=Action.DELETE
        )
        .select_related("event")
        .order_by("-id")
        .first()
    )
