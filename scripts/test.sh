#!/usr/bin/env bash
# Install everything and run all checks and tests: lint, Django checks, migrations,
# translations, the unit/integration suite and the browser tests (system Chromium).
# DATABASE_URL picks the database (default: SQLite in memory).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh --browser
PY=.venv/bin/python
# manage.py outside pytest runs with development settings (tests use tests/settings.py).
DJ="env DEBUG=true $PY manage.py"
export DATABASE_URL="${DATABASE_URL:-sqlite:///:memory:}"
T0=$SECONDS
step() { echo "== [$((SECONDS - T0))s] $*"; }

step "static checks"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
$DJ makemigrations --check --dry-run >/dev/null || {
  echo "Models changed without a migration: run manage.py makemigrations" >&2; exit 1; }
$DJ check --fail-level WARNING
SECRET_KEY=ci-check-only-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ DEBUG=false \
  ALLOWED_HOSTS=crm.example.com $PY manage.py check --deploy --fail-level WARNING
for lang in nb nl; do
  stats=$(msgfmt --statistics -o /dev/null "locale/$lang/LC_MESSAGES/django.po" 2>&1)
  if [[ "$stats" == *untranslated* || "$stats" == *fuzzy* ]]; then
    echo "Translations for $lang are incomplete: $stats" >&2; exit 1
  fi
done
$PY scripts/check_messages.py  # a string in the code that nb or nl lacks
$DJ collectstatic --noinput -v0

step "tests on ${DATABASE_URL%%:*}"
bash scripts/suite.sh
step "browser tests on ${DATABASE_URL%%:*}"
bash scripts/browser_tests.sh
step "done"
