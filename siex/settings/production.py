"""Production defaults: DEBUG off and HTTPS everywhere; keys must come from the environment.

``python manage.py check --deploy`` with these settings reports no warnings. A local run of the
docker-compose stack over plain HTTP switches the HTTPS-only settings off explicitly.
"""

import os

from . import _env  # noqa: F401  (reads .env before the defaults below)

os.environ.setdefault("DJANGO_DEBUG", "False")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "True")
os.environ.setdefault("DJANGO_SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365))
os.environ.setdefault("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", "True")
os.environ.setdefault("DJANGO_SECURE_HSTS_PRELOAD", "True")
os.environ.setdefault("DJANGO_SESSION_COOKIE_SECURE", "True")
os.environ.setdefault("DJANGO_CSRF_COOKIE_SECURE", "True")
# Demo users with printed passwords never exist in production.
os.environ["SIEX_DEMO_ALLOWED"] = "False"

from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from .base import *  # noqa: E402,F403

if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (a long random string).")
if not SIEX_PSEUDONYM_KEY:  # noqa: F405
    raise ImproperlyConfigured(
        "Set SIEX_PSEUDONYM_KEY: the key of the household pseudonyms, kept outside the database."
    )
