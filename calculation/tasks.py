"""The calculation job (thin: the work is ``services.run_execute``)."""

from celery import shared_task


# The job's state and outcome live in its run row, so Celery keeps no result for it: sending it
# then needs the broker only, not the result store as well.
@shared_task(name="calculation.run", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_calculation(run_id: int) -> str:
    """Recalculate the scenario version of run ``run_id``; safe to deliver more than once."""
    from .services import run_execute

    return run_execute(run_id=run_id)
