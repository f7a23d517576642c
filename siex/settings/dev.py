"""Embedded default for a developer machine or a demo: DEBUG on, demo commands allowed.

Without DATABASE_URL and REDIS_URL this runs on SQLite with Celery tasks executed in-process.
bin/start writes random keys into .env; the fallbacks below only serve a bare ``manage.py`` call.
"""

import os

from . import _env  # noqa: F401  (reads .env before the defaults below)

os.environ.setdefault("DJANGO_DEBUG", "True")
os.environ.setdefault("SIEX_DEMO_ALLOWED", "True")
os.environ.setdefault(
    "DJANGO_STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage"
)

from .base import *  # noqa: E402,F403

if not SECRET_KEY:  # noqa: F405
    SECRET_KEY = "dev-only-insecure-key-run-bin-start-to-write-a-random-one"  # noqa: S105 - dev only
if not SIEX_PSEUDONYM_KEY:  # noqa: F405
    SIEX_PSEUDONYM_KEY = "dev-only-pseudonym-key-never-use-with-real-households"  # noqa: S105 - dev only
