"""Settings for SIEX, read from the environment (django-environ).

Every variable this module reads is documented in README.md ("Configuration"). The thin modules
``dev``, ``test`` and ``production`` only choose defaults; the behaviour lives here.

Two ways to run, one code path: without ``DATABASE_URL`` and ``REDIS_URL`` SIEX runs on its
embedded default (SQLite, Celery tasks executed in-process); with them it uses PostgreSQL and a
Celery worker behind the Redis broker.
"""

import contextlib
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ._env import BASE_DIR, env


def _make_folder_of(path) -> None:
    """Create the folder a local file lies in (``var/`` is not in the repository), so that the
    first command on a fresh clone does not fail on it. A folder that cannot be made is left to
    the program that opens the file to report."""
    with contextlib.suppress(OSError):
        Path(path).parent.mkdir(parents=True, exist_ok=True)


# --- Core -----------------------------------------------------------------------------------------

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Required in production (see production.py); dev and test fill in a fallback.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "siex.accounts.apps.SiexAdminConfig",  # the Django admin, for superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    # Two-factor sign-in: django-otp's devices (an authenticator app's TOTP, recovery codes) and
    # django-two-factor-auth's setup pages (siex/accounts/two_factor.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "two_factor",
    "csp",
    "auditlog",
    "siex.accounts",
    "siex.core",
    "siex.audit",
    "monitoring",
    "interventions",
    "calculation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "siex.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "siex.audit.middleware.AccessLogMiddleware",
    # request.user.is_verified(): whether this session passed the second step of the sign-in.
    "django_otp.middleware.OTPMiddleware",
    # A session unused for SIEX_SESSION_IDLE_MINUTES, or older than SESSION_COOKIE_AGE, ends.
    "siex.accounts.middleware.SessionTimeoutMiddleware",
    # No copy of a household page, an API answer or a download in any cache.
    "siex.core.middleware.NoStoreMiddleware",
    "siex.accounts.middleware.DenyByDefaultMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "siex.audit.middleware.AuditlogMiddleware",  # the change history, with the trusted address
    # Beat's periodic check of calculation runs where there is no beat (SIEX_RUN_SWEEP_IN_PROCESS).
    "calculation.sweeping.InProcessSweepMiddleware",
    # Beat's daily retention run where there is no beat (SIEX_RETENTION_IN_PROCESS).
    "interventions.retention.in_process.InProcessRetentionMiddleware",
    # django-axes must come last: it inspects the result of the authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "siex.urls"
WSGI_APPLICATION = "siex.wsgi.application"
ASGI_APPLICATION = "siex.asgi.application"

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
                "siex.core.context_processors.siex",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------

# No DATABASE_URL: the embedded default, a SQLite file in var/.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'siex.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite creates its file but not the folder it lies in: without this, the first migrate on
    # a fresh clone failed with "unable to open database file".
    _sqlite_file = str(DATABASES["default"]["NAME"])
    if _sqlite_file not in ("", ":memory:") and not _sqlite_file.startswith("file:"):
        _make_folder_of(_sqlite_file)
    # IMMEDIATE transactions take the write lock up front, so two writers queue instead of one
    # failing half-way; WAL lets pages read while a calculation writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker and tasks ----------------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
EMBEDDED = not REDIS_URL

# Seconds SIEX waits for Redis (broker, result store, cache) to connect or answer before it
# gives up: a Redis that is down or hangs must make a request fail (or degrade) in seconds, not
# hold it for minutes.
SIEX_REDIS_TIMEOUT = env.float("SIEX_REDIS_TIMEOUT", default=3.0)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env.str("CACHE_REDIS_URL", default=REDIS_URL),
            "OPTIONS": {
                "socket_connect_timeout": SIEX_REDIS_TIMEOUT,
                "socket_timeout": SIEX_REDIS_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The in-process broker of the embedded default. It names its host: a memory:// URL without one
# makes kombu warn "No hostname was supplied" each time a task is sent (eager tasks too).
EMBEDDED_BROKER_URL = "memory://localhost/"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or EMBEDDED_BROKER_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
# Without a broker the same tasks run in the web process, synchronously.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="siex")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "Europe/Amsterdam"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # With late acknowledgement an unacknowledged message is redelivered after this many seconds;
    # it must exceed the hard time limit or a running job would be started twice.
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 60,
    "socket_connect_timeout": SIEX_REDIS_TIMEOUT,
    "socket_timeout": SIEX_REDIS_TIMEOUT,
}
# Sending a job to a broker that is down: one quick retry, then the request answers that the
# calculation service is unavailable (instead of waiting for a minute).
CELERY_BROKER_CONNECTION_TIMEOUT = SIEX_REDIS_TIMEOUT
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = SIEX_REDIS_TIMEOUT
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
}

