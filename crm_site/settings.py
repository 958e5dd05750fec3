"""Settings for the CRM site.

Every environment (laptop, CI, production) uses this one module; they differ only
through environment variables (see `.env.example`). A `.env` file beside
`manage.py` is read when it exists.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

# --- Core -------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
# The development key only works with DEBUG on; production must set SECRET_KEY.
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    # One line instead of a traceback (a newcomer's first `manage.py` after run.sh).
    raise SystemExit(
        "SECRET_KEY is not set: set SECRET_KEY=<a long random string> for production, "
        "or DEBUG=true for development (in the environment or in .env beside manage.py; "
        "scripts/run.sh writes a development .env)."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A refused form gets the site's translated page (crm_site/errors.py), not Django's.
CSRF_FAILURE_VIEW = "crm_site.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "csp",
    "django_htmx",
    "axes",
    "rest_framework",
    "django_tasks",
    "django_filters",
    "drf_spectacular",
    "drf_standardized_errors",
    # Our apps, lowest layer first: dependencies point up this list only.
    "history",
    "listing",
    "numbering",
    "jobs",
    "marketing_setup",
    "contacts",
    "duplicates",
    "relations",
    "interactions",
    "opportunities",
    "demo",
    "api",
    # The site: roles and site-wide pages; it may import every app above.
    "crm_site",
    # The database task queue. After `jobs`, whose `db_worker` command extends this
    # app's (the first app in this list that defines a command wins).
    "django_tasks_db",
]

MIDDLEWARE = [
    # /health/ answers before host checks, HTTPS redirects and sessions (load balancers).
    "crm_site.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (settings CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A NUL character in the path, query, cookies or form fields is a 400 here, before
    # sessions, views or queries see it (PostgreSQL cannot take one).
    "crm_site.middleware.NulCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Permissions-Policy on every answer; Cache-Control: no-store for signed-in users.
    "crm_site.middleware.PrivacyHeadersMiddleware",
    # Every page needs a login unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Every request's changes are one change-log event with its user and source.
    "history.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last (django-axes' rule): turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crm_site.urls"
WSGI_APPLICATION = "crm_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "crm_site.navigation.navigation",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
# SQLite by default so a newcomer needs no server; PostgreSQL in deployment:
#   DATABASE_URL=postgres://user:password@127.0.0.1:5432/crm
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several users at once on the embedded database: every transaction takes the
    # write lock when it begins (IMMEDIATE), so a writer waits for it (busy timeout)
    # instead of failing with "database is locked" when a deferred transaction tries
    # to upgrade; WAL lets readers go on while one writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            ),
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    # A persistent connection is checked before a request reuses it, so the first
    # request after a database restart gets a new connection instead of an error.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a sign-in while the user name is locked out from that
# IP, before any password is checked (and counts failures, the admin's and the API's
# Basic sign-ins too).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend with each user's permissions kept between requests (the tables'
    # version token in the database says when to read them again).
    "crm_site.permissions.CachedPermissionBackend",
]
# Brute-force protection: after AXES_FAILURE_LIMIT failed sign-ins for one user name
# from one IP, that pair is locked out for AXES_COOLOFF_MINUTES (the login page says so,
# translated, with a 429); a success resets the count. Locked by the pair, not the user
# alone, so that a stranger cannot lock a colleague out from elsewhere.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.float("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "crm_site.lockout.locked_out"
# The client's address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT proxies in front (which
# append to X-Forwarded-For) the address the nearest of them saw. Never a header the
# client writes itself, or a changing X-Forwarded-For would escape every lockout.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "crm_site.lockout.client_ip"
AXES_HTTP_RESPONSE_CODE = 429
# Failed attempts are recorded (admin: Axes); successful sign-ins are not.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = env("LANGUAGE_CODE", default="en")
LANGUAGES = [
    ("en", _("English")),
    ("nb", _("Norwegian Bokmål")),
    ("nl", _("Dutch")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The local currency of amounts (opportunities, interaction costs): ISO 4217 code.
CURRENCY_CODE = env("CURRENCY_CODE", default="NOK")
# English pages use British, day-first dates (crm_site/formats/en/formats.py).
FORMAT_MODULE_PATH = ["crm_site.formats"]
TIME_ZONE = env("TIME_ZONE", default="Europe/Oslo")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        ),
    },
}

# --- Import ------------------------------------------------------------------
# Largest file the contact import page accepts, and where uploads wait for their
# confirmation (each in its own private directory, made with mkdtemp).
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=100 * 1024 * 1024)
IMPORT_UPLOAD_ROOT = env("IMPORT_UPLOAD_ROOT", default="")
# Files with more rows are imported by a background job (the preview checks this many).
IMPORT_BACKGROUND_ROWS = env.int("IMPORT_BACKGROUND_ROWS", default=5000)

# --- Duplicate search -------------------------------------------------------
# Processes the full duplicate search weighs its candidate pairs with (forked from the
# command or job, sharing the companies read; used from 20,000 companies up). Each
# process beyond the first saves time and costs memory: at a million companies, 2
# processes 118 s instead of 136 s, and about 4.2 GB instead of 2.8 GB (README).
DUPLICATE_SEARCH_PROCESSES = env.int("DUPLICATE_SEARCH_PROCESSES", default=1)

# --- API --------------------------------------------------------------------
# /api/v1/ (api/): tokens for scripts, the browser session (with CSRF); HTTP Basic only
# when switched on (a browser caches Basic credentials). JSON bodies only.
API_BASIC_AUTH = env.bool("API_BASIC_AUTH", default=False)
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1024 * 1024)
# Failed sign-ins per client IP (and per user name with Basic) before a 429.
API_AUTH_FAILURE_LIMIT = env.int("API_AUTH_FAILURE_LIMIT", default=10)
API_AUTH_FAILURE_WINDOW = env.int("API_AUTH_FAILURE_WINDOW", default=300)  # seconds
# Webhooks (api/webhooks.py): seconds before each retry of a failed delivery; failed
# deliveries in a row (every retry used) before a webhook is switched off; the time a
# receiver has to answer; contacts per delivery.
WEBHOOK_RETRY_DELAYS = env.list("WEBHOOK_RETRY_DELAYS", cast=float, default=[30, 120, 600, 3600])
WEBHOOK_DISABLE_AFTER = env.int("WEBHOOK_DISABLE_AFTER", default=5)
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10.0)
WEBHOOK_BATCH_SIZE = env.int("WEBHOOK_BATCH_SIZE", default=100)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "api.authentication.BasicAuthentication",  # answers only with API_BASIC_AUTH on
        "api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.RolePermissions"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.UserRateThrottle",
        "api.throttling.IPRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env("API_THROTTLE_USER", default="1200/min"),
        "ip": env("API_THROTTLE_IP", default="3000/min"),
        "anon": env("API_THROTTLE_ANON", default="60/min"),
    },
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    # Throttles count per REMOTE_ADDR (or what the trusted proxies saw), not per a
    # client-written X-Forwarded-For (DRF's default when NUM_PROXIES is None).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_HANDLER_CLASS": "api.exceptions.ApiExceptionHandler",
    "ALLOWED_ERROR_STATUS_CODES": ["400", "401", "403", "404", "405", "406", "415", "429"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CRM API",
    "DESCRIPTION": (
        "Contacts, business relations, interactions, opportunities, duplicates and the "
        "setup, through the same rules as the pages. Authenticate with "
        "`Authorization: Token <key>` (keys on the API tokens page)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ContactTypeEnum": "contacts.models.Contact.Type",
        "CorrespondenceTypeEnum": "marketing_setup.models.CorrespondenceType",
        "CountryEnum": "django_countries.countries",
        # drf-standardized-errors' error codes (its documented set-up).
        **{
            name: f"drf_standardized_errors.openapi_serializers.{name}.choices"
            for name in (
                "ValidationErrorEnum",
                "ClientErrorEnum",
                "ServerErrorEnum",
                *(f"ErrorCode{code}Enum" for code in (401, 403, 404, 405, 406, 415, 429, 500)),
            )
        },
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
        "api.schema.describe_everything",
    ],
    # Swagger UI from our own static files (static/swagger-ui/): no CDN, CSP-friendly.
    "SWAGGER_UI_DIST": "/" + STATIC_URL.strip("/") + "/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": "/" + STATIC_URL.strip("/") + "/swagger-ui/favicon-32x32.png",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": False, "displayOperationId": False},
}

# --- Background jobs (jobs app; README "Background jobs") -------------------------
# The database is the queue: `manage.py db_worker` runs what pages and commands enqueue.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A running job's worker writes its progress and a heartbeat this often (seconds) and
# notices a cancel request as often.
JOBS_HEARTBEAT_SECONDS = env.float("JOBS_HEARTBEAT_SECONDS", default=2.0)
# A running job without a heartbeat for this long lost its worker (killed, machine
# down): it is marked failed, or queued again when its kind is safe to retry.
JOBS_STALE_SECONDS = env.float("JOBS_STALE_SECONDS", default=60.0)
# A job that waits for a conflicting one (same conflict key) looks again this often.
JOBS_CONFLICT_RETRY_SECONDS = env.float("JOBS_CONFLICT_RETRY_SECONDS", default=5.0)
# Workers run the apps' periodic checks this often (seconds), e.g. whether the data
# changed enough to estimate the duplicate model again.
JOBS_PERIODIC_SECONDS = env.float("JOBS_PERIODIC_SECONDS", default=300.0)

# The DEBUG error page hides passwords, also those inside database URLs (crm_site/debug.py).
DEFAULT_EXCEPTION_REPORTER_FILTER = "crm_site.debug.CredentialsMaskingFilter"

# --- Security (production values unless DEBUG) -------------------------------
# Trust X-Forwarded-Proto only behind a proxy that sets it (and strips a client's own):
# otherwise any client could claim HTTPS.
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Only our own scripts, styles, images and fonts; no inline script or style (pages hook
# into static/js/app.js through data- attributes), no plug-ins, no framing, forms post
# to this site only. django-csp sends it (a report-only header while trying a change:
# CONTENT_SECURITY_POLICY_REPORT_ONLY).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features no page uses are switched off (crm_site.middleware).
PERMISSIONS_POLICY = env(
    "PERMISSIONS_POLICY",
    default=(
        "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
        "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
    ),
)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
