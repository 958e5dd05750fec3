"""One back-office user in a separate OS process, for the concurrent-users test (13.3).

    python -m tests.crm_site.users_worker USERNAME PASSWORD COUNT

Settings come from DJANGO_SETTINGS_MODULE / DATABASE_URL. The worker prints "ready",
waits for a line "go" on stdin (so every process starts at once), then signs in through
the login form (a session row and last_login are written), creates COUNT companies
through the contact form, signs in once more, and prints one line per request,
"<status> <what>", then "done". A server error prints 500 and its traceback's last line.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.test import Client

    username, password, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    client = Client(raise_request_exception=False, HTTP_HOST="localhost")
    print("ready", flush=True)
    assert sys.stdin.readline().strip() == "go"

    def report(response, what: str) -> None:
        print(response.status_code, what, flush=True)

    def login() -> None:
        report(
            client.post("/accounts/login/", {"username": username, "password": password}),
            "login",
        )

    login()
    for i in range(count):
        response = client.post(
            "/contacts/new/?type=company",
            {"name": f"{username} company {i}", "city": "Oslo", "country": "NO"},
        )
        report(response, f"create {i}")
    client.logout()
    login()
    print("done", flush=True)


if __name__ == "__main__":
    main()
