"""Webhooks: contact changes reach a real local HTTP receiver as signed JSON with the
changed fields; failures are retried through the task queue and a hook that keeps
failing is switched off with a note. No outbound internet: the receiver listens on
127.0.0.1 in this process."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from api import webhooks
from api.models import Webhook, WebhookDelivery, WebhookEvent
from contacts import services
from contacts.models import Contact
from duplicates.services import contacts_merge
from history import context as history_context
from history.models import Source
from tests.jobs.conftest import Workers, database_url, wait_for

pytestmark = pytest.mark.django_db

ALL_EVENTS = list(WebhookEvent.values)
PORTS = range(8560, 8600)  # this workstream's ports (8500-8599)


class Receiver:
    """A local HTTP server that records every POST and answers with the next status of
    `answers` (the last one repeats)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers = [200]
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver.lock:
                    receiver.requests.append(
                        {
                            "path": self.path,
                            "headers": {k.lower(): v for k, v in self.headers.items()},
                            "body": body,
                            "at": time.monotonic(),
                        }
                    )
                    index = min(len(receiver.requests) - 1, len(receiver.answers) - 1)
                    status = receiver.answers[index]
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"receiver says no")

            def log_message(self, *args):
                pass

        for port in PORTS:
            try:
                self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
                break
            except OSError:
                continue
        else:  # pragma: no cover
            raise RuntimeError("no free port for the test receiver")
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def payloads(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def run_queue(max_tasks: int = 200) -> int:
    """Run the ready tasks of the database queue in this process, as a worker would."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    ran = 0
    while ran < max_tasks:
        result = DBTaskResult.objects.ready().order_by("enqueued_at").first()
        if result is None:
            return ran
        result.claim("tests")
        worker.run_task(result)
        ran += 1
    return ran


@contextlib.contextmanager
def committed(capture):
    """One request's worth of changes: its own change-log event, committed (on-commit
    callbacks run, as after a real request)."""
    with capture(execute=True), history_context.actor(user=None, source=Source.PAGE):
        yield


def _hook(url, events=ALL_EVENTS, **kwargs) -> Webhook:
    return webhooks.webhook_create(name="Web shop", url=url, events=events, **kwargs)


def _company(**data) -> Contact:
    return services.contact_create(data={"type": "company", **data})


def test_an_api_change_is_delivered_signed_with_the_changed_fields(
    receiver, staff_api, numbered_setup, django_capture_on_commit_callbacks
):
    company = _company(name="Fjord AS", city="Bergen")
    hook = _hook(receiver.url)
    with committed(django_capture_on_commit_callbacks):
        response = staff_api.patch(
            f"/api/v1/contacts/{company.no}/", {"city": "Oslo"}, format="json"
        )
    assert response.status_code == 200, response.json()
    run_queue()

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    headers = request["headers"]
    assert headers["content-type"] == "application/json"
    assert headers["x-crm-event"] == "contact.updated"
    # The documented signature: HMAC-SHA256 of "<timestamp>.<body>" with the secret.
    assert webhooks.signature_valid(
        hook.secret, headers["x-crm-timestamp"], request["body"], headers["x-crm-signature"]
    )
    assert not webhooks.signature_valid(
        "another secret", headers["x-crm-timestamp"], request["body"], headers["x-crm-signature"]
    )
    payload = json.loads(request["body"])
    assert payload["event"] == "contact.updated"
    assert payload["id"] == headers["x-crm-delivery"]
    assert payload["change"]["source"] == "api"
    [entry] = payload["contacts"]
    assert entry["no"] == company.no
    assert entry["changes"]["city"] == {"old": "Bergen", "new": "Oslo"}

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempts == 1
    assert delivery.response_status == 200


def test_created_deleted_and_only_the_subscribed_events(
    receiver, numbered_setup, django_capture_on_commit_callbacks
):
    _hook(receiver.url, events=["contact.created", "contact.deleted"])
    with committed(django_capture_on_commit_callbacks):
        company = _company(name="Nordlys AS", city="Tromsø")
    with committed(django_capture_on_commit_callbacks):
        services.contact_update(contact=company, data={"city": "Bodø"})  # not subscribed
    with committed(django_capture_on_commit_callbacks):
        services.contact_delete(contact=Contact.objects.get(pk=company.pk))
    run_queue()

    kinds = [p["event"] for p in receiver.payloads()]
    assert kinds == ["contact.created", "contact.deleted"]
    created, deleted = receiver.payloads()
    assert created["contacts"][0]["no"] == company.no
    assert created["contacts"][0]["values"] is None  # deleted before it was prepared
    assert deleted["contacts"][0]["values"]["city"] == "Bodø"
    assert deleted["contacts"][0]["values"]["name"] == "Nordlys AS"


def test_a_person_moved_to_another_company_names_the_company_by_number(
    receiver, numbered_setup, django_capture_on_commit_callbacks
):
    first = _company(name="Fjord AS")
    second = _company(name="Fjell AS")
    person = services.contact_create(data={"type": "person", "name": "Kari", "company": first})
    _hook(receiver.url, events=["contact.updated"])
    with committed(django_capture_on_commit_callbacks):
        services.person_change_company(person=person, company=second)
    run_queue()
    [payload] = receiver.payloads()
    [entry] = [e for e in payload["contacts"] if e["no"] == person.no]
    assert entry["changes"]["company"] == {"old": first.no, "new": second.no}


def test_a_merge_is_one_merged_delivery_with_both_numbers(
    receiver, numbered_setup, admin_user, django_capture_on_commit_callbacks
):
    keep = _company(name="Fjord Møbler AS", city="Bergen")
    merge = _company(name="Fjord Mobler", city="Oslo", phone_no="5555 5555")
    _hook(receiver.url, events=["contact.merged", "contact.deleted"])
    with committed(django_capture_on_commit_callbacks):
        contacts_merge(keep=keep, merge=merge, field_choices={"phone_no": "merge"}, user=admin_user)
    run_queue()
    [payload] = receiver.payloads()  # not also a "deleted" for the merged contact
    assert payload["event"] == "contact.merged"
    [entry] = payload["contacts"]
    assert entry["no"] == keep.no
    assert entry["merged_no"] == merge.no
    assert entry["changes"]["phone_no"]["new"] == "5555 5555"
    assert entry["merged_values"]["city"] == "Oslo"


def test_an_import_sized_change_is_batched(receiver, numbered_setup):
    hook = _hook(receiver.url, events=["contact.created"])
    from history import context

    with override_settings(WEBHOOK_BATCH_SIZE=2), context.operation("import"):
        for n in range(5):
            _company(name=f"Batch {n} AS")
    from history.models import Event

    event = Event.objects.order_by("-id").first()
    with override_settings(WEBHOOK_BATCH_SIZE=2):
        created = webhooks.deliveries_create(event_id=event.pk)
    assert [len(d.payload["contacts"]) for d in created] == [2, 2, 1]
    assert {d.webhook_id for d in created} == {hook.pk}


@override_settings(WEBHOOK_RETRY_DELAYS=[0, 0], WEBHOOK_DISABLE_AFTER=2)
def test_failures_are_retried_then_the_hook_is_switched_off_with_a_note(
    receiver, numbered_setup, admin_client, django_capture_on_commit_callbacks
):
    receiver.answers = [500]
    hook = _hook(receiver.url, events=["contact.updated"])
    company = _company(name="Fjord AS", city="Bergen")
    for city in ("Oslo", "Molde", "Voss"):
        with committed(django_capture_on_commit_callbacks):
            services.contact_update(contact=Contact.objects.get(pk=company.pk), data={"city": city})
        run_queue()

    deliveries = list(WebhookDelivery.objects.order_by("created_at"))
    # Two deliveries used all three attempts (1 + 2 retries) and failed; the hook went
    # off, so the third change was not delivered.
    assert [d.status for d in deliveries] == ["failed", "failed"]
    assert [d.attempts for d in deliveries] == [3, 3]
    assert len(receiver.requests) == 6
    assert len({r["headers"]["x-crm-delivery"] for r in receiver.requests}) == 2  # same ids
    hook.refresh_from_db()
    assert not hook.active
    assert hook.disabled_at is not None
    assert "500" in hook.last_error

    page = admin_client.get(f"/api/webhooks/{hook.pk}/", HTTP_ACCEPT_LANGUAGE="nb")
    text = page.content.decode()
    assert "Slått av" in text, text
    assert "Mislyktes" in text

    # Switched on again (the page): the count starts anew and a failed delivery can
    # be sent again.
    receiver.answers = [200]
    response = admin_client.post(
        f"/api/webhooks/{hook.pk}/",
        {"name": hook.name, "url": hook.url, "events": ["contact.updated"], "active": "on"},
    )
    assert response.status_code == 302
    hook.refresh_from_db()
    assert hook.active and hook.consecutive_failures == 0 and hook.disabled_at is None
    response = admin_client.post(f"/api/webhooks/{hook.pk}/deliveries/{deliveries[0].pk}/again/")
    assert response.status_code == 302
    run_queue()
    assert WebhookDelivery.objects.get(pk=deliveries[0].pk).status == "succeeded"


@override_settings(WEBHOOK_RETRY_DELAYS=[0], WEBHOOK_TIMEOUT=2)
def test_a_redirect_or_no_answer_is_a_failed_attempt(numbered_setup, receiver):
    hook = _hook("http://127.0.0.1:1/nothing-listens-here", events=["contact.created"])
    delivery = WebhookDelivery.objects.create(
        id="00000000-0000-4000-8000-000000000001",
        webhook=hook,
        event="contact.created",
        payload={"id": "x", "contacts": []},
    )
    delivery = webhooks.delivery_attempt(delivery_id=str(delivery.pk))
    assert delivery.status == "retrying"
    assert delivery.response_status is None
    assert delivery.error


def test_nothing_is_queued_without_an_active_hook(
    numbered_setup, django_capture_on_commit_callbacks
):
    with committed(django_capture_on_commit_callbacks):
        _company(name="Quiet AS")
    assert not DBTaskResult.objects.exists()


def test_the_pages_are_for_administrators(admin_client, client, staff_user, receiver):
    response = admin_client.post(
        "/api/webhooks/",
        {"name": "ERP", "url": receiver.url, "events": ["contact.created", "contact.merged"]},
    )
    assert response.status_code == 302
    hook = Webhook.objects.get()
    assert hook.events == ["contact.created", "contact.merged"]
    assert len(hook.secret) == 64
    page = admin_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="nl")
    assert hook.secret in page.content.decode()
    assert page["Cache-Control"] == "no-store"

    bad = admin_client.post(
        "/api/webhooks/",
        {"name": "FTP", "url": "ftp://example.test/x", "events": []},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert bad.status_code == 200
    assert Webhook.objects.count() == 1
    text = bad.content.decode()
    assert "Voer een geldige URL in." in text
    assert (
        "Kies ten minste één van de vermelde gebeurtenissen." in text
        or "Dit veld is vereist." in text
    )

    client.force_login(staff_user)
    assert client.get("/api/webhooks/").status_code == 403
    assert client.get(f"/api/webhooks/{hook.pk}/").status_code == 403


def test_admin_pages(admin_client, receiver):
    hook = _hook(receiver.url)
    assert admin_client.get("/admin/api/webhook/").status_code == 200
    assert admin_client.get(f"/admin/api/webhook/{hook.pk}/change/").status_code == 200
    assert admin_client.get("/admin/api/webhook/add/").status_code == 200
    assert admin_client.get("/admin/api/webhookdelivery/").status_code == 200
    response = admin_client.post(
        "/admin/api/webhook/add/",
        {"name": "ERP", "url": receiver.url, "events": ["contact.deleted"], "active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Webhook.objects.get(name="ERP").events == ["contact.deleted"]


def test_a_real_worker_retries_with_back_off(transactional_db, receiver, monkeypatch):
    """A real `db_worker` process: the first attempt fails, the retry waits its delay."""
    monkeypatch.setenv("WEBHOOK_RETRY_DELAYS", "1.0")
    from marketing_setup.models import MarketingSetup

    MarketingSetup.get()
    pool = Workers(database_url())
    try:
        receiver.answers = [503, 200]
        _hook(receiver.url, events=["contact.created"])
        company = _company(name="Worker AS", no="WK1")  # committed: on_commit fires
        pool.start()
        wait_for(lambda: len(receiver.requests) >= 2, timeout=60, what="two attempts")
        delivery = wait_for(
            lambda: WebhookDelivery.objects.filter(status="succeeded").first(),
            timeout=30,
            what="the delivery to succeed",
        )
        first, second = receiver.requests[:2]
        assert second["at"] - first["at"] >= 0.9  # the back-off delay
        assert delivery.attempts == 2
        assert json.loads(second["body"])["contacts"][0]["no"] == company.no
    finally:
        pool.close()
