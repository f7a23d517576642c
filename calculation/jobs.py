"""The calculation's Celery jobs by name, and how a service sends one.

The services send a job by its name and the tasks (``tasks.py``) call the services, so that
neither imports the other. The app registers the tasks when it is ready (``apps.py``).
"""

from __future__ import annotations

from celery import current_app

#: Recalculate the scenario version of one run (``tasks.run_calculation``).
RUN = "calculation.run"
#: Send again, or fail, every run whose worker went silent (``tasks.sweep_runs``, Celery beat).
SWEEP_RUNS = "calculation.sweep_runs"
#: Take a new snapshot of a run's participant returns (``tasks.refresh_participants``).
REFRESH_PARTICIPANTS = "calculation.refresh_participants"


def send(name: str, *args: int, countdown: float | None = None) -> None:
    """Send the job ``name`` (to be run ``countdown`` seconds from now, or at once): to the
    broker, or run it in this process where tasks run eagerly (the embedded default, without
    Redis). Raises kombu's OperationalError when the broker cannot be reached."""
    current_app.tasks[name].apply_async(args, countdown=countdown or 0)
