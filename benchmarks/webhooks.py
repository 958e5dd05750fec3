"""What webhooks cost, on PostgreSQL (or the DATABASE_URL given):

1. contact creation through `contact_create` (one committed transaction each) with no
   webhook, then with an active webhook subscribed to everything: the second queues a
   dispatch task on every commit; the ratio is the overhead a page or API save pays;
2. preparing the deliveries of one import-sized change event (N contacts created in
   one operation, `bulk_create`): seconds and deliveries written (batches of
   WEBHOOK_BATCH_SIZE), against the import's own insert of the same rows;
3. sending: signed POSTs to a local receiver, deliveries per second.

    .venv/bin/python benchmarks/webhooks.py                       # 1,000 creates, 20,000-row event
    .venv/bin/python benchmarks/webhooks.py --creates 200 --rows 5000
    .venv/bin/python benchmarks/webhooks.py --database-url postgres://u:p@host:5432/bench_x

The database is created and migrated when missing and dropped at the end (unless
--keep-db). Prints figures and ratios; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks")]

DEFAULT_URL = "postgres://root:root@127.0.0.1:5432/bench_webhooks"
RECEIVER_PORT = 8590


def _setup(database_url: str) -> bool:
    from benchmarks.numbering import _create_database

    created = _create_database(database_url) if database_url.startswith("postgres") else False
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.bench_settings"
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return created


def _receiver():
    # Imported here: run as a script, benchmarks/http.py would shadow the standard
    # library's http until sys.path is fixed above.
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", RECEIVER_PORT), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _creates(count: int, prefix: str) -> float:
    """Contacts per second through contact_create, one request-like scope each."""
    from django.db import transaction

    from contacts.services import contact_create
    from history import context
    from history.models import Source

    start = time.perf_counter()
    for n in range(count):
        with context.actor(user=None, source=Source.PAGE), transaction.atomic():
            contact_create(data={"type": "company", "no": f"{prefix}{n:06d}", "name": f"Firm {n}"})
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--creates", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--sends", type=int, default=300)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    created_db = _setup(args.database_url)
    try:
        run(args)
    finally:
        if created_db and not args.keep_db:
            from django.db import connections

            connections.close_all()
            from benchmarks.numbering import _drop_database

            _drop_database(args.database_url)


def run(args) -> None:
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from api import webhooks
    from api.models import Webhook, WebhookDelivery, WebhookEvent
    from contacts.models import Contact
    from history import context
    from history.models import Cause, Event, Source
    from marketing_setup.models import MarketingSetup

    setup = MarketingSetup.get()
    setup.maintain_search_strings = False  # measure the hook, not the duplicate index
    setup.autosearch_for_duplicates = False
    setup.save()
    Webhook.objects.all().delete()
    DBTaskResult.objects.all().delete()
    server = _receiver()
    try:
        # 1. the overhead of an active webhook on a save
        _creates(50, "WARM")  # warm-up
        without = _creates(args.creates, "NOHK")
        hook = webhooks.webhook_create(
            name="bench", url=f"http://127.0.0.1:{RECEIVER_PORT}/", events=WebhookEvent.values
        )
        with_hook = _creates(args.creates, "HOOK")
        queued = DBTaskResult.objects.count()
        print(f"contact_create, {args.creates} each, one transaction per contact:")
        print(f"  no webhook        {without:8.1f} contacts/s")
        print(
            f"  1 active webhook  {with_hook:8.1f} contacts/s  "
            f"(ratio {with_hook / without:.2f}; {queued} dispatch tasks queued)"
        )

        # 2. one import-sized event
        rows = [
            Contact(no=f"IMP{n:07d}", type="company", name=f"Imported {n}", search_name=f"IMP {n}")
            for n in range(args.rows)
        ]
        start = time.perf_counter()
        with (
            context.actor(user=None, source=Source.COMMAND),
            transaction.atomic(),
            context.operation(Cause.IMPORT),
        ):
            Contact.objects.bulk_create(rows, batch_size=2000)
        insert_s = time.perf_counter() - start
        event = Event.objects.order_by("-id").first()
        start = time.perf_counter()
        deliveries = webhooks.deliveries_create(event_id=event.pk)
        prepare_s = time.perf_counter() - start
        print(f"one import event of {args.rows} created contacts:")
        print(f"  insert (bulk_create + change log) {insert_s:7.2f} s")
        print(
            f"  prepare deliveries                {prepare_s:7.2f} s  "
            f"({len(deliveries)} deliveries of <= {webhooks.batch_size()} contacts; "
            f"ratio to the insert {prepare_s / insert_s:.2f})"
        )

        # 3. sending
        ids = list(
            WebhookDelivery.objects.filter(webhook=hook)
            .order_by("created_at")
            .values_list("pk", flat=True)[: args.sends]
        )
        WebhookDelivery.objects.filter(pk__in=ids).update(status="pending")
        start = time.perf_counter()
        for delivery_id in ids:
            webhooks.delivery_attempt(delivery_id=str(delivery_id))
        send_s = time.perf_counter() - start
        ok = WebhookDelivery.objects.filter(pk__in=ids, status="succeeded").count()
        print(
            f"sending {len(ids)} deliveries (one worker, local receiver): "
            f"{len(ids) / send_s:.1f} deliveries/s, {ok} delivered"
        )
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