# Jobs whose worker died. A running calculation writes its progress (its sign of life) every
# SIEX_RUN_PROGRESS_INTERVAL seconds; one silent for SIEX_RUN_STALE_SECONDS, or a job queued for
# SIEX_RUN_QUEUED_SECONDS without a worker taking it up, is sent again (at most three times in
# all) or failed with the reason. Celery beat checks every SIEX_RUN_SWEEP_INTERVAL seconds; a
# request to recalculate a version checks that version's run at once.
SIEX_RUN_PROGRESS_INTERVAL = env.float("SIEX_RUN_PROGRESS_INTERVAL", default=0.5)
SIEX_RUN_STALE_SECONDS = env.int("SIEX_RUN_STALE_SECONDS", default=60)
SIEX_RUN_QUEUED_SECONDS = env.int("SIEX_RUN_QUEUED_SECONDS", default=120)
SIEX_RUN_SWEEP_INTERVAL = env.int("SIEX_RUN_SWEEP_INTERVAL", default=30)
# The return per household (participants page) shows the newest snapshot of the register; once
# the register changed, a snapshot at most this many seconds old is still shown (saying so) while
# a job takes a new one; an older one is computed while the reader waits
# (calculation/participants/snapshots.py).
SIEX_PARTICIPANTS_MAX_STALE_SECONDS = env.int("SIEX_PARTICIPANTS_MAX_STALE_SECONDS", default=120)
# Without Celery beat (the embedded default, tasks in-process) the application does the same check
# itself, at most every SIEX_RUN_SWEEP_INTERVAL seconds, in a background thread started by a
# request (calculation/sweeping.py).
SIEX_RUN_SWEEP_IN_PROCESS = env.bool("SIEX_RUN_SWEEP_IN_PROCESS", default=CELERY_TASK_ALWAYS_EAGER)
# Celery beat (one process only) keeps when it last sent each periodic task in this file; without
# a folder of its own it failed to start ("No such file or directory") or wrote into the project.
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")
_make_folder_of(CELERY_BEAT_SCHEDULE_FILENAME)
CELERY_BEAT_SCHEDULE = {
    "calculation-sweep-runs": {
        "task": "calculation.sweep_runs",
        "schedule": SIEX_RUN_SWEEP_INTERVAL,
        # A check no worker took up in time is dropped: the next one comes along.
        "options": {"expires": SIEX_RUN_SWEEP_INTERVAL},
    },
}

# --- Authentication and access --------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    # django-axes first, so that locked-out credentials never reach the other backends.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures an account is locked from
# every address, so that guessing from many addresses does not help (the right password from
# another address is refused too); AXES_COOLOFF_HOURS later, or after a new one-time password,
# the lock lifts. Not per address alone: the municipality's staff share a few addresses.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks to lock per address as well; that would lock every colleague behind the same
# address out after one person's typing errors, while the lock per username already holds
# whatever the address, user agent or cookies.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0)

# A session lasts at most SESSION_COOKIE_AGE seconds from the sign-in (8 hours), and ends sooner
# when unused for SIEX_SESSION_IDLE_MINUTES (siex/accounts/middleware.py).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
SIEX_SESSION_IDLE_MINUTES = env.int("SIEX_SESSION_IDLE_MINUTES", default=30)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Two-factor sign-in (TOTP from an authenticator app, with recovery codes): required for these
# roles (and for superusers), available to everyone on /account/tweestapsverificatie/.
SIEX_2FA_REQUIRED_ROLES = env.list(
    "SIEX_2FA_REQUIRED_ROLES", default=["projectleider", "beheerder"]
)
OTP_TOTP_ISSUER = "SIEX"
TWO_FACTOR_QR_FACTORY = "qrcode.image.svg.SvgPathImage"  # made here, no network
# An API token (issued by a superuser in the admin) stops working this many hours after it was
# issued, and at once when its user's password changes.
SIEX_API_TOKEN_HOURS = env.int("SIEX_API_TOKEN_HOURS", default=24 * 30)
# The Django admin's path (superusers only); another than the well-known one keeps it out of
# scanners' way.
SIEX_ADMIN_PATH = env.str("SIEX_ADMIN_PATH", default="admin/").strip("/") + "/"

