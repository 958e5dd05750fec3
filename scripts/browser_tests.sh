#!/usr/bin/env bash
# The browser tests (Playwright + the system Chromium) in their own pytest process.
# Once in CI (1 of ~20 runs) the interpreter itself died with a segmentation fault
# inside the sqlite3 module between two browser tests (exit 139, not a test failure;
# faulthandler's trace is printed). Such a crash of the interpreter is run once more,
# and said so; a failing test is never run again.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
$PY -X faulthandler -m pytest -q -p no:cacheprovider -m browser "$@"
rc=$?
if [[ $rc -eq 139 || $rc -eq 134 ]]; then
  echo "== the browser test process crashed (exit $rc, a signal, not a failing test): running it once more" >&2
  $PY -X faulthandler -m pytest -q -p no:cacheprovider -m browser "$@"
  rc=$?
fi
exit $rc
