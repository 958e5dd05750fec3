"""The site's error pages (403, 404, 500 and a failed CSRF check): translated, inside
the site's layout with the menu and the language switch, and never about settings such as
DEBUG. Wired in crm_site/urls.py (handler403...) and settings.CSRF_FAILURE_VIEW.

A page that cannot be drawn in the layout (the database is what failed, say) falls back to
a plain page without the menu, so an error never turns into a second one."""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.translation import gettext as _

from api.exceptions import DATABASE_UNAVAILABLE

logger = logging.getLogger(__name__)


def permission_denied(request, exception=None):
    return _page(request, "403.html", 403)


def page_not_found(request, exception=None):
    return _page(request, "404.html", 404)


def server_error(request):
    """Django's handler500, called while the exception is being handled: when it is the
    database that cannot be reached (a restart, a lost connection, SQLite locked past its
    busy timeout), the answer is a translated 503 "try again in a moment" with
    Retry-After, drawn without the layout (the layout would ask the database again)."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable(request)
    return _page(request, "500.html", 500)


def database_unavailable(request) -> HttpResponse:
    headers = {"Retry-After": "30"}
    if request.path.startswith("/api/"):  # the API's one error shape
        error = {"code": "database_unavailable", "detail": str(DATABASE_UNAVAILABLE), "attr": None}
        return JsonResponse(
            {"type": "server_error", "errors": [error]}, status=503, headers=headers
        )
    try:
        stylesheet = static("css/app.css")
    except ValueError:  # collected without a manifest: the page without its style sheet
        stylesheet = ""
    try:
        html = render_to_string("503.html", {"stylesheet": stylesheet})
    except Exception:
        logger.exception("The database-unavailable page could not be drawn")
        title = _("The CRM is not available at the moment")
        html = f"<!DOCTYPE html><title>{title}</title><h1>{title}</h1>"
    return HttpResponse(html, status=503, headers=headers)


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
