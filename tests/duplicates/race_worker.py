"""A separate OS process for the merge/edit race: sends requests as one user.

    python -m tests.duplicates.race_worker USERNAME

Settings come from DJANGO_SETTINGS_MODULE / DATABASE_URL in the environment. The worker
logs in (force_login), prints "ready", then reads one command per line from stdin and
answers each with one line "<status> <marker>":

    merge PAIR_PK        POST /duplicates/<pk>/merge/ (confirm)
    edit NO DELAY_MS     POST /contacts/<no>/edit/ with a new name, after DELAY_MS

The marker says what the page showed: "gone" for the translated "no longer exists"
message, "list" for a merge sent back to the duplicate list (the pair was gone: an edit
that came first replaced it), "-" otherwise. A request that fails with a server error answers 500.
"""

from __future__ import annotations

import os
import sys
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    client = Client(raise_request_exception=False, HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username=sys.argv[1]))
    print("ready", flush=True)
    for line in sys.stdin:
        command, *args = line.split()
        if command == "merge":
            response = client.post(reverse("duplicates:merge", args=[args[0]]), {"confirm": "on"})
        elif command == "edit":
            time.sleep(int(args[1]) / 1000)
            response = client.post(
                reverse("contacts:edit", args=[args[0]]), {"name": f"Edited {args[0]}"}
            )
        else:
            sys.exit(f"unknown command {command}")
        marker = "gone" if b"no longer exists" in response.content else "-"
        if command == "merge" and response.get("Location") == reverse("duplicates:list"):
            marker = "list"
        print(response.status_code, marker, flush=True)


if __name__ == "__main__":
    main()
