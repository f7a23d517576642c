"""The check of an uploaded indicator file, the body of the job
``monitoring.indicator_upload_check``: read and checked with ``indicator_values_check``; the
problems, or the checked values and what committing them would change, are written on the
upload."""

from __future__ import annotations

import logging
import time

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from monitoring.indicators.importing import MAX_PROBLEMS, ImportReport, indicator_values_check
from monitoring.indicators.models import ValueStatus

from .models import IndicatorUpload, UploadStatus

logger = logging.getLogger(__name__)

IMPORT_PERMISSION = "monitoring.import_indicator_values"
PROGRESS_INTERVAL = 0.5  # seconds, at least, between two progress updates of an upload
#: A check redelivered after its worker died is tried at most this many times in all.
MAX_CHECK_ATTEMPTS = 3


def report_fields(report: ImportReport) -> dict:
    """What the upload keeps of a check: counts and problems, and the values when it has none."""
    return {
        "file_format": report.file_format,
        "rows": report.rows,
        "counts": {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "withheld": report.withheld,
            "values": len(report.values),
        },
        "error_count": len(report.problems),
        "errors": [
            {"row": problem.row, "column": problem.column or "", "message": problem.message}
            for problem in report.problems[:MAX_PROBLEMS]
        ],
        "values": [
            [v.row, v.indicator_id, v.area_id, v.period, _decimal_text(v.value), v.status, v.source]
            for v in report.values
        ]
        if report.ok
        else [],
    }


def _decimal_text(value) -> str | None:
    return None if value is None else str(value)


def indicator_upload_check(*, upload_id: int) -> str:
    """The body of the check job: idempotent, safe to receive twice. An upload that is no longer
    being checked is left alone; one redelivered after its worker died is tried again until
    MAX_CHECK_ATTEMPTS. Whatever the outcome, the uploaded file is deleted."""
    with transaction.atomic():
        upload = (
            IndicatorUpload.objects.select_for_update()
            .defer("upload", "values")
            .filter(pk=upload_id)
            .first()
        )
        if upload is None or upload.status != UploadStatus.CHECKING:
            return upload.status if upload else "missing"
        if upload.attempts >= MAX_CHECK_ATTEMPTS:
            return _check_failed(
                upload_id,
                [
                    _(
                        "The check stopped %(n)s times before it could finish. Upload the file "
                        "again; if that happens again, split the file or ask the administrator."
                    )
                    % {"n": upload.attempts}
                ],
            )
        upload.attempts += 1
        upload.progress = 0
        upload.save(update_fields=["attempts", "progress"])
    user = upload.uploaded_by
    if user is None or not user.has_perm(IMPORT_PERMISSION):
        return _check_failed(upload_id, [_("You may no longer import indicator values.")])
    data = bytes(IndicatorUpload.objects.values_list("upload", flat=True).get(pk=upload_id) or b"")
    last_write = [0.0]

    def progress(fraction: float) -> None:
        now = time.monotonic()
        if now - last_write[0] >= PROGRESS_INTERVAL:
            last_write[0] = now
            IndicatorUpload.objects.filter(pk=upload_id, status=UploadStatus.CHECKING).update(
                progress=min(99, int(fraction * 100))
            )

    try:
        report = indicator_values_check(
            data=data,
            file_name=upload.file_name,
            period=upload.period,
            source=upload.source or upload.file_name,
            status=ValueStatus.PROVISIONAL if upload.provisional else ValueStatus.FINAL,
            progress=progress,
        )
    except ValidationError as error:
        return _check_failed(upload_id, error.messages)
    except SoftTimeLimitExceeded:
        return _check_failed(
            upload_id,
            [_("The check took too long. Split the file into smaller files and upload those.")],
        )
    except Exception:  # the job must record every failure, not only the expected ones
        logger.exception("The check of indicator upload %s failed", upload_id)
        return _check_failed(
            upload_id,
            [
                _(
                    "The file could not be checked because of an error in SIEX. Upload it "
                    "again; if that happens again, ask the administrator."
                )
            ],
        )
    updated = IndicatorUpload.objects.filter(pk=upload_id, status=UploadStatus.CHECKING).update(
        status=UploadStatus.CHECKED, progress=100, upload=None, **report_fields(report)
    )
    return UploadStatus.CHECKED if updated else UploadStatus.CHECKING


def _check_failed(upload_id: int, messages: list[str]) -> str:
    IndicatorUpload.objects.filter(pk=upload_id, status=UploadStatus.CHECKING).update(
        status=UploadStatus.FAILED,
        upload=None,
        values=[],
        error_count=len(messages),
        errors=[{"row": None, "column": "", "message": m} for m in messages][:MAX_PROBLEMS],
    )
    return UploadStatus.FAILED
