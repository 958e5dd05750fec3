"""API authentication: per-user tokens; HTTP Basic only when switched on.

Failed attempts are counted per client IP (and per user name for Basic) before any
password is checked, so guessing costs a 429, not a password hash per try. DRF's own
throttles run after authentication and never see a failed attempt.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.throttling import BaseThrottle

from api import services

TOKEN_KEYWORDS = (b"token", b"bearer")


def _client_ip(request) -> str:
    return BaseThrottle().get_ident(request)


def _failure_keys(request, username: str = "") -> list[str]:
    keys = [f"api:auth-failures:ip:{_client_ip(request)}"]
    if username:
        keys.append(f"api:auth-failures:user:{username.lower()[:150]}")
    return keys


def check_not_locked_out(request, username: str = "") -> None:
    """429 while this IP (or user name) has too many recent failed attempts."""
    limit = settings.API_AUTH_FAILURE_LIMIT
    for key in _failure_keys(request, username):
        if (cache.get(key) or 0) >= limit:
            raise exceptions.Throttled(
                wait=settings.API_AUTH_FAILURE_WINDOW,
                detail=_("Too many failed sign-in attempts. Try again later."),
            )


def record_failure(request, username: str = "") -> None:
    window = settings.API_AUTH_FAILURE_WINDOW
    for key in _failure_keys(request, username):
        if cache.add(key, 1, timeout=window):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window)


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>` (or `Bearer <key>`) with a key from the API tokens page."""

    keyword = "Token"

    def authenticate(self, request):
        auth = authentication.get_authorization_header(request).split()
        if not auth or auth[0].lower() not in TOKEN_KEYWORDS:
            return None
        check_not_locked_out(request)
        if len(auth) != 2:
            record_failure(request)
            raise exceptions.AuthenticationFailed(
                _("Invalid token header: send 'Token' and the key, separated by one space.")
            )
        try:
            key = auth[1].decode("ascii")
        except UnicodeDecodeError:
            key = ""
        token = services.api_token_authenticate(key)
        if token is None:
            record_failure(request)
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        request.api_token = token
        return (token.user, token)

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class _CSRFCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):
        return reason


def _looks_like_a_browser(request) -> bool:
    meta = request.META
    fetch_site = meta.get("HTTP_SEC_FETCH_SITE")
    return bool(
        meta.get("HTTP_ORIGIN") or meta.get("HTTP_COOKIE") or fetch_site not in (None, "none")
    )


class BasicAuthentication(authentication.BasicAuthentication):
    """HTTP Basic (setting API_BASIC_AUTH, off by default), throttled on failure.

    A browser caches Basic credentials and sends them with any request to the site, a
    cross-site form post too; so a request that comes from a browser must also pass the
    CSRF check, as a session would.
    """

    def authenticate(self, request):
        if not settings.API_BASIC_AUTH:
            return None
        auth = authentication.get_authorization_header(request).split()
        if not auth or auth[0].lower() != b"basic":
            return None
        result = super().authenticate(request)
        unsafe = request.method not in ("GET", "HEAD", "OPTIONS", "TRACE")
        if result and unsafe and _looks_like_a_browser(request):
            check = _CSRFCheck(lambda req: None)
            check.process_request(request)
            reason = check.process_view(request, None, (), {})
            if reason:
                raise exceptions.PermissionDenied(_("CSRF failed: %s") % reason)
        return result

    def authenticate_credentials(self, userid, password, request=None):
        check_not_locked_out(request, userid)
        try:
            return super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            record_failure(request, userid)
            raise


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's login session; unsafe methods need the CSRF token (DRF's rule)."""
