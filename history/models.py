"""The change log: one `Event` per operation (who, when, from where, why) and one
`Change` row per field changed, per object created and per object deleted.

Written by `history.writers` (called from the save/delete receivers of tracked models,
from `history.queryset.HistoryQuerySet.update()/bulk_create()` and from bulk paths that
insert with raw SQL), in the transaction of the change. Read by `history.selectors`.
Rows are never edited afterwards, with two exceptions: anonymisation erases the values
of a person's rows (`Change.erased`), and an undo/restore sets `Event.reverted_by`.

Values are stored as text (`history.values.encode`): foreign keys as the raw key,
booleans as 1/0, dates ISO. A created object has one row (action create, no values); a
deleted object one row (action delete) whose `old` holds all its values as JSON, so it
can be restored.

Two shapes of a field change: a row of its own per object (`object_id` set), or, for a
set-based update whose rows all held the same old value (a company's change passed on
to the persons that follow it: `HistoryQuerySet.update_known`), ONE *shared* row per
field (`object_id` blank) with the objects it stands for in the narrow `ChangeObject`
table. Read both through `ChangeQuerySet.for_objects` / `.per_object()`, which give a
shared row once per object as if it were a row of its own (history/selectors.py, the
undo, webhooks and the anonymisation read the log only through them).
"""

from __future__ import annotations

import copy as copy_module
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Cast, Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from history.registry import tracked


class Source(models.TextChoices):
    """Through which door the change came."""

    PAGE = "page", _("Page")
    ADMIN = "admin", _("Administration")
    API = "api", _("API")
    JOB = "job", _("Job")
    COMMAND = "command", _("Command")
    SYSTEM = "system", _("System")


class Cause(models.TextChoices):
    """Why: the operation that made the change. A change a company's change passed on to
    its persons (or a contact's change to its linked customer) keeps the operation's
    cause and names the company in `Change.via_*`."""

    EDIT = "edit", _("Edit")
    IMPORT = "import", _("Import")
    FOLLOW_COMPANY = "follow_company", _("Follow company")
    MERGE = "merge", _("Merge")
    MERGE_UNDO = "merge_undo", _("Undo of a merge")
    BULK_ACTION = "bulk_action", _("Bulk action")
    JOB = "job", _("Job")
    DELETE = "delete", _("Delete")
    RESTORE = "restore", _("Restore")
    ANONYMISE = "anonymise", _("Anonymisation")
    PRIVACY = "privacy", _("Privacy")
    DEMO = "demo", _("Demo data")


