"""Settings that depend on the environment (13.15, 13.17), read in a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([getattr(s, 'SECURE_PROXY_SSL_HEADER', None), "
    "s.DATABASES['default'].get('CONN_HEALTH_CHECKS')]))"
)


def _settings(**env):
    base = {k: v for k, v in os.environ.items() if k != "SECURE_PROXY_SSL_HEADER"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**base, "DJANGO_SETTINGS_MODULE": "crm_site.settings", "SECRET_KEY": "x" * 50, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    import json

    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_forwarded_proto_header_is_trusted_only_when_configured():
    assert _settings()[0] is None
    assert _settings(SECURE_PROXY_SSL_HEADER="true")[0] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_postgresql_connections_are_health_checked():
    assert _settings(DATABASE_URL="postgres://u:p@127.0.0.1:5432/x")[1] is True
