"""API tokens: per-user keys for scripts, stored as a SHA-256 digest only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A key a script sends as `Authorization: Token <key>`; it acts as its user.

    The key is shown once when it is created; only its digest is stored, so a copy of
    the database cannot be used to call the API. `prefix` (the key's first characters)
    lets the owner tell tokens apart and makes the lookup one index probe.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. the script's name.")
    )
    prefix = models.CharField(_("prefix"), max_length=12, unique=True, editable=False)
    digest = models.CharField(_("digest"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class WebhookEvent(models.TextChoices):
    """What a webhook can be told about."""

    CONTACT_CREATED = "contact.created", _("Contact created")
    CONTACT_UPDATED = "contact.updated", _("Contact changed")
    CONTACT_DELETED = "contact.deleted", _("Contact deleted")
    CONTACT_MERGED = "contact.merged", _("Contacts merged")


def _new_secret() -> str:
    import secrets

    return secrets.token_hex(32)


class Webhook(models.Model):
    """A URL told about contact changes (api/webhooks.py): each delivery is a signed
    JSON POST, retried with back-off; a hook whose deliveries keep failing is switched
    off (`disabled_at`, with the last error as the note)."""

    name = models.CharField(
        _("name"), max_length=100, help_text=_("Who receives it, e.g. the web shop.")
    )
    url = models.URLField(
        _("URL"), max_length=500, help_text=_("Where deliveries are posted (http or https).")
    )
    events = models.JSONField(
        _("events"), default=list, help_text=_("The changes this URL is told about.")
    )
    secret = models.CharField(
        _("secret"),
        max_length=64,
        default=_new_secret,
        editable=False,
        help_text=_("Signs every delivery (HMAC-SHA256); the receiver checks the signature."),
    )
    active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(
        _("failed deliveries in a row"), default=0, editable=False
    )
    disabled_at = models.DateTimeField(_("switched off"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ("name", "id")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("api:webhook", args=[self.pk])

    @property
    def event_labels(self) -> list[str]:
        labels = dict(WebhookEvent.choices)
        return [str(labels.get(event, event)) for event in self.events]


class WebhookDelivery(models.Model):
    """One POST of a change to a webhook's URL, with its attempts' outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RETRYING = "retrying", _("Failed, will retry")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Not sent (webhook switched off)")

    id = models.UUIDField(_("delivery id"), primary_key=True, editable=False)
    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook")
    )
    event = models.CharField(_("event"), max_length=20, choices=WebhookEvent.choices)
    history_event_id = models.BigIntegerField(_("change log event"), null=True, blank=True)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body = models.TextField(_("response (start)"), blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ("-created_at",)
        indexes = [
            models.Index(fields=("webhook", "-created_at"), name="api_delivery_hook_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} → {self.webhook} ({self.get_status_display()})"

    @property
    def contact_nos(self) -> list[str]:
        return [entry.get("no", "") for entry in (self.payload or {}).get("contacts", [])]