class Action(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")


class Event(models.Model):
    """One operation: every change it made shares this row (the cause is stored once)."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # The user name (or API client, job, command) as it was then: users may be deleted.
    actor = models.CharField(_("who"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    cause = models.CharField(_("cause"), max_length=20, choices=Cause.choices)
    label = models.CharField(_("description"), max_length=200, blank=True)
    cause_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("cause type"),
    )
    cause_id = models.CharField(_("cause id"), max_length=64, blank=True)
    cause_repr = models.CharField(_("cause"), max_length=200, blank=True)
    reverted_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reverts",
        verbose_name=_("undone by"),
    )

    class Meta:
        verbose_name = _("history event")
        verbose_name_plural = _("history events")
        ordering = ("-id",)
        indexes = [models.Index(fields=("cause_type", "cause_id"), name="history_event_cause")]
        permissions = [
            ("revert_event", _("Can undo merges and restore deleted records")),
            ("anonymise_event", _("Can anonymise persons")),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.get_cause_display()} ({self.get_source_display()})"


# The change whose ChangeObject rows name a shared row's objects, in a subquery.
_SET = Coalesce(
    models.OuterRef("objects_of"), models.OuterRef("pk"), output_field=models.BigIntegerField()
)


def member_repr(content_type_id: int, object_id) -> Coalesce:
    """The repr of one of a shared row's objects (`object_id`: its integer key, an
    expression), read when shown: ChangeObject keeps only the key, so a company's change
    reaching 10,000 persons writes no repr per person (issue 11 "Measure"). The object's
    repr field now (a contact's number), or for a deleted object the repr its delete
    row kept; blank when neither is known (the readers show the key)."""
    text = models.CharField()
    deleted = (
        Change.objects.filter(
            content_type_id=content_type_id,
            object_id=Cast(object_id, text),
            action=Action.DELETE,
        )
        .order_by("-id")
        .values("object_repr")[:1]
    )
    parts: list[Any] = [models.Subquery(deleted, output_field=text)]
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    registration = tracked(model) if model is not None else None
    if registration is not None and registration.repr_field:
        now = (
            model._base_manager.filter(pk=object_id)
            .annotate(h_repr=Substr(Cast(registration.repr_field, text), 1, 100))
            .values("h_repr")[:1]
        )
        parts.insert(0, models.Subquery(now, output_field=text))
    return Coalesce(*parts, models.Value(""), output_field=text)


class ChangeQuerySet(models.QuerySet):
    """The one way to read change rows of both shapes (see the module docstring)."""

    def for_objects(self, content_type_id: int, object_ids: Iterable[Any]) -> ChangeQuerySet:
        """The rows about these objects of that type: rows of their own, and shared rows
        that name them. A shared row is found through its `via` object (the company a
        change passed on from), which the objects point at now or did (a logged value
        of their foreign key), then checked in ChangeObject: so the narrow table needs
        no index by object, which would cost its writes as much as the wide rows."""
        ids = [str(pk) for pk in object_ids]
        keys = [int(pk) for pk in ids if pk.isdecimal() and len(pk) < 19]
        own = models.Q(object_id__in=ids)
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        registration = tracked(model) if model is not None and keys else None
        if registration is None:
            return self.filter(content_type_id=content_type_id).filter(own)
        via = models.Q(pk__in=[])
        logged = Change.objects.filter(content_type_id=content_type_id, object_id__in=ids)
        for f in registration.fields:
            if not f.many_to_one or tracked(f.related_model) is None:
                continue
            now = model._base_manager.filter(pk__in=keys).annotate(
                h_key=Cast(f.attname, models.TextField())
            )
            was = logged.filter(field=f.name)
            via |= models.Q(
                models.Q(via_id__in=now.values("h_key"))
                | models.Q(via_id__in=was.values("old"))
                | models.Q(via_id__in=was.values("new")),
                via_type_id=ContentType.objects.get_for_model(f.related_model).pk,
            )
        member = ChangeObject.objects.filter(change_id=_SET, object_id__in=keys)
        shared = models.Q(via, object_id="") & models.Exists(member)
        return self.filter(content_type_id=content_type_id).filter(own | shared)

    def count_per_object(self) -> int:
        """How many rows `per_object()` gives (a shared row counts once per object)."""
        sets = list(
            self.filter(object_id="")
            .annotate(h_set=Coalesce("objects_of", "pk", output_field=models.BigIntegerField()))
            .values_list("h_set", flat=True)
        )
        sizes = dict(
            ChangeObject.objects.filter(change_id__in=set(sets))
            .values("change_id")
            .annotate(n=models.Count("pk"))
            .values_list("change_id", "n")
        )
        return self.exclude(object_id="").count() + sum(sizes.get(s, 0) for s in sets)

    def per_object(self, *, object_ids: Iterable[Any] | None = None, chunk_size: int = 2000):
        """The rows in the queryset's order, a shared row once per object it stands for
        (a copy with that object's `object_id` and `object_repr`; only the objects of
        `object_ids` when given). Reads the objects of shared rows in chunks."""
        wanted = None
        if object_ids is not None:
            wanted = [int(pk) for pk in map(str, object_ids) if pk.isdecimal() and len(pk) < 19]
        for change in self.iterator(chunk_size=chunk_size):
            if change.object_id:
                yield change
                continue
            members = ChangeObject.objects.filter(change_id=change.object_set_id)
            members = members.order_by("object_id").annotate(
                h_repr=member_repr(change.content_type_id, models.OuterRef("object_id"))
            )
            if wanted is not None:
                members = members.filter(object_id__in=wanted)
            for object_id, object_repr, erased in members.values_list(
                "object_id", "h_repr", "erased"
            ).iterator(chunk_size=chunk_size):
                yield change.for_object(object_id, object_repr, erased=erased)


class Change(models.Model):
    """One field of one object changed from `old` to `new` (or the object created or
    deleted), as part of `event`. `via_*` names the object whose change this one
    follows (the company whose address its persons took over). A *shared* row (blank
    `object_id`) is the same change of many objects, named in `ChangeObject`."""

    # No database foreign-key constraints on the log's keys (Django still cascades and
    # protects on delete): PostgreSQL checked each of them per inserted row at commit, a
    # set-based change to 10,000 persons wrote 20,000 rows and spent as long in those
    # 60,000 checks as in the writes (issue 11 "Measure"). Rows are only ever written
    # by history.writers with keys it has just read or created.
    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="changes",
        db_constraint=False,
        verbose_name=_("event"),
    )
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the (content_type, object_id, id) index covers it
        db_constraint=False,
        verbose_name=_("object type"),
    )
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=100, blank=True)
    action = models.CharField(_("action"), max_length=6, choices=Action.choices)
    field = models.CharField(_("field"), max_length=64, blank=True)
    # NULL (no value: a blank foreign key) differs from "" (an empty text).
    old = models.TextField(_("old value"), null=True, blank=True)  # noqa: DJ001
    new = models.TextField(_("new value"), null=True, blank=True)  # noqa: DJ001
    via_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("via type"),
    )
    via_id = models.CharField(_("via id"), max_length=64, blank=True)
    via_repr = models.CharField(_("via"), max_length=100, blank=True)
    erased = models.BooleanField(
        _("erased"), default=False, help_text=_("The values were erased by an anonymisation.")
    )
    # A shared row of a set-based update of several fields: the first of them, whose
    # ChangeObject rows name the objects of all (NULL: its own, or not shared).
    objects_of = models.BigIntegerField(_("objects of change"), null=True, blank=True)

    objects = ChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        ordering = ("-id",)
        indexes = [
            models.Index(fields=("content_type", "object_id", "id"), name="history_change_object"),
            # Shared rows by their via object (ChangeQuerySet.for_objects); few rows.
            models.Index(
                fields=("via_type", "via_id", "content_type"),
                condition=models.Q(object_id=""),
                name="history_change_shared",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.object_repr or self.object_id} {self.action} {self.field}".strip()

    @property
    def is_shared(self) -> bool:
        """A row standing for many objects (named in ChangeObject)."""
        return not self.object_id

    @property
    def object_set_id(self) -> int:
        """The change whose ChangeObject rows name this shared row's objects."""
        return self.objects_of or self.pk

    def for_object(self, object_id: Any, object_repr: str = "", *, erased=False) -> Change:
        """This shared row as the row of one of its objects (not saved); `erased`: the
        object's values of it were erased (ChangeObject.erased)."""
        copy = copy_module.copy(self)
        copy.object_id, copy.object_repr = str(object_id), object_repr
        if erased:
            copy.old = copy.new = None
            copy.erased = True
        copy.shared_row = self
        return copy


class ChangeObject(models.Model):
    """One object a shared change row stands for (and the rows of the other fields of
    its update, `Change.objects_of`): narrow, so a company's change passed on to 10,000
    persons writes one row per field and 10,000 of these (issue 11 "Measure")."""

    change = models.ForeignKey(
        Change,
        on_delete=models.CASCADE,
        related_name="objects_changed",
        db_constraint=False,  # as Change's own keys (see there)
        db_index=False,  # the (change, object) index covers it
        verbose_name=_("change"),
    )
    # No repr: readers read the object's now (history.models.member_repr).
    object_id = models.BigIntegerField(_("object id"))
    # An anonymisation erases the change's values for this object only (the row's
    # values stay for the others): the object reads it as erased.
    erased = models.BooleanField(_("erased"), default=False, db_default=False)

    class Meta:
        verbose_name = _("changed object")
        verbose_name_plural = _("changed objects")
        # Only by change (written in order: appended at the index's end). No index by
        # object: Change.for_objects finds shared rows through their via object.
        indexes = [models.Index(fields=("change", "object_id"), name="history_changeobject_change")]

    def __str__(self) -> str:
        return f"{self.change_id}: {self.object_id}"
