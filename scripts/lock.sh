#!/usr/bin/env bash
# Write the lock files from the bounds: requirements.txt -> requirements.lock (the app,
# what the Dockerfile installs) and requirements-dev.txt -> requirements-dev.lock (app +
# tests and tooling, what scripts/bootstrap.sh installs). Each pins exact versions with
# the sha256 of every file of that version, resolved for CPython 3.11 on Linux. The dev
# lock is constrained to the app lock, so the tests run the versions production gets.
#
#   bash scripts/lock.sh                          # after editing requirements*.txt: keeps
#                                                 # every locked version the bounds allow
#   bash scripts/lock.sh --upgrade                # newest versions within the bounds
#   bash scripts/lock.sh --upgrade-package django # newest of one package (repeatable)
#   bash scripts/lock.sh --check                  # CI: do the locks match requirements*.txt?
#
# Then `bash scripts/bootstrap.sh` installs the new lock; run the tests and
# `.venv/bin/python scripts/audit.py`, and commit requirements*.txt and
# requirements*.lock together.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! .venv/bin/python -m uv --version >/dev/null 2>&1; then bash scripts/bootstrap.sh; fi
compile() {  # compile OUT_DIR|"" [uv options]
  local out=${1:+$1/}; shift
  .venv/bin/python -m uv pip compile --quiet --generate-hashes \
    --python-version 3.11 --python-platform linux \
    --custom-compile-command "bash scripts/lock.sh" "$@" requirements.txt -o "${out}requirements.lock"
  .venv/bin/python -m uv pip compile --quiet --generate-hashes \
    --python-version 3.11 --python-platform linux \
    --custom-compile-command "bash scripts/lock.sh" "$@" requirements-dev.txt \
    -c "${out}requirements.lock" -o "${out}requirements-dev.lock"
}

if [[ "${1:-}" == "--check" ]]; then
  # Re-resolve into a scratch folder, starting from the committed locks (uv keeps the
  # versions they pin): any difference means requirements*.txt changed without a lock.
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  cp requirements.lock requirements-dev.lock "$tmp/"
  if ! compile "$tmp" 2>"$tmp/err"; then
    if grep -qiE "error sending request|dns error|connection refused|network is unreachable|timed out" "$tmp/err"; then
      echo "== lock check: NOT CHECKED, the package index is not reachable ($(tail -1 "$tmp/err"))"
      exit 0
    fi
    cat "$tmp/err" >&2; exit 1
  fi
  sed -i "s|$tmp/||g" "$tmp"/requirements*.lock
  if ! diff -u requirements.lock "$tmp/requirements.lock" >&2 \
    || ! diff -u requirements-dev.lock "$tmp/requirements-dev.lock" >&2; then
    echo "The lock files do not match requirements*.txt: run bash scripts/lock.sh" >&2
    exit 1
  fi
  echo "== lock check: requirements.lock and requirements-dev.lock match requirements*.txt"
  exit 0
fi
compile "" "$@"
echo "== wrote requirements.lock ($(grep -c '^[A-Za-z]' requirements.lock) packages)" \
  "and requirements-dev.lock ($(grep -c '^[A-Za-z]' requirements-dev.lock) packages)"
