"""Every request runs in a change-log scope: its changes are one event with the
request's user and source (page, or admin under the admin's URL prefix)."""

from __future__ import annotations

from history import context


class HistoryMiddleware:
    """Place after AuthenticationMiddleware. The user is read when the first change is
    written, so API views that authenticate later (tokens) are attributed right; they
    also call `history.context.set_api_client` to mark the source as the API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with context.request_actor(request):
            return self.get_response(request)
