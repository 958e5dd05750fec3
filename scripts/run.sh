#!/usr/bin/env bash
# Install, create an SQLite database with demo data, and start the server on
# http://127.0.0.1:8000 (log in as admin / admin, or staff / staff).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export DEBUG="${DEBUG:-true}"
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py load_demo
echo
echo "== Open http://127.0.0.1:8000/ and log in as admin / admin (CRM administrator)"
echo "   or staff / staff (back-office staff). Stop the server with Ctrl+C."
exec .venv/bin/python manage.py runserver 127.0.0.1:8000
