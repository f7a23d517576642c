"""The check of an uploaded file as a job, one way for every import (the register's and the
indicator values'): idempotent and safe to receive twice. A record that is no longer being
checked is left alone; one redelivered after its worker died is tried again until
``max_attempts``; every failure is recorded on the record with a message for its user; progress
is written at most every ``progress_interval`` seconds; whatever the outcome, the uploaded file
is deleted.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

Progress = Callable[[float], None]


class CheckRefused(Exception):
    """The file cannot be checked as it is: ``messages`` say why (for its user)."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class UploadCheck:
    """What differs between the imports: the model of the uploaded record (with ``status``,
    ``attempts``, ``progress``, ``upload`` and ``uploaded_by``), its statuses, what the user must
    still be allowed, how a failure is stored, and the check itself, which returns the fields to
    store on the record (or raises CheckRefused)."""

    model: type[models.Model]
    checking: str
    checked: str
    deferred: tuple[str, ...]
    permission: str
    no_permission: str | Promise  # translated when the job runs
    record_failure: Callable[[int, list[str]], str]
    check: Callable[[Any, bytes, Any, Progress], dict[str, Any]]


def run_upload_check(
    spec: UploadCheck, pk: int, *, max_attempts: int, progress_interval: float
) -> str:
    """Check the uploaded file of record ``pk``; returns the record's status afterwards."""
    with transaction.atomic():
        record: Any = (
            spec.model._default_manager.select_for_update()
            .defer(*spec.deferred)
            .filter(pk=pk)
            .first()
        )
        if record is None or record.status != spec.checking:
            return record.status if record else "missing"
        if record.attempts >= max_attempts:
            return spec.record_failure(
                pk,
                [
                    _(
                        "The check stopped %(n)s times before it could finish. Upload the file "
                        "again; if that happens again, split the file or ask the administrator."
                    )
                    % {"n": record.attempts}
                ],
            )
        record.attempts += 1
        record.progress = 0
        record.save(update_fields=["attempts", "progress"])
    user = record.uploaded_by
    if user is None or not user.has_perm(spec.permission):
        return spec.record_failure(pk, [str(spec.no_permission)])
    checking = spec.model._default_manager.filter(pk=pk, status=spec.checking)
    data = bytes(spec.model._default_manager.values_list("upload", flat=True).get(pk=pk) or b"")
    last_write = [0.0]

    def progress(fraction: float) -> None:
        now = time.monotonic()
        if now - last_write[0] >= progress_interval:
            last_write[0] = now
            checking.update(progress=min(99, int(fraction * 100)))

    try:
        fields = spec.check(record, data, user, progress)
    except CheckRefused as refused:
        return spec.record_failure(pk, refused.messages)
    except SoftTimeLimitExceeded:
        return spec.record_failure(
            pk, [_("The check took too long. Split the file into smaller files and upload those.")]
        )
    except Exception:  # the job must record every failure, not only the expected ones
        logger.exception("The check of %s %s failed", spec.model._meta.model_name, pk)
        return spec.record_failure(
            pk,
            [
                _(
                    "The file could not be checked because of an error in SIEX. Upload it "
                    "again; if that happens again, ask the administrator."
                )
            ],
        )
    with transaction.atomic():
        updated = checking.update(status=spec.checked, progress=100, upload=None, **fields)
    return spec.checked if updated else spec.checking
