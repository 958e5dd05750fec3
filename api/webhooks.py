"""Webhooks: signed POSTs to administrators' URLs when contacts are created, changed,
deleted or merged.

How a change reaches a URL:

1. The change log sends `history.signals.changes_recorded` once the change committed
   (history/signals.py). `queue_for_changes` (wired in `ApiConfig.ready`) costs one
   query when no webhook is active; otherwise it queues `api.tasks.webhooks_dispatch`
   for the event, so the request that made the change does no more work.
2. In the worker (`manage.py db_worker`), `deliveries_create` reads the event's contact
   changes and writes one `WebhookDelivery` per webhook and kind, at most
   `WEBHOOK_BATCH_SIZE` contacts each (an import of 100,000 contacts is a few thousand
   deliveries, not 100,000), and queues `api.tasks.webhook_deliver` for each.
3. `delivery_attempt` posts the payload with the signature headers. A 2xx answer is
   success; anything else (an error, a redirect, a timeout) is retried after the next
   of `WEBHOOK_RETRY_DELAYS` seconds, through the task queue (`run_after`). When every
   retry failed the delivery is failed; after `WEBHOOK_DISABLE_AFTER` failed deliveries
   in a row the webhook is switched off with the last error as its note, and its
   waiting deliveries are not sent. Switching it on again starts the count anew.

Delivery is at least once: a receiver should ignore a delivery id it has seen.

Headers of every POST (the signature is over the timestamp, a dot and the raw body)::

    Content-Type: application/json
    X-CRM-Event: contact.updated
    X-CRM-Delivery: 6f1c…        (the delivery id, also "id" in the body)
    X-CRM-Timestamp: 1764650000  (Unix seconds of this attempt)
    X-CRM-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import Webhook, WebhookDelivery, WebhookEvent
from contacts.models import Contact
from history import values
from history.models import Action, Cause, Change, Event
from history.registry import tracked

logger = logging.getLogger("api.webhooks")

USER_AGENT = "CRM-Webhooks/1"
SIGNATURE_HEADER = "X-CRM-Signature"
TIMESTAMP_HEADER = "X-CRM-Timestamp"
EVENT_HEADER = "X-CRM-Event"
DELIVERY_HEADER = "X-CRM-Delivery"
RESPONSE_KEPT = 1000  # characters of a receiver's answer kept for the list


def retry_delays() -> list[float]:
    return [float(s) for s in getattr(settings, "WEBHOOK_RETRY_DELAYS", [30, 120, 600, 3600])]


def disable_after() -> int:
    return int(getattr(settings, "WEBHOOK_DISABLE_AFTER", 5))


def timeout_seconds() -> float:
    return float(getattr(settings, "WEBHOOK_TIMEOUT", 10))


def batch_size() -> int:
    return int(getattr(settings, "WEBHOOK_BATCH_SIZE", 100))


# --- signing --------------------------------------------------------------------------


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The X-CRM-Signature value: "sha256=" + HMAC-SHA256(secret, "<timestamp>.<body>")."""
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_valid(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver checks (constant-time comparison)."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature or "")


# --- administrators' side ---------------------------------------------------------------


def _clean_events(events) -> list[str]:
    known = set(WebhookEvent.values)
    chosen = [e for e in WebhookEvent.values if e in set(events or ())]
    if not chosen or any(e not in known for e in events or ()):
        raise ValidationError(
            {"events": _("Choose at least one of the listed events.")}, code="invalid"
        )
    return chosen


@transaction.atomic
def webhook_create(*, name: str, url: str, events, user=None) -> Webhook:
    """A new, active webhook with a new secret."""
    webhook = Webhook(name=(name or "").strip(), url=(url or "").strip(), created_by=user)
    webhook.events = _clean_events(events)
    webhook.full_clean()
    webhook.save()
    return webhook


@transaction.atomic
def webhook_update(*, webhook: Webhook, name: str, url: str, events, active: bool) -> Webhook:
    """Change a webhook; switching it on again clears its failure count and note."""
    webhook = Webhook.objects.select_for_update().get(pk=webhook.pk)
    webhook.name = (name or "").strip()
    webhook.url = (url or "").strip()
    webhook.events = _clean_events(events)
    if active and not webhook.active:
        webhook.consecutive_failures = 0
        webhook.disabled_at = None
        webhook.last_error = ""
    webhook.active = bool(active)
    webhook.full_clean()
    webhook.save()
    return webhook


@transaction.atomic
def webhook_new_secret(*, webhook: Webhook) -> Webhook:
    """Replace the secret (the receiver must be given the new one)."""
    from api.models import _new_secret

    webhook.secret = _new_secret()
    webhook.save(update_fields=["secret"])
    return webhook


@transaction.atomic
def webhook_delete(*, webhook: Webhook) -> None:
    """Delete a webhook with its deliveries (queued attempts find nothing and stop)."""
    webhook.delete()


@transaction.atomic
def delivery_send_again(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Queue a failed or unsent delivery once more (same id and payload)."""
    from api.tasks import webhook_deliver

    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    webhook_deliver.enqueue(delivery_id=str(delivery.pk))
    delivery.refresh_from_db()
    return delivery


# --- from the change log to deliveries -----------------------------------------------------


def _contact_ct_id() -> int:
    return ContentType.objects.get_for_model(Contact).pk


def queue_for_changes(sender, event: Event, changes, **kwargs) -> None:
    """changes_recorded receiver: queue the dispatch of an event that touched contacts
    when some webhook is active (one query when none is)."""
    if not Webhook.objects.filter(active=True).exists():
        return
    if not changes.filter(content_type_id=_contact_ct_id()).exists():
        return
    from api.tasks import webhooks_dispatch

    try:
        webhooks_dispatch.enqueue(event_id=event.pk)
    except Exception:  # the change is committed; a queue failure must not turn it into a 500
        logger.exception("Webhooks: could not queue the dispatch of change event %s", event.pk)


def _json_value(field, text: str | None, contact_nos: dict[str, str]) -> Any:
    if field is None:
        return text
    if field.is_relation and field.related_model is Contact:
        return contact_nos.get(text, text) if text is not None else None
    value = values.decode(field, text)
    if value is None or isinstance(value, str | bool | int):
        return value
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _name(field, fallback: str) -> str:
    return field.name if field is not None else fallback


class _Entries:
    """The contact entries of one event, by webhook event kind."""

    def __init__(self, event: Event):
        self.event = event
        self.registration = tracked(Contact)
        self.rows: dict[str, dict[str, Any]] = {}  # object id -> what happened to it
        self._fields = {}
        for f in self.registration.all_fields:
            self._fields[f.name] = self._fields[f.attname] = f

    def _field(self, name: str):
        return self._fields.get(name)

    def add(self, change: Change) -> None:
        row = self.rows.setdefault(
            change.object_id,
            {"no": change.object_repr, "created": False, "deleted": None, "changes": {}},
        )
        if change.action == Action.CREATE:
            row["created"] = True
        elif change.action == Action.DELETE:
            row["deleted"] = values.loads(change.old)
        else:
            row["changes"][change.field] = (change.old, change.new)
        if change.via_repr:
            row["via"] = change.via_repr

    def _contact_nos(self) -> dict[str, str]:
        """Contact keys seen as values (a person's company) → their numbers."""
        keys = set()
        for row in self.rows.values():
            for name, (old, new) in row["changes"].items():
                field = self._field(name)
                if field is not None and field.is_relation and field.related_model is Contact:
                    keys.update(v for v in (old, new) if v)
            company = (row["deleted"] or {}).get("company_id")
            if company:
                keys.add(company)
        numeric = [int(k) for k in keys if str(k).isdecimal() and len(str(k)) < 19]
        found = dict(Contact.objects.filter(pk__in=numeric).values_list("pk", "no"))
        return {str(pk): no for pk, no in found.items()}

    def _changes(self, row, nos) -> dict[str, dict[str, Any]]:
        result = {}
        for name, (old, new) in row["changes"].items():
            field = self._field(name)
            result[_name(field, name)] = {
                "old": _json_value(field, old, nos),
                "new": _json_value(field, new, nos),
            }
        return result

    def _values(self, snapshot: dict[str, Any], nos) -> dict[str, Any]:
        result = {}
        for attname, text in snapshot.items():
            field = self._field(attname)
            if field is not None and field.primary_key:
                continue
            if field is not None and field.name in ("created_at", "updated_at"):
                continue
            result[_name(field, attname)] = _json_value(field, text, nos)
        return result

    def _current(self, object_ids) -> dict[str, Contact]:
        """The contacts as they are now, read in chunks (one query per 2,000)."""
        ids = [int(i) for i in object_ids if str(i).isdecimal() and len(str(i)) < 19]
        found: dict[str, Contact] = {}
        for start in range(0, len(ids), 2000):
            for contact in Contact.objects.filter(pk__in=ids[start : start + 2000]):
                found[str(contact.pk)] = contact
        return found

    def by_kind(self) -> dict[str, list[dict[str, Any]]]:
        nos = self._contact_nos()
        current = self._current(self.rows)
        kept_no, merged_no = self._merge_nos()
        kinds: dict[str, list[dict[str, Any]]] = defaultdict(list)
        merged_values: dict[str, Any] | None = None
        kept_entry: dict[str, Any] | None = None
        for object_id, row in self.rows.items():
            contact = current.get(object_id)
            if row["deleted"] is not None and not row["created"]:
                entry = {"no": row["no"], "values": self._values(row["deleted"], nos)}
                if merged_no and row["no"] == merged_no:
                    merged_values = entry["values"]
                    continue
                kinds[WebhookEvent.CONTACT_DELETED].append(entry)
                continue
            if row["deleted"] is not None:  # created and deleted in one operation
                continue
            # The values as they are now (null when deleted before this was prepared).
            entry = {"no": contact.no if contact else row["no"]}
            entry["type"] = contact.type if contact else None
            if row.get("via"):
                entry["via"] = row["via"]
            if row["created"]:
                entry["values"] = (
                    self._values(
                        values.snapshot(contact, self.registration.all_fields),
                        nos,
                    )
                    if contact
                    else None
                )
                kinds[WebhookEvent.CONTACT_CREATED].append(entry)
                continue
            entry["changes"] = self._changes(row, nos)
            if kept_no and entry["no"] == kept_no:
                kept_entry = entry
                continue
            kinds[WebhookEvent.CONTACT_UPDATED].append(entry)
        if merged_no:
            kept = kept_entry or {"no": kept_no, "changes": {}}
            kept["merged_no"] = merged_no
            kept["merged_values"] = merged_values or {}
            kinds[WebhookEvent.CONTACT_MERGED].append(kept)
        return kinds

    def _merge_nos(self) -> tuple[str | None, str | None]:
        """(kept no., merged no.) when the event is a merge of two contacts."""
        event = self.event
        if event.cause != Cause.MERGE or event.cause_type_id is None:
            return None, None
        model = event.cause_type.model_class()
        record = model.objects.filter(pk=event.cause_id).first() if model else None
        kept = getattr(record, "kept_contact_no", None)
        merged = getattr(record, "merged_contact_no", None)
        return (kept, merged) if kept and merged else (None, None)


def _envelope(event: Event, kind: str, contacts: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": "",  # the delivery id, filled in below
        "event": kind,
        "occurred_at": event.at.isoformat(),
        "change": {
            "id": event.pk,
            "source": event.source,
            "cause": event.cause,
            "actor": event.actor,
            "label": event.label,
        },
        "contacts": contacts,
    }


def deliveries_create(*, event_id: int) -> list[WebhookDelivery]:
    """One delivery per subscribed active webhook, kind and batch of contacts of the
    change event, each queued for sending (in the worker: `webhooks_dispatch`)."""
    from api.tasks import webhook_deliver

    event = Event.objects.filter(pk=event_id).select_related("cause_type").first()
    hooks = list(Webhook.objects.filter(active=True))
    if event is None or not hooks:
        return []
    entries = _Entries(event)
    changes = Change.objects.filter(event=event, content_type_id=_contact_ct_id()).order_by("id")
    for change in changes.per_object(chunk_size=2000):
        entries.add(change)
    kinds = entries.by_kind()
    created = []
    size = batch_size()
    with transaction.atomic():
        for hook in hooks:
            for kind in WebhookEvent.values:
                if kind not in hook.events or not kinds.get(kind):
                    continue
                contacts = kinds[kind]
                for start in range(0, len(contacts), size):
                    delivery_id = uuid.uuid4()
                    payload = _envelope(event, kind, contacts[start : start + size])
                    payload["id"] = str(delivery_id)
                    created.append(
                        WebhookDelivery(
                            id=delivery_id,
                            webhook=hook,
                            event=kind,
                            history_event_id=event.pk,
                            payload=payload,
                            next_attempt_at=timezone.now(),
                        )
                    )
        WebhookDelivery.objects.bulk_create(created, batch_size=500)
        for delivery in created:
            webhook_deliver.enqueue(delivery_id=str(delivery.pk))
    return created


# --- anonymisation ---------------------------------------------------------------------


def _blank_entry(entry: dict[str, Any], names: set[str]) -> None:
    for key in ("values", "merged_values"):
        if isinstance(entry.get(key), dict):
            entry[key] = {
                k: ("" if k in names and v not in (None, "") else v) for k, v in entry[key].items()
            }
    if isinstance(entry.get("changes"), dict):
        for name in names & set(entry["changes"]):
            entry["changes"][name] = {"old": None, "new": None, "erased": True}


def deliveries_erase_anonymised(sender, contact_ids, contact_nos, fields, **kwargs) -> int:
    """contacts.signals.person_anonymised: blank the person's personal fields in the
    stored deliveries of the change events that touched it (their payloads carry changed
    fields and values): one read of those deliveries, one bulk update. Returns how many
    changed."""
    nos = set(contact_nos)
    names = set(fields)
    events = Change.objects.for_objects(_contact_ct_id(), contact_ids).values("event_id")
    changed = []
    for delivery in WebhookDelivery.objects.filter(history_event_id__in=events):
        before = json.dumps(delivery.payload, sort_keys=True)
        for entry in (delivery.payload or {}).get("contacts", []):
            if entry.get("no") in nos or entry.get("merged_no") in nos:
                _blank_entry(entry, names)
        if json.dumps(delivery.payload, sort_keys=True) != before:
            changed.append(delivery)
    WebhookDelivery.objects.bulk_update(changed, ["payload"], batch_size=200)
    return len(changed)


# --- sending ------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a redirect is an answer that is not 2xx: the attempt failed


_opener = urllib.request.build_opener(_NoRedirects)


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str, str]:
    """(status, start of the answer, error) of one POST."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=timeout_seconds()) as response:
            text = response.read(RESPONSE_KEPT * 4).decode("utf-8", "replace")
            return response.status, text[:RESPONSE_KEPT], ""
    except urllib.error.HTTPError as error:
        try:
            text = error.read(RESPONSE_KEPT * 4).decode("utf-8", "replace")
        except Exception:
            text = ""
        return (
            error.code,
            text[:RESPONSE_KEPT],
            _("The receiver answered HTTP %(status)s.") % {"status": error.code},
        )
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return None, "", _("No answer from the receiver: %(reason)s") % {"reason": reason}


def payload_body(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()


def delivery_attempt(*, delivery_id: str) -> WebhookDelivery | None:
    """Send a waiting delivery once; on failure queue the next attempt, or give up and
    count the failure against its webhook (switching it off after too many)."""
    from api.tasks import webhook_deliver

    Status = WebhookDelivery.Status
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or delivery.status not in (Status.PENDING, Status.RETRYING):
        return delivery
    hook = delivery.webhook
    if not hook.active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=Status.CANCELLED, next_attempt_at=None
        )
        delivery.refresh_from_db()
        return delivery
    body = payload_body(delivery)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.pk),
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(hook.secret, timestamp, body),
    }
    status, answer, error = _post(hook.url, body, headers)
    now = timezone.now()
    ok = status is not None and 200 <= status < 300
    attempts = delivery.attempts + 1
    fields: dict[str, Any] = {
        "attempts": attempts,
        "last_attempt_at": now,
        "response_status": status,
        "response_body": answer,
        "error": ""
        if ok
        else error or _("The receiver answered HTTP %(status)s.") % {"status": status},
    }
    delays = retry_delays()
    with transaction.atomic():
        if ok:
            fields.update(status=Status.SUCCEEDED, delivered_at=now, next_attempt_at=None)
            Webhook.objects.filter(pk=hook.pk).update(consecutive_failures=0)
        elif attempts <= len(delays):
            run_after = now + timedelta(seconds=delays[attempts - 1])
            fields.update(status=Status.RETRYING, next_attempt_at=run_after)
            webhook_deliver.using(run_after=run_after).enqueue(delivery_id=str(delivery.pk))
        else:
            fields.update(status=Status.FAILED, next_attempt_at=None)
            _count_failure(hook, fields["error"], now)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    delivery.refresh_from_db()
    return delivery


def _count_failure(hook: Webhook, error: str, now) -> None:
    """A delivery failed for good: count it; switch the hook off after too many in a row."""
    Webhook.objects.filter(pk=hook.pk).update(
        consecutive_failures=F("consecutive_failures") + 1, last_error=error[:2000]
    )
    switched_off = Webhook.objects.filter(
        pk=hook.pk, active=True, consecutive_failures__gte=disable_after()
    ).update(active=False, disabled_at=now)
    if switched_off:
        logger.warning("Webhook %s (%s) switched off after failed deliveries", hook.pk, hook.url)
        WebhookDelivery.objects.filter(
            webhook_id=hook.pk,
            status__in=(WebhookDelivery.Status.PENDING, WebhookDelivery.Status.RETRYING),
        ).update(status=WebhookDelivery.Status.CANCELLED, next_attempt_at=None)
