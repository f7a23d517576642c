"""The check of runs whose worker went silent, in the process itself where there is no Celery beat.

On the real stack Celery beat sends ``calculation.sweep_runs`` to the workers every
SIEX_RUN_SWEEP_INTERVAL seconds. The embedded default has no beat and no worker: jobs run in the
request that sends them, and a run can still be left behind there (the development server
restarted or stopped halfway through a calculation). ``InProcessSweepMiddleware`` does beat's work
there (siex/core/periodic.py): at most once per interval a request starts the sweep in a background
thread, so no page waits for it (a run sent again is calculated in that thread, as a worker would).
"""

import logging

from django.conf import settings

from siex.core.periodic import InProcessPeriodic

from .services import run_sweep

logger = logging.getLogger(__name__)


def _sweep() -> None:
    done = run_sweep()
    if any(done.values()):
        logger.info("Runs left behind: %s", done)


def in_process_sweep() -> InProcessPeriodic:
    return InProcessPeriodic(
        "siex-run-sweep", _sweep, interval=lambda: settings.SIEX_RUN_SWEEP_INTERVAL
    )


sweep = in_process_sweep()


class InProcessSweepMiddleware:
    """Active where SIEX_RUN_SWEEP_IN_PROCESS is on (the embedded default: tasks in-process)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SIEX_RUN_SWEEP_IN_PROCESS:
            sweep.start_if_due()
        return self.get_response(request)
