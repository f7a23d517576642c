"""SIEX's Celery app for the fault tests, with a calculation that misbehaves for the scenarios
whose code begins so: "poison-crash" kills the process that calculates it (as running out of
memory would), "poison-raise" raises. Every other scenario is calculated as usual.

Start a worker on it with ``tests.worker.start_worker(app="tests.faulty_app")``.
"""

import os
import signal

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
        return calculate(document, registered=registered, progress=progress)

    calculate_or_misbehave.poisoned = True  # type: ignore[attr-defined]
    services.calculate_document = calculate_or_misbehave
