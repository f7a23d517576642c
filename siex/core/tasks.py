"""Operational tasks."""

import os
import socket

from celery import shared_task
from django.db import connection


@shared_task(name="siex.ping", acks_late=False)
def ping(nonce: str) -> dict:
    """Answer from a worker with what it can see: proves broker, worker and database work together.

    The administrator's status page and the worker health check use it; it changes nothing.
    """
    from interventions.register.models import Household

    return {
        "nonce": nonce,
        "hostname": socket.gethostname(),
        "pid": os.getpid(),
        "database": connection.vendor,
        "households": Household.objects.count(),
    }
