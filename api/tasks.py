"""Tasks of the API's webhooks, run by `manage.py db_worker` (the database queue).

Plain django-tasks tasks rather than jobs: a delivery is no one's job to watch on the
Jobs page; its status is on the webhook's page (api/webhooks.py).
"""

from __future__ import annotations

try:  # Django 6 has the tasks framework built in; 5.2 uses the django-tasks backport.
    from django.tasks import task  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the Django version
    from django_tasks import task


@task(queue_name="default")
def webhooks_dispatch(event_id: int) -> int:
    """Write and queue the deliveries of one change-log event; returns how many."""
    from api import webhooks

    return len(webhooks.deliveries_create(event_id=event_id))


@task(queue_name="default")
def webhook_deliver(delivery_id: str) -> str | None:
    """One attempt of a delivery (the next is queued with a delay when it fails)."""
    from api import webhooks

    delivery = webhooks.delivery_attempt(delivery_id=delivery_id)
    return delivery.status if delivery is not None else None
