"""The daily retention job (Celery beat); thin: the work is in ``services``."""

from celery import shared_task

from .models import RetentionTrigger
from .services import retention_apply

#: The job's name, as the beat schedule in the settings names it.
RETENTION_APPLY = "interventions.retention_apply"


@shared_task(name=RETENTION_APPLY, ignore_result=True)
def retention_apply_task() -> dict[str, int]:
    """Anonymise or delete every household that is due; a second run finds none."""
    report = retention_apply(trigger=RetentionTrigger.SCHEDULE)
    return {
        "term_expired": report.term_expired,
        "consent_withdrawn": report.consent_withdrawn,
        "anonymised": report.anonymised,
        "deleted": report.deleted,
    }
