"""Site-wide request guards and response headers.

`PrivacyHeadersMiddleware` adds the Permissions-Policy header (settings.PERMISSIONS_POLICY)
to every answer and `Cache-Control: no-store` to every answer for a signed-in user, so
contact data stays out of browser and proxy caches after logout.

`NulCharacterMiddleware` refuses a NUL character (``\\x00``, ``%00``) anywhere in a
request's path, query, cookies or form fields with a 400, before any view or query sees
it: PostgreSQL cannot store or compare text holding one (the driver raises, which was a
500 at a dozen endpoints), and no value a person types contains one. JSON bodies are the
API's to refuse, field by field (api.parsers). The API's paths get the API's
error shape.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(items) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in items)


class NulCharacterMiddleware:
    """400 for a NUL in the path, query, cookies (here) or form fields (process_view)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            NUL in request.path_info
            or _has_nul(request.GET.lists())
            or any(NUL in key or NUL in value for key, value in request.COOKIES.items())
        ):
            return self.refuse(request)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        # Form bodies are read here only where the CSRF check reads them anyway (views
        # that are not csrf_exempt, such as the API's, which parse their own bodies).
        if (
            request.method == "POST"
            and request.content_type in FORM_TYPES
            and not getattr(view_func, "csrf_exempt", False)
            and _has_nul(request.POST.lists())
        ):
            return self.refuse(request)
        return None

    @staticmethod
    def refuse(request: HttpRequest) -> HttpResponse:
        message = _("The request contains a null character, which is not allowed.")
        if request.path_info.startswith("/api/"):
            error = {"code": "null_characters", "detail": message, "attr": None}
            return JsonResponse({"type": "validation_error", "errors": [error]}, status=400)
        return render(request, "400.html", {"message": message}, status=400)


class PrivacyHeadersMiddleware:
    """Permissions-Policy everywhere; no-store for signed-in users' pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response
