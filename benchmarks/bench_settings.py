"""Settings for benchmarks: the real settings plus django-sequences (compared against)."""

import os

os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")

from crm_site.settings import *  # noqa: F403
from crm_site.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "sequences"]
# No query log (DEBUG keeps every SQL statement in memory): measure as in production.
DEBUG = False
