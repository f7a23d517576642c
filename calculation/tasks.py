"""The calculation jobs (thin: the work is in ``services``)."""

from celery import shared_task

from . import jobs
from .services import run_execute, run_sweep


# The job's state and outcome live in its run row, so Celery keeps no result for it: sending it
# then needs the broker only, not the result store as well.
@shared_task(name=jobs.RUN, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_calculation(run_id: int) -> str:
    """Recalculate the scenario version of run ``run_id``; safe to deliver more than once."""
    return run_execute(run_id=run_id)


@shared_task(name=jobs.SWEEP_RUNS, ignore_result=True)
def sweep_runs() -> dict[str, int]:
    """Send again, or fail with a reason, every run whose worker went silent (Celery beat)."""
    return run_sweep()
