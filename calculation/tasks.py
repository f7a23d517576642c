"""The calculation jobs (thin: the work is in ``services``)."""

import logging
from datetime import date

from celery import shared_task
from django import db

from . import jobs
from .participants import presentation as participants
from .services import run_execute, run_sweep

logger = logging.getLogger(__name__)

#: A job that lost the database (restarted, or briefly unreachable) tries again this many times,
#: after 1, 2, 4, 8 and 16 seconds; after that the sweep of silent runs takes care of its run.
DATABASE_RETRIES = 5


# The job's state and outcome live in its run row, so Celery keeps no result for it: sending it
# then needs the broker only, not the result store as well.
@shared_task(
    bind=True, name=jobs.RUN, acks_late=True, reject_on_worker_lost=True, ignore_result=True
)
def run_calculation(self, run_id: int) -> str:
    """Recalculate the scenario version of run ``run_id``; safe to deliver more than once.

    A job the broker delivers again (the worker's process that had it died) or that is tried
    again (it lost the database) takes its run over at once: the execution that had it is gone.
    """
    delivery = self.request.delivery_info or {}
    take_over = bool(delivery.get("redelivered")) or self.request.retries > 0
    try:
        return run_execute(run_id=run_id, take_over=take_over)
    except (db.OperationalError, db.InterfaceError) as error:
        logger.warning("Calculation run %s lost the database (%s); trying again", run_id, error)
        raise self.retry(
            exc=error, countdown=2**self.request.retries, max_retries=DATABASE_RETRIES
        ) from error


@shared_task(name=jobs.SWEEP_RUNS, ignore_result=True)
def sweep_runs() -> dict[str, int]:
    """Send again, or fail with a reason, every run whose worker went silent (Celery beat)."""
    return run_sweep()


@shared_task(name=jobs.REFRESH_PARTICIPANTS, ignore_result=True)
def refresh_participants(version_id: int, run_id: int, reference: int) -> None:
    """Take a new snapshot of run ``run_id``'s participant returns at the reference date (as its
    ordinal), for the pages that showed an older one, and work out the page as first opened."""
    participants.renew(version_id=version_id, run_id=run_id, reference=date.fromordinal(reference))
