"""The webhooks pages (administrators): register URLs, see their deliveries' status."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from api import webhooks
from api.models import Webhook, WebhookDelivery, WebhookEvent

DELIVERIES_SHOWN = 100


class WebhookForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("Who receives it, e.g. the web shop."),
    )
    url = forms.URLField(
        label=gettext_lazy("URL"),
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=gettext_lazy("Where deliveries are posted (http or https)."),
        assume_scheme="https",
    )
    events = forms.MultipleChoiceField(
        label=gettext_lazy("Events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("The changes this URL is told about."),
    )


class WebhookEditForm(WebhookForm):
    active = forms.BooleanField(
        label=gettext_lazy("Active"),
        required=False,
        help_text=gettext_lazy(
            "Switching a webhook on again clears its count of failed deliveries."
        ),
    )


def _apply(form: forms.Form, save) -> object | None:
    try:
        return save()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return None


@require_http_methods(["GET", "POST"])
@permission_required("api.view_webhook", raise_exception=True)
def webhook_list_view(request):
    may_add = request.user.has_perm("api.add_webhook")
    form = WebhookForm(request.POST or None, initial={"events": WebhookEvent.values})
    if request.method == "POST":
        if not may_add:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            hook = _apply(
                form,
                lambda: webhooks.webhook_create(
                    name=data["name"], url=data["url"], events=data["events"], user=request.user
                ),
            )
            if hook is not None:
                messages.success(request, _("Webhook %(name)s was added.") % {"name": hook.name})
                return redirect(hook)
    hooks = Webhook.objects.all()
    return render(
        request, "api/webhook_list.html", {"form": form, "hooks": hooks, "may_add": may_add}
    )


@require_http_methods(["GET", "POST"])
@permission_required("api.view_webhook", raise_exception=True)
def webhook_detail_view(request, pk: int):
    hook = get_object_or_404(Webhook, pk=pk)
    may_change = request.user.has_perm("api.change_webhook")
    initial = {"name": hook.name, "url": hook.url, "events": hook.events, "active": hook.active}
    form = WebhookEditForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not may_change:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            saved = _apply(
                form,
                lambda: webhooks.webhook_update(
                    webhook=hook,
                    name=data["name"],
                    url=data["url"],
                    events=data["events"],
                    active=data["active"],
                ),
            )
            if saved is not None:
                messages.success(request, _("The webhook was saved."))
                return redirect(hook)
    status = request.GET.get("status", "")
    deliveries = hook.deliveries.all()
    if status in WebhookDelivery.Status.values:
        deliveries = deliveries.filter(status=status)
    else:
        status = ""
    response = render(
        request,
        "api/webhook_detail.html",
        {
            "hook": hook,
            "form": form,
            "may_change": may_change,
            "deliveries": deliveries[:DELIVERIES_SHOWN],
            "statuses": WebhookDelivery.Status.choices,
            "status": status,
            "headers": {
                "signature": webhooks.SIGNATURE_HEADER,
                "timestamp": webhooks.TIMESTAMP_HEADER,
                "event": webhooks.EVENT_HEADER,
                "delivery": webhooks.DELIVERY_HEADER,
            },
        },
    )
    response["Cache-Control"] = "no-store"  # the secret is on this page
    return response


@require_POST
@permission_required("api.change_webhook", raise_exception=True)
def webhook_new_secret_view(request, pk: int):
    hook = get_object_or_404(Webhook, pk=pk)
    webhooks.webhook_new_secret(webhook=hook)
    messages.success(request, _("The webhook has a new secret: give it to the receiver."))
    return redirect(hook)


@require_POST
@permission_required("api.delete_webhook", raise_exception=True)
def webhook_delete_view(request, pk: int):
    hook = get_object_or_404(Webhook, pk=pk)
    name = hook.name
    webhooks.webhook_delete(webhook=hook)
    messages.success(request, _("Webhook %(name)s was deleted.") % {"name": name})
    return redirect("api:webhooks")


@require_POST
@permission_required("api.change_webhook", raise_exception=True)
def delivery_send_again_view(request, pk: int, delivery_id):
    delivery = get_object_or_404(WebhookDelivery, pk=delivery_id, webhook_id=pk)
    if delivery.status not in (WebhookDelivery.Status.FAILED, WebhookDelivery.Status.CANCELLED):
        messages.error(request, _("Only a failed or unsent delivery can be sent again."))
    elif not delivery.webhook.active:
        messages.error(request, _("Switch the webhook on before sending deliveries again."))
    else:
        webhooks.delivery_send_again(delivery=delivery)
        messages.success(request, _("The delivery was queued again."))
    return redirect(delivery.webhook)
