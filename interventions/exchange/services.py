"""Bulk import of households and interventions from the spreadsheets policy officers keep (CSV or
XLSX): check a file into a dry-run preview, as a job (``import_batch_start``, then the job's
``checking.import_batch_check``) or in one go (``import_batch_preview``), then write it in one
transaction, all rows or none (``import_batch_commit``). A file is bounded (size, rows, columns,
unpacked size) before it is read in full.

Rows are matched on the pseudonym of the municipality's own reference (households) and on
household, intervention and start date (interventions), so importing the same file twice changes
nothing. The raw reference is never shown or logged, and never stored beyond the uploaded file,
which its batch keeps only until the check has ended. Every row is checked with the models' own
``clean_fields()`` and ``clean()``, the rules the forms and the API use, on unsaved instances and
without a query per row. The file format is documented in ``docs/register-import.md``.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from interventions.register.models import Household, Intervention
from siex.core.statistics import LARGE_WRITE, tables_analyse
from siex.core.text import printable

from .checking import CHANGE_PERMISSION, checked_file
from .models import ImportBatch, ImportBatchStatus
from .planning import plan_import
from .problems import file_problem, problems_for_storage
from .reading import check_size, file_type
from .selectors import import_batch_for
from .sheets import csv_tables
from .tasks import check_import_batch
from .workbooks import check_workbook_archive
from .writing import plan_write

PREVIEW_VALID_FOR = timedelta(hours=24)


def _require_change_permission(user) -> None:
    if user is None or not user.has_perm(CHANGE_PERMISSION):
        raise PermissionDenied


def import_batches_expire(*, now: datetime | None = None) -> int:
    """Previews older than PREVIEW_VALID_FOR can no longer be committed: their checked rows are
    dropped (they hold pseudonymised register data that no longer needs to be kept). A check that
    never ran (no worker took it) is given up after the same time, and its file deleted."""
    now = now or timezone.now()
    old = ImportBatch.objects.filter(created_at__lt=now - PREVIEW_VALID_FOR)
    given_up = old.filter(status=ImportBatchStatus.CHECKING).update(
        status=ImportBatchStatus.FAILED,
        upload=None,
        error_count=1,
        errors=[file_problem(gettext_lazy("The check did not run. Upload the file again."))],
    )
    return given_up + old.filter(status=ImportBatchStatus.PREVIEWED).update(
        status=ImportBatchStatus.DISCARDED, rows={}
    )


def _clean_file_name(file_name: str) -> str:
    return PurePath(printable(file_name or "").replace("\\", "/")).name[:255] or "upload"


def import_batch_preview(*, data: bytes, file_name: str, user) -> ImportBatch:
    """Dry run in one go (the check a job runs, for scripts and tests): read and check the file
    against the register and keep the checked, pseudonymised rows for the commit. A problem with
    the file as a whole raises ImportFileError and stores nothing; problems in rows are listed on
    the batch (which then cannot be committed)."""
    _require_change_permission(user)
    file_name = _clean_file_name(file_name)
    checked = checked_file(data=data, file_name=file_name, user=user)
    import_batches_expire()
    return ImportBatch.objects.create(
        uploaded_by=user,
        uploaded_by_username=user.get_username(),
        file_name=file_name,
        file_sha256=hashlib.sha256(data).hexdigest(),
        **checked,
    )


def import_file_precheck(*, data: bytes, file_name: str) -> None:
    """What can be said of an upload at once, before it is stored to be checked: its size and
    type, a CSV file's encoding and column names, a workbook's unpacked size. Bounded work (no
    rows are read); raises ImportFileError."""
    check_size(data)
    if file_type(data, file_name) == "xlsx":
        check_workbook_archive(data)
    else:
        csv_tables(data, file_name)


def import_batch_start(*, data: bytes, file_name: str, user) -> ImportBatch:
    """Store an upload as a batch "being checked" and queue its check (``import_batch_check``,
    the job ``interventions.import_check``), sent once the transaction commits. The file is kept
    in the batch only until the check ends. Raises ImportFileError, storing nothing, for what
    ``import_file_precheck`` finds at once."""
    _require_change_permission(user)
    file_name = _clean_file_name(file_name)
    import_file_precheck(data=data, file_name=file_name)
    import_batches_expire()
    batch = ImportBatch.objects.create(
        uploaded_by=user,
        uploaded_by_username=user.get_username(),
        file_name=file_name,
        file_sha256=hashlib.sha256(data).hexdigest(),
        status=ImportBatchStatus.CHECKING,
        upload=data,
    )
    # The check writes its messages in the language of the officer's page.
    language = translation.get_language()
    transaction.on_commit(lambda: check_import_batch.delay(batch.pk, language))
    return batch


def import_batch_commit(*, batch_id: int, user) -> ImportBatch:
    """Write a previewed batch: checked again against the register as it is now, then written in
    one transaction, all rows or none. Only the user who uploaded it, only once, only while the
    preview is fresh. Raises ImportBatch.DoesNotExist for an unknown or another user's batch and
    ValidationError when the batch cannot be committed; when rows have become invalid since the
    preview, nothing is written and the batch lists the new problems."""
    _require_change_permission(user)
    with transaction.atomic():
        batch = import_batch_for(batch_id=batch_id, user=user, for_update=True)
        if batch.status == ImportBatchStatus.COMMITTED:
            raise ValidationError(_("This file has already been imported."), code="committed")
        if batch.status == ImportBatchStatus.DISCARDED:
            raise ValidationError(
                _("This check was discarded. Upload the file again."), code="discarded"
            )
        if batch.status == ImportBatchStatus.CHECKING:
            raise ValidationError(
                _("The file is still being checked. Import it when the check has finished."),
                code="checking",
            )
        if batch.created_at < timezone.now() - PREVIEW_VALID_FOR:
            raise ValidationError(
                _(
                    "This check is more than %(hours)s hours old. Upload the file again, so it "
                    "is checked against the register as it is now."
                )
                % {"hours": int(PREVIEW_VALID_FOR.total_seconds() // 3600)},
                code="stale",
            )
        if batch.error_count:
            raise ValidationError(
                _("The file has problems. Correct them and upload the file again."),
                code="has_errors",
            )
        stored = ImportBatch.objects.values_list("rows", flat=True).get(pk=batch.pk)
        sheets = stored.pop("sheets", {})
        absent = stored.pop("absent", {})
        plan = plan_import(rows=stored, sheets=sheets, user=user, lock=True, absent=absent)
        if plan.problems:
            # Something changed in the register since the preview: nothing is written.
            batch.error_count = len(plan.problems)
            batch.errors = problems_for_storage(plan.problems)
            batch.rows = {}
            batch.save(update_fields=["error_count", "errors", "rows"])
            return batch
        now = timezone.now()
        try:
            with transaction.atomic():
                plan_write(plan, batch=batch, user=user, now=now)
        except IntegrityError as error:
            raise ValidationError(
                _(
                    "The register changed while the file was being imported; nothing was saved. "
                    "Upload the file again."
                ),
                code="conflict",
            ) from error
        batch.status = ImportBatchStatus.COMMITTED
        batch.committed_at = now
        batch.counts = {
            kind: {**batch.counts.get(kind, {}), **plan.counts.get(kind, {})}
            for kind in batch.kinds
        }
        batch.rows = {}
        batch.save(update_fields=["status", "committed_at", "counts", "rows"])
        written = sum(
            counts.get("new", 0) + counts.get("changed", 0) for counts in plan.counts.values()
        )
        if written >= LARGE_WRITE:
            tables_analyse(Household, Intervention)
    return batch


def import_batch_discard(*, batch_id: int, user) -> ImportBatch:
    """Drop a preview that will not be imported (its checked rows are deleted)."""
    _require_change_permission(user)
    with transaction.atomic():
        batch = import_batch_for(batch_id=batch_id, user=user, for_update=True)
        if batch.status != ImportBatchStatus.PREVIEWED:
            raise ValidationError(
                _("Only a file that has not been imported can be discarded."), code="not_preview"
            )
        batch.status = ImportBatchStatus.DISCARDED
        batch.rows = {}
        batch.save(update_fields=["status", "rows"])
    return batch
