"""Retention's daily run in the process itself, where there is no Celery beat.

On the real stack Celery beat sends ``interventions.retention_apply`` once a day. The embedded
default has no beat; as for the check of calculation runs (``calculation/sweeping.py``), a request
starts the work in a background thread, so no page waits for it: at most once an hour a request
looks whether today's run happened, and runs it when it did not.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import connections
from django.utils import timezone

from .models import RetentionTrigger
from .selectors import retention_scheduled_run_on
from .services import retention_apply

logger = logging.getLogger("siex.retention")

#: Seconds between two looks at whether today's run happened.
CHECK_INTERVAL = 3600


class InProcessRetention:
    """Starts today's retention run in a thread of its own, at most one look per interval."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._due = 0.0
        self.thread: threading.Thread | None = None

    def start_if_due(self) -> bool:
        now = time.monotonic()
        with self._lock:
            if now < self._due or (self.thread is not None and self.thread.is_alive()):
                return False
            self._due = now + CHECK_INTERVAL
            self.thread = threading.Thread(target=self._run, name="siex-retention", daemon=True)
            self.thread.start()
            return True

    @staticmethod
    def _run() -> None:
        try:
            if not retention_scheduled_run_on(timezone.localdate()):
                retention_apply(trigger=RetentionTrigger.SCHEDULE)
        except Exception:
            logger.exception("The in-process retention run failed")
        finally:
            connections.close_all()


retention = InProcessRetention()


class InProcessRetentionMiddleware:
    """Active where SIEX_RETENTION_IN_PROCESS is on (the embedded default: tasks in-process)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SIEX_RETENTION_IN_PROCESS:
            retention.start_if_due()
        return self.get_response(request)
