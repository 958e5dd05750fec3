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
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


class Change(models.Model):
    """One field of one object changed from `old` to `new` (or the object created or
    deleted), as part of `event`. `via_*` names the object whose change this one
    follows (the company whose address its persons took over)."""

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

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        ordering = ("-id",)
        indexes = [
            models.Index(fields=("content_type", "object_id", "id"), name="history_change_object"),
        ]

    def __str__(self) -> str:
        return f"{self.object_repr or self.object_id} {self.action} {self.field}".strip()
