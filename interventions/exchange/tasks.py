"""The jobs of the register import (thin: the work is done in ``checking``)."""

from celery import shared_task
from django.conf import settings
from django.utils import translation

from .checking import import_batch_check


@shared_task(name="interventions.import_check", acks_late=True, reject_on_worker_lost=True)
def check_import_batch(batch_id: int, language: str | None = None) -> str:
    """Check the file of import batch ``batch_id`` (dry run), with its messages in ``language``
    (that of the officer's page); safe to deliver more than once."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return import_batch_check(batch_id=batch_id)
