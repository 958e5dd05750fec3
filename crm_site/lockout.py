"""The page a locked-out sign-in gets (django-axes' AXES_LOCKOUT_CALLABLE): the login
page with a translated message saying when to try again, status 429."""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.translation import ngettext


def locked_out(request, original_response=None, credentials=None):
    """Render the login page for a user name locked out from this IP (axes)."""
    minutes = max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    message = ngettext(
        "Too many failed sign-ins for this user name from your address. Try again in "
        "%(minutes)s minute.",
        "Too many failed sign-ins for this user name from your address. Try again in "
        "%(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}
    username = (credentials or {}).get("username", "") if isinstance(credentials, dict) else ""
    form = AuthenticationForm(request, initial={"username": username})
    response = render(
        request,
        "registration/login.html",
        {
            "form": form,
            "lockout_message": message,
            "next": request.POST.get("next", "") if request.method == "POST" else "",
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


def client_ip(request) -> str:
    """The client's IP as the API throttles see it (DRF's rule with NUM_PROXIES =
    TRUSTED_PROXY_COUNT): REMOTE_ADDR unless trusted proxies append X-Forwarded-For."""
    meta = request.META
    remote = meta.get("REMOTE_ADDR", "") or ""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = meta.get("HTTP_X_FORWARDED_FOR")
    if not count or not forwarded:
        return remote
    addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
    return addresses[-min(count, len(addresses))] if addresses else remote
