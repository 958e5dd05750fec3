"""Settings for benchmarks/http.py: production settings plus one trivial view (its URLs
are in benchmarks/http_urls.py).

The trivial view runs through the same middleware as every page (session, login
required, CSRF, locale, history) and returns a few bytes: the stack's own ceiling, which
the pages are compared with.
"""

import os

os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret-0123456789abcdefghijklmnop")

from crm_site.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.http_urls"
