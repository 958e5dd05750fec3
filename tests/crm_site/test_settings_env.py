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


def test_manage_py_without_a_secret_key_says_in_one_line_what_to_set(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # No .env is read from the checkout when settings see a module path elsewhere: run
    # from a copy of manage.py's directory is too heavy, so the checkout must have none.
    if (settings.BASE_DIR / ".env").exists():
        import pytest

        pytest.skip("a .env beside manage.py sets the key")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={**env, "DEBUG": "false"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "SECRET_KEY is not set" in lines[0] and "DEBUG=true" in lines[0]
