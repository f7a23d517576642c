"""SIEX's Celery app for the fault tests, with a calculation that misbehaves for the scenarios
whose code begins so: "poison-crash" kills the process that calculates it (as running out of
memory would), "poison-raise" raises. Every other scenario is calculated as usual, each step of
its progress (about 55 in a run) taking SIEX_TEST_STEP_SECONDS longer when that is set: a run of
100,000 draws calculates in about half a second, too short for a test to see it calculating and
hit it with a fault before it ends; with 0.04 it lasts two to three seconds, on any machine.

Start a worker on it with ``tests.worker.start_worker(app="tests.faulty_app")``.
"""

import os
import signal
import time

from celery import signals

from siex.celery import app

__all__ = ["app"]


@signals.task_prerun.connect
def _poison_the_calculation(**kwargs) -> None:
    """Wrap the calculation once, in the process that runs the jobs (after Django is set up)."""
    from calculation import services

    if getattr(services.calculate_document, "poisoned", False):
        return
    calculate = services.calculate_document

    def calculate_or_misbehave(document, *, registered, progress):
        if document.get("code", "").startswith("poison-crash"):
            os.kill(os.getpid(), signal.SIGKILL)
        if document.get("code", "").startswith("poison-raise"):
            raise RuntimeError("this scenario always breaks the calculation")
        return calculate(document, registered=registered, progress=_paced(progress))

    calculate_or_misbehave.poisoned = True  # type: ignore[attr-defined]
    services.calculate_document = calculate_or_misbehave


def _paced(progress):
    """``progress``, each step then waiting SIEX_TEST_STEP_SECONDS (when set) before the
    calculation goes on: a longer calculation."""
    step = float(os.environ.get("SIEX_TEST_STEP_SECONDS") or 0)
    if step <= 0:
        return progress

    def paced(fraction: float, name: str) -> None:
        progress(fraction, name)
        time.sleep(step)

    return paced
