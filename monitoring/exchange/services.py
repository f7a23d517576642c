"""The upload of indicator files: store an upload and queue its check as a job
(``indicator_upload_start``; the job's body is ``checking.indicator_upload_check``), then commit
the checked values all or nothing (``indicator_upload_commit``) or discard them. The rules of the
file are those of ``monitoring.indicators.importing`` (``docs/indicator-import.md``)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring.indicators.importing import (
    ImportReport,
    PlannedValue,
    indicator_values_commit,
)
from siex.core.tabular.limits import check_size, file_type
from siex.core.tabular.workbook import check_workbook_archive
from siex.core.text import printable

from .checking import IMPORT_PERMISSION
from .models import IndicatorUpload, UploadStatus
from .selectors import indicator_upload_get
from .tasks import check_indicator_upload

CHECK_VALID_FOR = timedelta(hours=24)


def _require_permission(user) -> None:
    if user is None or not user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied


def _clean_file_name(file_name: str) -> str:
    return PurePath(printable(file_name or "").replace("\\", "/")).name[:255] or "upload"


def indicator_uploads_expire(*, now: datetime | None = None) -> int:
    """A check older than CHECK_VALID_FOR can no longer be committed (its values are dropped);
    a check that never ran (no worker took it) is given up after the same time."""
    now = now or timezone.now()
    old = IndicatorUpload.objects.filter(created_at__lt=now - CHECK_VALID_FOR)
    given_up = old.filter(status=UploadStatus.CHECKING).update(
        status=UploadStatus.FAILED,
        upload=None,
        error_count=1,
        errors=[
            {
                "row": None,
                "column": "",
                "message": str(gettext_lazy("The check did not run. Upload the file again.")),
            }
        ],
    )
    return given_up + old.filter(status=UploadStatus.CHECKED).update(
        status=UploadStatus.DISCARDED, values=[]
    )


def indicator_upload_start(
    *,
    data: bytes,
    file_name: str,
    user,
    period: int | None = None,
    source: str = "",
    provisional: bool = False,
) -> IndicatorUpload:
    """Store an upload as "being checked" and queue its check (the job
    ``monitoring.indicator_upload_check``), sent once the transaction commits. What is wrong with
    the file at once (size, type, an unreadable workbook) raises ImportFileError and stores
    nothing."""
    _require_permission(user)
    file_name = _clean_file_name(file_name)
    check_size(data)
    if file_type(data, file_name) == "xlsx":
        check_workbook_archive(data)
    indicator_uploads_expire()
    upload = IndicatorUpload.objects.create(
        uploaded_by=user,
        uploaded_by_username=user.get_username(),
        file_name=file_name,
        file_sha256=hashlib.sha256(data).hexdigest(),
        period=period,
        source=printable(source or "")[:300],
        provisional=provisional,
        status=UploadStatus.CHECKING,
        upload=data,
    )
    # The check writes its messages in the language of the uploader's page.
    language = translation.get_language()
    transaction.on_commit(lambda: check_indicator_upload.delay(upload.pk, language))
    return upload


def _report(upload: IndicatorUpload, values: list) -> ImportReport:
    return ImportReport(
        file_name=upload.file_name,
        file_sha256=upload.file_sha256,
        file_format=upload.file_format,
        period=upload.period,
        source=upload.source or upload.file_name,
        rows=upload.rows,
        values=[
            PlannedValue(
                row=row,
                indicator_id=indicator_id,
                area_id=area_id,
                period=period,
                value=None if value is None else Decimal(value),
                status=status,
                source=source,
            )
            for row, indicator_id, area_id, period, value, status, source in values
        ],
    )


def indicator_upload_commit(*, upload_id: int, user) -> IndicatorUpload:
    """Store the checked values of an upload in one transaction, all or none, counted against
    the values as they are now. Only once, only while the check is fresh. Raises
    IndicatorUpload.DoesNotExist for an unknown upload and
    ValidationError when it cannot be committed. A file whose values are all stored already
    is committed without changing anything."""
    _require_permission(user)
    with transaction.atomic():
        upload = indicator_upload_get(upload_id=upload_id, for_update=True)
        if upload.status == UploadStatus.COMMITTED:
            raise ValidationError(_("This file has already been committed."), code="committed")
        if upload.status == UploadStatus.DISCARDED:
            raise ValidationError(
                _("This check was discarded. Upload the file again."), code="discarded"
            )
        if upload.status == UploadStatus.CHECKING:
            raise ValidationError(
                _("The file is still being checked. Commit it when the check has finished."),
                code="checking",
            )
        if upload.check_failed:
            raise ValidationError(
                _("The file has problems. Correct them and upload the file again."),
                code="has_errors",
            )
        if upload.created_at < timezone.now() - CHECK_VALID_FOR:
            raise ValidationError(
                _("This check is more than %(hours)s hours old. Upload the file again.")
                % {"hours": int(CHECK_VALID_FOR.total_seconds() // 3600)},
                code="stale",
            )
        values = IndicatorUpload.objects.values_list("values", flat=True).get(pk=upload.pk)
        try:
            with transaction.atomic():
                result = indicator_values_commit(report=_report(upload, values), user=user)
        except IntegrityError as error:
            raise ValidationError(
                _(
                    "The indicators or areas changed while the file was being committed; nothing "
                    "was saved. Upload the file again."
                ),
                code="conflict",
            ) from error
        upload.status = UploadStatus.COMMITTED
        upload.committed_at = timezone.now()
        upload.value_import = result.batch
        upload.counts = {
            **upload.counts,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        }
        upload.values = []
        upload.save(update_fields=["status", "committed_at", "value_import", "counts", "values"])
    return upload


def indicator_upload_discard(*, upload_id: int, user) -> IndicatorUpload:
    """Drop a check that will not be committed (its checked values are deleted)."""
    _require_permission(user)
    with transaction.atomic():
        upload = indicator_upload_get(upload_id=upload_id, for_update=True)
        if upload.status != UploadStatus.CHECKED:
            raise ValidationError(
                _("Only a file that has not been committed can be discarded."), code="not_checked"
            )
        upload.status = UploadStatus.DISCARDED
        upload.values = []
        upload.save(update_fields=["status", "values"])
    return upload
