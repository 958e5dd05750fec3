#!/usr/bin/env bash
# Install what the project needs on a fresh Debian machine (python3 3.11 present):
# system packages (gettext; Chromium with --browser), a virtualenv in .venv with the
# locked Python packages (requirements-dev.lock), and compiled translations.
# Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1

need=()
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
if [[ "${1:-}" == "--browser" ]]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi
if ((${#need[@]})); then
  echo "== installing system packages: ${need[*]}"
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [[ ! -x .venv/bin/python ]]; then
  echo "== creating .venv"
  python3 -m venv .venv
fi
echo "== installing Python packages (requirements-dev.lock)"
# Exact versions, each file checked against its sha256 in the lock (scripts/lock.sh
# writes it); a package missing from the lock or a file that changed stops the install.
# pip installs uv from the lock, then uv installs the lock: the same checks, and a
# fresh .venv in seconds instead of minutes. --compile-bytecode writes the .pyc files of
# every installed package (uv does not by default): where PYTHONDONTWRITEBYTECODE is set
# no process writes them later, and every manage.py process compiled Django, DRF,
# psycopg, phonenumbers... again at start (~0.9 s of CPU; the project's own ~0.2 s).
uv_lock=$(mktemp)
trap 'rm -f "$uv_lock"' EXIT
awk '/^uv==/ {p = 1} p {print} p && !/\\$/ {exit}' requirements-dev.lock > "$uv_lock"
.venv/bin/python -m pip install -q --require-hashes --no-deps -r "$uv_lock"
.venv/bin/python -m uv pip install -q --python .venv/bin/python --require-hashes \
  --compile-bytecode -r requirements-dev.lock
# Translations merge entry by entry, not line by line (scripts/po_merge.py).
if git rev-parse --git-dir >/dev/null 2>&1; then
  git config merge.pomerge.driver ".venv/bin/python scripts/po_merge.py %O %A %B"
fi
DEBUG=true .venv/bin/python manage.py compilemessages --ignore=.venv -v0
# The project's own sources too (a file edited later is compiled again when imported).
.venv/bin/python -m compileall -q -x '/\.venv/' .
