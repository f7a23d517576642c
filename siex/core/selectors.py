"""Reads for the system status."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from django.conf import settings
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
        answer = ping.apply_async(args=[nonce]).get(timeout=timeout)
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
