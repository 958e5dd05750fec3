"""scripts/audit.py, CI's check of the lock for known vulnerabilities, against a local
stand-in for the OSV service (the real one is not reachable from every machine)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


class _FakeOsv(BaseHTTPRequestHandler):
    vulnerable = "django"

    def do_POST(self):
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        body = {}
        if query["package"]["name"] == self.vulnerable:
            body = {
                "vulns": [
                    {
                        "id": "PYSEC-0000-1",
                        "aliases": ["CVE-0000-0001"],
                        "summary": "A made-up hole",
                        "affected": [
                            {
                                "package": {"name": self.vulnerable, "ecosystem": "PyPI"},
                                "ranges": [
                                    {
                                        "type": "ECOSYSTEM",
                                        "events": [{"introduced": "0"}, {"fixed": "99.0"}],
                                    }
                                ],
                            }
                        ],
                    }
                ]
            }
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def osv_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOsv)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1/query"
    server.shutdown()
    server.server_close()


def _audit(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "scripts/audit.py", "--service", "osv", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_a_known_vulnerability_in_the_lock_fails_and_names_the_fix(osv_url):
    proc = _audit("--osv-url", osv_url)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "django 5.2." in proc.stdout
    assert "(app)" in proc.stdout
    assert "PYSEC-0000-1, CVE-0000-0001; fixed in: 99.0" in proc.stdout


def test_a_clean_lock_passes(osv_url, monkeypatch):
    monkeypatch.setattr(_FakeOsv, "vulnerable", "no-such-package")
    proc = _audit("--osv-url", osv_url)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no known vulnerabilities in the" in proc.stdout


def test_an_unreachable_service_is_said_in_one_line_and_does_not_fail():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # Nothing listens on the port any more: the connection is refused.
    proc = _audit("--osv-url", f"http://127.0.0.1:{port}/v1/query", "--timeout", "3")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("\n") == 1
    assert proc.stdout.startswith("== audit: NOT CHECKED, no vulnerability service reachable")
