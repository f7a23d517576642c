"""The job of the indicator file upload (thin: the work is done in ``checking``)."""

from celery import shared_task
from django.conf import settings
from django.utils import translation

from .checking import indicator_upload_check


@shared_task(name="monitoring.indicator_upload_check", acks_late=True, reject_on_worker_lost=True)
def check_indicator_upload(upload_id: int, language: str | None = None) -> str:
    """Check the file of upload ``upload_id`` (nothing is stored), with its messages in
    ``language`` (that of the uploader's page); safe to deliver more than once."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return indicator_upload_check(upload_id=upload_id)
