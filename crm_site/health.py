"""`/health/` for load balancers: 200 when the database and the task queue answer, 503
otherwise. No login, no details (the body is only "ok" or "unavailable").

The middleware answers before the host check, the HTTPS redirect, sessions and the
request transaction, so a probe by IP over plain HTTP gets the real answer and a
database that is down gives 503, not a server error.
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger("crm_site.health")

PATH = "/health/"


def _database_ok() -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0] == 1


def _queue_ok() -> bool:
    """The default task backend exists and, for the database backend, its table answers."""
    try:
        from django.tasks import task_backends  # type: ignore[import-not-found]
    except ImportError:  # Django 5.2: the backport
        from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = task_backends["default"]
    if isinstance(backend, DatabaseBackend):
        list(DBTaskResult.objects.order_by().values_list("pk", flat=True)[:1])
    return True


@login_not_required
def health_view(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    try:
        healthy = _database_ok() and _queue_ok()
    except (DatabaseError, Exception):  # anything at all: the probe only says "no"
        logger.warning("Health check failed", exc_info=True)
        healthy = False
    response = JsonResponse(
        {"status": "ok" if healthy else "unavailable"}, status=200 if healthy else 503
    )
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answer `/health/` first, before everything else in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == PATH:
            return health_view(request)
        return self.get_response(request)
