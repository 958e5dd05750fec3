"""With the database down, every page and API call answers a translated 503 "try again"
(with Retry-After), not a bare 500 (issue 13.17). The app runs for real: gunicorn with the
production settings, pointed at a PostgreSQL port where nothing listens."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server_without_database():
    port, dead = _free_port(), _free_port()  # nothing listens on `dead`
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm_site.settings",
        "DATABASE_URL": f"postgres://crm:secret@127.0.0.1:{dead}/crm",
        "DEBUG": "false",
        "SECRET_KEY": "database-down-test-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "crm_site.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/health/", timeout=2)
        except urllib.error.HTTPError:
            break  # it answers (503: the database is down)
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("gunicorn did not start")
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(10)


def _get(url: str, **headers: str) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.mark.parametrize(
    "language, text",
    [
        ("en", "The CRM is not available at the moment"),
        ("nb", "CRM-systemet er ikke tilgjengelig akkurat nå"),
        ("nl", "Het CRM is op dit moment niet beschikbaar"),
    ],
)
def test_a_page_answers_a_translated_503_when_the_database_is_down(
    server_without_database, language, text
):
    # A signed-in user's session is read from the database: that is what fails.
    status, headers, body = _get(
        server_without_database + "/contacts/",
        Cookie="sessionid=abcdefghijklmnopqrstuvwxyz012345",
        **{"Accept-Language": language},
    )
    assert status == 503
    assert headers.get("Retry-After") == "30"
    assert text in body
    assert f'<html lang="{language}">' in body
    assert "Traceback" not in body and "secret" not in body


def test_the_api_answers_503_in_its_error_shape(server_without_database):
    status, headers, body = _get(
        server_without_database + "/api/v1/contacts/",
        Authorization="Token 0123456789abcdef0123456789abcdef",
        Accept="application/json",
        **{"Accept-Language": "nl"},
    )
    assert status == 503
    assert headers.get("Retry-After") == "30"
    assert '"code":"database_unavailable"' in body.replace(" ", "")
    assert "Het CRM kan zijn database nu niet bereiken" in body


def test_health_says_unavailable(server_without_database):
    status, _headers, body = _get(server_without_database + "/health/")
    assert status == 503 and "unavailable" in body
