"""The change log for Django REST framework views.

Mix `HistoryAPIViewMixin` into every API view (before APIView), or call
`history.context.set_api_client(request.user, label=...)` yourself after
authentication: the request's changes are then logged with source "api" and the
client's name (the token's name when the authentication gives one).
"""

from __future__ import annotations

from history import context


def client_label(request) -> str:
    """The API client's name: the token's name/label when there is one, else the user."""
    auth = getattr(request, "auth", None)
    for attribute in ("name", "label", "description"):
        value = getattr(auth, attribute, None)
        if isinstance(value, str) and value:
            user = getattr(request, "user", None)
            username = user.get_username() if user is not None and user.is_authenticated else ""
            return f"{value} ({username})" if username else value
    user = getattr(request, "user", None)
    return user.get_username() if user is not None and user.is_authenticated else ""


class HistoryAPIViewMixin:
    """APIView mixin: after authentication, the request's changes come from the API."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        context.set_api_client(request.user, label=client_label(request))
