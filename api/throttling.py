"""Request rates per user and per client IP (rates in settings, API_THROTTLE_*)."""

from __future__ import annotations

from rest_framework import throttling


class UserRateThrottle(throttling.UserRateThrottle):
    """Per signed-in user (anonymous callers: per IP), scope "user"."""


class IPRateThrottle(throttling.SimpleRateThrottle):
    """Per client IP, signed in or not, scope "ip": one machine cannot use many users'
    tokens to go past the per-user rate."""

    scope = "ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
