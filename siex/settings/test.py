"""Defaults for the test suite: fast password hashing, fixed keys, no login throttling by default.

DATABASE_URL and REDIS_URL still decide where the tests run (bin/test points them at the local
PostgreSQL and Redis when they answer, as CI does).
"""

import os

from . import _env  # noqa: F401  (reads .env before the defaults below)

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
)
os.environ.setdefault("SIEX_PSEUDONYM_KEY", "test-only-pseudonym-key")
os.environ.setdefault("SIEX_DEMO_ALLOWED", "True")
os.environ.setdefault(
    "DJANGO_STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage"
)

from .base import *  # noqa: E402,F403
from .base import EMBEDDED_BROKER_URL, REDIS_URL  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests that exercise throttling switch it back on with override_settings.
AXES_ENABLED = False
# Tasks run in-process in the test suite; the worker tests start a real worker against REDIS_URL
# (SIEX_TEST_WORKER), which sends its own jobs (the sweep sending a run again) through the broker.
CELERY_TASK_ALWAYS_EAGER = not env.bool("SIEX_TEST_WORKER", default=False)  # noqa: F405
# No background thread checks runs behind the tests' back; the test of that check switches it on.
SIEX_RUN_SWEEP_IN_PROCESS = False
# Nor does one run retention; the test of that switches it on.
SIEX_RETENTION_IN_PROCESS = False
CELERY_BROKER_URL = REDIS_URL or EMBEDDED_BROKER_URL
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405
# Serve static files straight from the finders: the suite never runs collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Assertions read English messages (the msgids); tests of the Dutch UI switch back explicitly.
LANGUAGE_CODE = "en"
