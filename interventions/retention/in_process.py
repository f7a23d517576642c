"""Retention's daily run in the process itself, where there is no Celery beat.

On the real stack Celery beat sends ``interventions.retention_apply`` once a day. The embedded
default has no beat; as for the check of calculation runs (siex/core/periodic.py), a request
starts the work in a background thread, so no page waits for it: at most once an hour a request
looks whether today's run happened, and runs it when it did not.
"""

from django.conf import settings
from django.utils import timezone

from siex.core.periodic import InProcessPeriodic

from .models import RetentionTrigger
from .selectors import retention_scheduled_run_on
from .services import retention_apply

#: Seconds between two looks at whether today's run happened.
CHECK_INTERVAL = 3600


def _run_today() -> None:
    if not retention_scheduled_run_on(timezone.localdate()):
        retention_apply(trigger=RetentionTrigger.SCHEDULE)


def in_process_retention() -> InProcessPeriodic:
    """Today's retention run in a thread of its own, at most one look per interval."""
    return InProcessPeriodic("siex-retention", _run_today, interval=lambda: CHECK_INTERVAL)


retention = in_process_retention()


class InProcessRetentionMiddleware:
    """Active where SIEX_RETENTION_IN_PROCESS is on (the embedded default: tasks in-process)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SIEX_RETENTION_IN_PROCESS:
            retention.start_if_due()
        return self.get_response(request)
