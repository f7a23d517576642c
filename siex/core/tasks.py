"""Operational tasks."""

import os
import socket
from collections.abc import Callable

from celery import shared_task
from django.db import connection

#: What a worker counts in the database when it answers a ping, to show that it reads the rows the
#: web process wrote: a name and a function that counts. The apps add theirs in their
#: ``AppConfig.ready`` (``ping_count_add``); ``siex.core`` knows none of their models.
PING_COUNTS: dict[str, Callable[[], int]] = {}


def ping_count_add(name: str, count: Callable[[], int]) -> None:
    PING_COUNTS[name] = count


@shared_task(name="siex.ping", acks_late=False)
def ping(nonce: str) -> dict:
    """Answer from a worker with what it can see: proves broker, worker and database work together.

    The administrator's status page and the worker health check use it; it changes nothing.
    """
    return {
        "nonce": nonce,
        "hostname": socket.gethostname(),
        "pid": os.getpid(),
        "database": connection.vendor,
        **{name: count() for name, count in PING_COUNTS.items()},
    }
