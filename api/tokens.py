"""The API tokens page: a user creates, sees and revokes their own tokens."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from api import services
from api.models import ApiToken


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. the script's name."),
    )


@require_http_methods(["GET", "POST"])
@permission_required("api.add_apitoken", raise_exception=True)
def token_list_view(request):
    form = TokenCreateForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            created = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            new_key = created.key
            form = TokenCreateForm()
    tokens = ApiToken.objects.filter(user=request.user)
    response = render(
        request,
        "api/token_list.html",
        {"form": form, "tokens": tokens, "new_key": new_key},
    )
    response["Cache-Control"] = "no-store"  # the new key is on this page once
    return response


@require_POST
@permission_required("api.delete_apitoken", raise_exception=True)
def token_revoke_view(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(token=token)
    messages.success(request, _("Token %(name)s was revoked.") % {"name": token.name})
    return redirect("api:tokens")
