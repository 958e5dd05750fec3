#!/usr/bin/env bash
# Install, create an SQLite database with demo data, and start the server on
# http://127.0.0.1:8000 (log in as admin / admin, or staff / staff) with one background
# worker beside it (manage.py db_worker, which runs the jobs); Ctrl+C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
# First run: a development .env (gitignored) that settings read, so later plain
# `manage.py` commands work too: DEBUG on and a generated key.
if [[ ! -f .env ]]; then
  key=$(.venv/bin/python -c "import secrets; print(secrets.token_urlsafe(50))")
  printf 'DEBUG=true\nSECRET_KEY=%s\n' "$key" > .env
  echo "== wrote .env (development: DEBUG=true and a generated SECRET_KEY)"
fi
export DEBUG="${DEBUG:-true}"
ADDRESS="${RUN_ADDRESS:-127.0.0.1:8000}"
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py load_demo

# The worker runs in its own session, so Ctrl+C reaches only the server; when the
# server stops, the worker gets one SIGTERM: it finishes its current job and exits.
setsid .venv/bin/python manage.py db_worker --no-reload &
worker=$!
stop_worker() {
  if kill -0 "$worker" 2>/dev/null; then
    echo "== stopping the background worker (it finishes its current job first)"
    kill -TERM "$worker" 2>/dev/null || true
    wait "$worker" 2>/dev/null || true
  fi
}
trap stop_worker EXIT
trap 'exit 130' INT TERM

echo
echo "== Open http://$ADDRESS/ and log in as admin / admin (CRM administrator)"
echo "   or staff / staff (back-office staff). Jobs run in the background worker"
echo "   started beside the server. Stop both with Ctrl+C."
.venv/bin/python manage.py runserver "$ADDRESS"
