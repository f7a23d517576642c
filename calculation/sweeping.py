"""The check of runs whose worker went silent, in the process itself where there is no Celery beat.

On the real stack Celery beat sends ``calculation.sweep_runs`` to the workers every
SIEX_RUN_SWEEP_INTERVAL seconds. The embedded default has no beat and no worker: jobs run in the
request that sends them, and a run can still be left behind there (the development server
restarted or stopped halfway through a calculation). ``InProcessSweepMiddleware`` does beat's work
there: at most once per interval, a request starts the sweep in a background thread, so no page
waits for it (a run sent again is calculated in that thread, as a worker would).
"""

import logging
import threading
import time

from django.conf import settings
from django.db import connections

from .services import run_sweep

logger = logging.getLogger(__name__)


class InProcessSweep:
    """Starts ``run_sweep`` in a thread of its own, at most once per interval."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._due = 0.0
        self.thread: threading.Thread | None = None

    def start_if_due(self) -> bool:
        now = time.monotonic()
        with self._lock:
            if now < self._due or (self.thread is not None and self.thread.is_alive()):
                return False
            self._due = now + settings.SIEX_RUN_SWEEP_INTERVAL
            self.thread = threading.Thread(target=self._sweep, name="siex-run-sweep", daemon=True)
            self.thread.start()
            return True

    @staticmethod
    def _sweep() -> None:
        try:
            done = run_sweep()
            if any(done.values()):
                logger.info("Runs left behind: %s", done)
        except Exception:
            logger.exception("The in-process check of calculation runs failed")
        finally:
            connections.close_all()


sweep = InProcessSweep()


class InProcessSweepMiddleware:
    """Active where SIEX_RUN_SWEEP_IN_PROCESS is on (the embedded default: tasks in-process)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SIEX_RUN_SWEEP_IN_PROCESS:
            sweep.start_if_due()
        return self.get_response(request)
