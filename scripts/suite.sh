#!/usr/bin/env bash
# The pytest suite without the browser tests, on the database DATABASE_URL names: the
# in-process tests spread over the cores (pytest-xdist), then the tests that start real
# processes or a live server one at a time (marker `processes`, tests/conftest.py).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
$PY -m pytest -q -p no:cacheprovider -m "not browser and not processes" -n "${TEST_WORKERS:-2}" "$@"
$PY -m pytest -q -p no:cacheprovider -m "processes and not browser" "$@"
