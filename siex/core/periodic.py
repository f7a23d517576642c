"""Periodic work in the process itself, where there is no Celery beat (the embedded default).

On the real stack Celery beat sends the periodic tasks to the workers. The embedded default has
neither: jobs run in the request that sends them. ``InProcessPeriodic`` does beat's work there:
at most once per interval a request starts the job in a background thread of its own, so no page
waits for it; a job still running is not started twice. Each app keeps a small middleware that
calls ``start_if_due`` where its setting says so (calculation/sweeping.py,
interventions/retention/in_process.py).
"""

import logging
import threading
import time
from collections.abc import Callable

from django.db import connections

logger = logging.getLogger(__name__)


class InProcessPeriodic:
    """``job`` in a thread named ``name``, at most once every ``interval()`` seconds."""

    def __init__(self, name: str, job: Callable[[], object], interval: Callable[[], float]):
        self.name = name
        self._job = job
        self._interval = interval
        self._lock = threading.Lock()
        self._due = 0.0
        self.thread: threading.Thread | None = None

    def start_if_due(self) -> bool:
        now = time.monotonic()
        with self._lock:
            if now < self._due or (self.thread is not None and self.thread.is_alive()):
                return False
            self._due = now + self._interval()
            self.thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self.thread.start()
            return True

    def _run(self) -> None:
        try:
            self._job()
        except Exception:
            logger.exception("The in-process job %s failed", self.name)
        finally:
            connections.close_all()