# Mail (the password-reset link): Django's console backend by default (the mail is written to
# the server's output); django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST and the rest
# for a real mail server.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SIEX <noreply@localhost>")
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)

# --- Privacy --------------------------------------------------------------------------------------

# The key of the keyed hash (HMAC-SHA256) that turns the municipality's own reference into a
# household pseudonym. It is configuration, never stored in the database: whoever holds the
# database alone cannot recompute which reference belongs to which pseudonym.
SIEX_PSEUDONYM_KEY = env.str("SIEX_PSEUDONYM_KEY", default="")
# Counts below this number are shown as "<10" on every aggregate a council member sees.
SIEX_SMALL_CELL_THRESHOLD = env.int("SIEX_SMALL_CELL_THRESHOLD", default=10)
# Counts a council member sees, cells and totals alike, are rounded to a multiple of this (the CBS
# practice), so that totals at two dates do not give away a count that dropped below the threshold.
SIEX_COUNT_ROUNDING = env.int("SIEX_COUNT_ROUNDING", default=5)
# Retention (docs/retention.md): the participation data of a household whose participation ended
# more than SIEX_RETENTION_YEARS years ago, or that withdrew its consent, is anonymised (or, with
# SIEX_RETENTION_MODE=delete, deleted) by a daily job at SIEX_RETENTION_HOUR o'clock.
SIEX_RETENTION_YEARS = env.int("SIEX_RETENTION_YEARS", default=7)
SIEX_RETENTION_MODE = env.str("SIEX_RETENTION_MODE", default="anonymise")
if SIEX_RETENTION_MODE not in ("anonymise", "delete"):
    raise ImproperlyConfigured("SIEX_RETENTION_MODE must be “anonymise” or “delete”.")
if SIEX_RETENTION_YEARS < 1:
    raise ImproperlyConfigured("SIEX_RETENTION_YEARS must be at least 1.")
SIEX_RETENTION_HOUR = env.int("SIEX_RETENTION_HOUR", default=3)
# Without Celery beat (the embedded default, tasks in-process) the application runs it itself, once
# a day, in a background thread started by a request (interventions/retention/in_process.py).
SIEX_RETENTION_IN_PROCESS = env.bool("SIEX_RETENTION_IN_PROCESS", default=CELERY_TASK_ALWAYS_EAGER)
CELERY_BEAT_SCHEDULE["interventions-retention"] = {
    "task": "interventions.retention_apply",
    "schedule": crontab(hour=SIEX_RETENTION_HOUR, minute=15),
    # A day's run no worker took up within the hour is dropped: the next day's finds the same.
    "options": {"expires": 3600},
}
# Whether the demo commands (demo users with printed passwords, demo households) may run.
SIEX_DEMO_ALLOWED = env.bool("SIEX_DEMO_ALLOWED", default=False)
SIEX_MUNICIPALITY_CODE = env.str("SIEX_MUNICIPALITY_CODE", default="GM0014")
# The neighbourhood photo's benchmarks: the country's code, and the peer group of the
# municipality: the SIEX_PEER_GROUP_SIZE municipalities nearest on z-scores of these context
# indicators (codes of monitoring's indicators; see monitoring/photos/peers.py).
SIEX_COUNTRY_CODE = env.str("SIEX_COUNTRY_CODE", default="NL01")
SIEX_PEER_GROUP_SIZE = env.int("SIEX_PEER_GROUP_SIZE", default=10)
SIEX_PEER_GROUP_INDICATORS = env.list(
    "SIEX_PEER_GROUP_INDICATORS",
    default=[
        "aantal_inwoners",
        "gem_gestandaardiseerd_inkomen_hh_x1000eur",
        "pct_hh_onder_of_rond_sociaal_minimum",
        "pct_huurwoningen_corporatie",
    ],
)
# The largest spreadsheet (CSV or XLSX) a policy officer may upload to the register import.
SIEX_IMPORT_MAX_BYTES = env.int("SIEX_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
# Rows below the column names and columns the register import reads per sheet (or CSV file); a
# sheet with data beyond them is refused before it is read in full.
SIEX_IMPORT_MAX_ROWS = env.int("SIEX_IMPORT_MAX_ROWS", default=200_000)
SIEX_IMPORT_MAX_COLUMNS = env.int("SIEX_IMPORT_MAX_COLUMNS", default=50)

# --- Internationalisation -------------------------------------------------------------------------

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# Amounts and dates are written and read the Dutch way in both languages (siex/formats/).
FORMAT_MODULE_PATH = ["siex.formats"]
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files ---------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # plotly.js from the installed plotly package (siex/core/charts/staticfiles.py).
    "siex.core.charts.staticfiles.PlotlyFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "DJANGO_STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# --- Security headers -----------------------------------------------------------------------------

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=False)
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content security policy (django-csp): only our own scripts, styles and images; no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # plotly.js sets style attributes on the SVG and the HTML of the charts it draws (sizes,
        # positions, colours); a style attribute cannot run script, so inline style attributes
        # are allowed, and only those: no <style> element, no inline script (script-src above).
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- REST framework -------------------------------------------------------------------------------

