"""Reads for the system status."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def database_check() -> Check:
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:  # noqa: BLE001 - any failure is what the page must show
        return Check("database", False, str(error))
    detail = f"{connection.vendor} {connection.settings_dict.get('NAME')}"
    if pending:
        return Check(
            "database",
            False,
            _("%(detail)s: %(n)s migrations not applied") % {"detail": detail, "n": len(pending)},
        )
    return Check("database", True, detail)


# The static files every page links to (templates/base.html). When one cannot be found, every
# page fails, however well the database answers.
PAGE_STATIC_FILES = ("css/siex.css", "vendor/htmx/htmx.min.js", "img/favicon.svg")


def static_files_check() -> Check:
    """Whether the pages can link their static files.

    Under the production storage the pages link hashed names from the manifest that
    ``collectstatic`` writes; without it every page answers 500 (the manifest is read when the
    process starts, so collectstatic needs a restart after it). Without the finders (DEBUG off)
    the files are served from ``STATIC_ROOT``, so they must be there too.
    """
    served_from_sources = getattr(settings, "WHITENOISE_USE_FINDERS", settings.DEBUG)
    for name in PAGE_STATIC_FILES:
        try:
            staticfiles_storage.url(name)  # what {% static %} does on every page
            if served_from_sources:
                continue
            stored = (
                staticfiles_storage.stored_name(name)
                if isinstance(staticfiles_storage, ManifestFilesMixin)
                else name
            )
        except ValueError:
            return Check(
                "static files",
                False,
                _(
                    "%(name)s is not among the collected static files: run manage.py "
                    "collectstatic, then restart the application"
                )
                % {"name": name},
            )
        if not staticfiles_storage.exists(stored):
            return Check(
                "static files",
                False,
                _("%(name)s is missing from %(folder)s: run manage.py collectstatic")
                % {"name": name, "folder": settings.STATIC_ROOT},
            )
    if served_from_sources:
        return Check("static files", True, _("served from the source folders"))
    return Check("static files", True, str(settings.STATIC_ROOT))


def broker_check() -> Check:
    if settings.EMBEDDED:
        return Check("broker", True, _("embedded: tasks run in the web process"))
    try:
        import redis

        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2)
        client.ping()
    except Exception as error:  # noqa: BLE001
        return Check("broker", False, str(error))
    return Check("broker", True, settings.CELERY_BROKER_URL.split("@")[-1])


def worker_check(timeout: float = 3.0) -> Check:
    """Send a ping task through the broker and wait for a worker to answer."""
    from siex.core.tasks import ping

    nonce = uuid.uuid4().hex
    started = time.monotonic()
    try:
        answer = ping.apply_async(args=(nonce,)).get(timeout=timeout)
    except Exception as error:  # noqa: BLE001
        return Check(
            "worker",
            False,
            _("no answer within %(seconds)s s (%(error)s)")
            % {"seconds": f"{timeout:.0f}", "error": type(error).__name__},
        )
    elapsed = (time.monotonic() - started) * 1000
    if answer.get("nonce") != nonce:
        return Check("worker", False, _("answer to another request"))
    return Check(
        "worker",
        True,
        _("%(host)s (pid %(pid)s) answered in %(ms)s ms")
        % {"host": answer["hostname"], "pid": answer["pid"], "ms": f"{elapsed:.0f}"},
    )
