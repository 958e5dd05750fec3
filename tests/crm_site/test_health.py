"""/health/ for load balancers: 200 when the database and the queue answer, else 503."""

from __future__ import annotations

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_health_answers_without_login(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_health_answers_probes_by_ip_over_plain_http(client, settings):
    """Load balancers probe by address and without TLS: no host check, no redirect."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["crm.example.com"]
    assert client.get("/health/", HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert client.get("/contacts/", HTTP_HOST="10.0.0.7:8000").status_code == 400


@pytest.mark.parametrize("part", ["_database_ok", "_queue_ok"])
def test_health_is_503_when_the_database_or_the_queue_fails(client, monkeypatch, part):
    def broken():
        raise OperationalError("connection to server at 10.0.0.9 failed: secret detail")

    monkeypatch.setattr(f"crm_site.health.{part}", broken)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert b"10.0.0.9" not in response.content


def test_health_is_503_when_the_queue_table_is_missing(client):
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    # Renamed inside the test's transaction (DDL is transactional on both databases),
    # so the rollback brings it back. Patching the model's db_table instead left its
    # fields' cached columns naming the missing table for later tests in the process.
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {DBTaskResult._meta.db_table} RENAME TO queue_gone_for_a_test")
    assert client.get("/health/").status_code == 503


def test_health_takes_only_get_and_head(client):
    assert client.head("/health/").status_code == 200
    assert client.post("/health/").status_code == 405
