from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api import services, webhooks
from api.models import ApiToken, Webhook, WebhookDelivery, WebhookEvent


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens of every user: an administrator creates one for a user (the key is shown
    once, in the message) and revokes tokens; the digest is never shown."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "prefix")
    list_select_related = ("user",)
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    autocomplete_fields = ()
    actions = ("revoke",)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return (*self.readonly_fields, "user")
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["name"])
            return
        created = services.api_token_create(user=obj.user, name=obj.name)
        obj.pk = created.token.pk
        obj.prefix = created.token.prefix
        obj.created_at = created.token.created_at
        self.message_user(
            request,
            _("The new token's key is %(key)s. Copy it now: it is not shown again.")
            % {"key": created.key},
            messages.WARNING,
        )

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the token stays listed with its dates

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        tokens = list(queryset.active())
        for token in tokens:
            services.api_token_revoke(token=token)
        self.message_user(
            request,
            ngettext("%(count)d token was revoked.", "%(count)d tokens were revoked.", len(tokens))
            % {"count": len(tokens)},
        )


class WebhookAdminForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where deliveries are posted (http or https)."),
    )
    events = forms.MultipleChoiceField(
        label=_("events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The changes this URL is told about."),
    )

    class Meta:
        model = Webhook
        fields = ("name", "url", "events", "active")


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    """Webhooks, saved through api.webhooks (a switched-off hook switched on again
    starts its failure count anew); the secret is shown read-only."""

    form = WebhookAdminForm
    list_display = ("name", "url", "active", "consecutive_failures", "disabled_at", "created_at")
    list_filter = ("active",)
    search_fields = ("name", "url")
    list_select_related = ("created_by",)
    readonly_fields = (
        "secret",
        "consecutive_failures",
        "disabled_at",
        "last_error",
        "created_by",
        "created_at",
    )
    fieldsets = (
        (None, {"fields": ("name", "url", "events", "active")}),
        (
            _("Signature and state"),
            {"fields": readonly_fields},
        ),
    )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            saved = webhooks.webhook_update(
                webhook=obj,
                name=data["name"],
                url=data["url"],
                events=data["events"],
                active=data["active"],
            )
        else:
            saved = webhooks.webhook_create(
                name=data["name"], url=data["url"], events=data["events"], user=request.user
            )
            if not data.get("active", True):
                saved = webhooks.webhook_update(
                    webhook=saved,
                    name=saved.name,
                    url=saved.url,
                    events=saved.events,
                    active=False,
                )
        obj.pk = saved.pk
        obj.secret = saved.secret
        obj.created_at = saved.created_at

    def delete_model(self, request, obj):
        webhooks.webhook_delete(webhook=obj)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """Deliveries and their outcome (read only); failed ones can be sent again."""

    list_display = (
        "created_at",
        "webhook",
        "event",
        "status",
        "attempts",
        "response_status",
        "last_attempt_at",
    )
    list_filter = ("status", "event", "webhook")
    search_fields = ("id", "webhook__name")
    list_select_related = ("webhook",)
    readonly_fields = tuple(f.name for f in WebhookDelivery._meta.fields)
    actions = ("send_again",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the selected deliveries again"), permissions=["view"])
    def send_again(self, request, queryset):
        if not request.user.has_perm("api.change_webhook"):
            raise PermissionDenied
        chosen = list(
            queryset.filter(
                status__in=(WebhookDelivery.Status.FAILED, WebhookDelivery.Status.CANCELLED),
                webhook__active=True,
            )
        )
        for delivery in chosen:
            webhooks.delivery_send_again(delivery=delivery)
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery was queued again.",
                "%(count)d deliveries were queued again.",
                len(chosen),
            )
            % {"count": len(chosen)},
        )
