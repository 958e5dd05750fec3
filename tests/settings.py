"""Test settings: the real settings with a fast password hasher and plain HTTP."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")

from crm_site.settings import *  # noqa: F403

DEBUG = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "en"

# The tests of background jobs run a real worker process (`manage.py db_worker`), which
# must see the test database: on SQLite that is a file (one per pytest process), not
# the in-memory database a subprocess cannot open. PostgreSQL's test database is
# `test_<NAME>` anyway.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile

    _test_file = os.path.join(tempfile.gettempdir(), f"crm-tests-{os.getpid()}.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": _test_file}  # noqa: F405
    # NAME must not say ":memory:" either (DATABASE_URL=sqlite:///:memory: in the test
    # script): pytest-django's live server decides before the test database exists
    # whether the database is in memory, and would then share the test thread's
    # connection with its server thread; two threads on one sqlite3 connection
    # crashed the interpreter (SIGSEGV) in the browser tests.
    # (A worker process started by a test gets the test file itself as DATABASE_URL.)
    _name = str(DATABASES["default"]["NAME"])  # noqa: F405
    if _name in ("", ":memory:") or "mode=memory" in _name:
        DATABASES["default"]["NAME"] = _test_file  # noqa: F405
# Workers in tests beat fast, so a killed one is noticed within a fraction of a second.
JOBS_HEARTBEAT_SECONDS = 0.1
JOBS_CONFLICT_RETRY_SECONDS = 0.2
