"""The REST API at a million contacts: list, search and card reads under load and
creating contacts through the API against contacts.services.contact_create in a loop.

It shares the database and the gunicorn set-up with benchmarks/http.py and runs it for
the API endpoints only (plus the trivial view the ratios need):

    .venv/bin/python benchmarks/api.py    # 1M contacts, 20 s per endpoint, 2 runs, 10,000 creates
    .venv/bin/python benchmarks/api.py --scale 100000 --duration 5 --runs 1 --creates 500
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks")]

from benchmarks import http  # noqa: E402

if __name__ == "__main__":
    if "--only" not in sys.argv:
        sys.argv += ["--only", "API"]
    http.main()
