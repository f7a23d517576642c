"""The check of an uploaded indicator file, the body of the job
``monitoring.indicator_upload_check``: read and checked with ``indicator_values_check``; the
problems, or the checked values and what committing them would change, are written on the
upload."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _lazy

from monitoring.indicators.importing import MAX_PROBLEMS, ImportReport, indicator_values_check
from monitoring.indicators.models import ValueStatus
from siex.core.tabular.check_job import CheckRefused, UploadCheck, run_upload_check

from .models import IndicatorUpload, UploadStatus

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
    """The body of the check job (``siex.core.tabular.check_job``): the file is read and checked
    with ``indicator_values_check`` for the user who uploaded it, if they may still import."""
    return run_upload_check(
        _UPLOAD_CHECK,
        upload_id,
        max_attempts=MAX_CHECK_ATTEMPTS,
        progress_interval=PROGRESS_INTERVAL,
    )


def _checked_upload(upload: IndicatorUpload, data: bytes, user, progress) -> dict:
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
        raise CheckRefused(error.messages) from error
    return report_fields(report)


def _check_failed(upload_id: int, messages: list[str]) -> str:
    IndicatorUpload.objects.filter(pk=upload_id, status=UploadStatus.CHECKING).update(
        status=UploadStatus.FAILED,
        upload=None,
        values=[],
        error_count=len(messages),
        errors=[{"row": None, "column": "", "message": m} for m in messages][:MAX_PROBLEMS],
    )
    return UploadStatus.FAILED


_UPLOAD_CHECK = UploadCheck(
    model=IndicatorUpload,
    checking=UploadStatus.CHECKING,
    checked=UploadStatus.CHECKED,
    deferred=("upload", "values"),
    permission=IMPORT_PERMISSION,
    no_permission=_lazy("You may no longer import indicator values."),
    record_failure=_check_failed,
    check=_checked_upload,
)
