"""The site's error pages (403, 404, 500 and a failed CSRF check): translated, inside
the site's layout with the menu and the language switch, and never about settings such as
DEBUG. Wired in crm_site/urls.py (handler403...) and settings.CSRF_FAILURE_VIEW.

A page that cannot be drawn in the layout (the database is what failed, say) falls back to
a plain page without the menu, so an error never turns into a second one."""

from __future__ import annotations

import logging

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def permission_denied(request, exception=None):
    return _page(request, "403.html", 403)


def page_not_found(request, exception=None):
    return _page(request, "404.html", 404)


def server_error(request):
    return _page(request, "500.html", 500)


def csrf_failure(request, reason: str = ""):
    """Django's CSRF_FAILURE_VIEW: the form is refused; the reason is only logged (by
    django.security.csrf)."""
    return _page(request, "403_csrf.html", 403)


def _page(request, template_name: str, status: int) -> HttpResponse:
    try:
        return render(request, template_name, status=status)
    except Exception:
        logger.exception("The error page %s could not be drawn in the layout", template_name)
    try:
        html = render_to_string("500_plain.html")
    except Exception:  # even the plain template failed: a few words
        title, heading = _("Something went wrong"), _("Something went wrong on our side")
        html = f"<!DOCTYPE html><title>{title}</title><h1>{heading}</h1>"
    return HttpResponse(html, status=status)