REST_FRAMEWORK = {
    # A token first: a request with a wrong token then answers 401 (with WWW-Authenticate), not
    # 403. Without an Authorization header the browser session signs the request in.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "siex.accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: an endpoint is reachable only when it names the rule that admits a role.
    "DEFAULT_PERMISSION_CLASSES": ["siex.accounts.permissions.HasRulePermission"],
    # JSON only: the interactive documentation is the Swagger page (api/v1/docs/).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON bodies are read as SIEX reads a JSON file: NaN, 1e999 and nesting too deep are a 400.
    "DEFAULT_PARSER_CLASSES": [
        "siex.core.parsers.JsonDocumentParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Numbered pages for the small tables (the catalogue and areas use siex.core.api's, with a
    # page_size parameter); households and interventions page with a cursor
    # (siex.core.api.KeysetPagination) so that no list counts the register.
    "DEFAULT_PAGINATION_CLASS": "siex.core.pagination.NumberedPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "siex.core.api.SiexAutoSchema",
    "EXCEPTION_HANDLER": "siex.core.api.exception_handler",
    # Counted in the cache (Redis); when the cache is down, requests are let through unthrottled.
    "DEFAULT_THROTTLE_CLASSES": ["siex.core.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env.str("API_THROTTLE_RATE", default="600/minute")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SIEX API",
    "DESCRIPTION": (
        "Sociale investeringsexploitatie: households, interventions, catalogue, areas, "
        "scenarios and calculations."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["siex.accounts.permissions.IsSignedIn"],
    # Swagger UI from the installed drf-spectacular-sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ConfidenceGradeEnum": "interventions.catalogue.models.ConfidenceGrade",
        "ScenarioVersionStatusEnum": "calculation.models.VersionStatus",
        "ScenarioVersionKindEnum": "calculation.models.VersionKind",
        "ResultCellKindEnum": "calculation.results.cells.KIND_VALUES",
        "CalculationRunStatusEnum": "calculation.models.RunStatus",
    },
}

# --- Audit ----------------------------------------------------------------------------------------

AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False
# The access log records REMOTE_ADDR; behind a reverse proxy that appends the client's address to
# X-Forwarded-For, set this so the log records that address (the last one in the header) instead.
SIEX_TRUST_X_FORWARDED_FOR = env.bool("SIEX_TRUST_X_FORWARDED_FOR", default=False)

# --- Logging --------------------------------------------------------------------------------------

# Search texts and references in a query string are masked in every log line (the development
# server writes each request line with its query string); see siex/audit/log_filters.py. Gunicorn's
# access log leaves query strings out (gunicorn.conf.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"query_strings": {"()": "siex.audit.log_filters.QueryStringMaskFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["query_strings"],
        },
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["query_strings"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Django's default configuration gives the "django" logger a console handler of its own
        # when DEBUG is on; its records also reach the root handler, so each was printed twice.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
        },
    },
}
if CELERY_TASK_ALWAYS_EAGER:
    # Tasks run inside the command or request that sent them, which reports their outcome itself;
    # Celery's "Task ... succeeded in ..." line would only repeat it. Failures are still logged.
    LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}
