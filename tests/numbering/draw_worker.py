"""A separate OS process for the concurrency test: draws numbers and prints them.

    python -m tests.numbering.draw_worker SERIES COUNT GO_FILE [--rollback-every K] [--pause S]

Settings come from DJANGO_SETTINGS_MODULE / DATABASE_URL in the environment. The worker
sets Django up, touches GO_FILE.ready-<pid>, waits for GO_FILE, then draws COUNT
committed numbers, each in its own transaction; with --rollback-every K every K-th draw
is rolled back instead (the number must come back to the pool). A draw refused because
the line was switched while it drew ("... was changed while a number was drawn from it.
Please try again.") is tried again, as the message asks.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


class _Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("series")
    parser.add_argument("count", type=int)
    parser.add_argument("go_file")
    parser.add_argument("--rollback-every", type=int, default=0)
    parser.add_argument("--pause", type=float, default=0.0, help="seconds between draws")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    from numbering.services import NumberSeriesError, series_next_number

    connection.ensure_connection()
    go = Path(args.go_file)
    Path(f"{go}.ready-{os.getpid()}").touch()
    deadline = time.monotonic() + 300  # the other workers may start slowly on a loaded box
    while not go.exists():
        if time.monotonic() > deadline:
            sys.exit("no go signal")
        time.sleep(0.01)

    drawn = attempts = 0
    while drawn < args.count:
        attempts += 1
        try:
            with transaction.atomic():
                number = series_next_number(args.series)
                if args.rollback_every and attempts % args.rollback_every == 0:
                    raise _Rollback
        except _Rollback:
            continue
        except NumberSeriesError as exc:
            if exc.code != "changed":
                raise
            print(f"retry: {exc}", file=sys.stderr, flush=True)
            continue
        print(number, flush=True)
        drawn += 1
        if args.pause:
            time.sleep(args.pause)


if __name__ == "__main__":
    main()
