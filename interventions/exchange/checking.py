"""The check of an uploaded file (the dry run): read and checked against the register, as a job
(``import_batch_check``, the body of ``interventions.import_check``) or in one go for a preview."""

from __future__ import annotations

import logging
import time

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.utils.translation import gettext as _

from .columns import COLUMN_OF_FIELD, KINDS
from .models import ImportBatch, ImportBatchStatus
from .planning import plan_import
from .problems import (
    MAX_ERRORS_SHOWN,
    ImportFileError,
    file_problem,
    problems_for_storage,
)
from .reading import no_progress, parse_file

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.5  # seconds, at least, between two progress updates of a batch
READ_SHARE = 0.8  # the share of a check's time that reading the file takes
#: A check redelivered after its worker died is tried at most this many times in all.
MAX_CHECK_ATTEMPTS = 3
CHANGE_PERMISSION = "interventions.change_household_data"


def checked_file(*, data: bytes, file_name: str, user, progress=no_progress) -> dict:
    """Read and check the file against the register: the fields of its batch (kinds, counts,
    problems and, when there are none, the checked rows kept for the commit). A problem with
    the file as a whole raises ImportFileError. ``progress`` hears the share done (0 to 1):
    reading the file takes most of the time, checking it against the register the rest."""
    parsed = parse_file(
        data=data, file_name=file_name, progress=lambda done: progress(done * READ_SHARE)
    )
    progress(READ_SHARE)
    problems = list(parsed.problems)
    rows = parsed.rows
    plan = plan_import(
        rows=rows,
        sheets=parsed.sheets,
        user=user,
        refused_households=parsed.refused_households,
        absent=parsed.absent,
    )
    problems.extend(plan.problems)
    counts = {
        kind: {
            **plan.counts.get(kind, {}),
            "sheet": parsed.sheets[kind],
            "absent": [COLUMN_OF_FIELD[kind][name] for name in parsed.absent.get(kind, ())],
        }
        for kind in KINDS
        if kind in parsed.sheets
    }
    for kind, kind_counts in counts.items():
        kind_counts["rows"] = len(rows.get(kind, ())) + len(
            {p.row for p in parsed.problems if p.kind == kind}
        )
    return {
        "kinds": [kind for kind in KINDS if kind in parsed.sheets],
        "counts": counts,
        "error_count": len(problems),
        "errors": problems_for_storage(problems),
        "rows": {"sheets": parsed.sheets, "absent": parsed.absent, **rows} if not problems else {},
    }


def import_batch_check(*, batch_id: int) -> str:
    """The body of the check job: idempotent, safe to receive twice. A batch that is no longer
    being checked is left alone; one redelivered after its worker died is tried again until
    MAX_CHECK_ATTEMPTS. Whatever the outcome, the uploaded file is deleted."""
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update()
            .defer("upload", "rows")
            .filter(pk=batch_id)
            .first()
        )
        if batch is None or batch.status != ImportBatchStatus.CHECKING:
            return batch.status if batch else "missing"
        if batch.attempts >= MAX_CHECK_ATTEMPTS:
            return _check_failed(
                batch_id,
                [
                    _(
                        "The check stopped %(n)s times before it could finish. Upload the file "
                        "again; if that happens again, split the file or ask the administrator."
                    )
                    % {"n": batch.attempts}
                ],
            )
        batch.attempts += 1
        batch.progress = 0
        batch.save(update_fields=["attempts", "progress"])
    user = batch.uploaded_by
    if user is None or not user.has_perm(CHANGE_PERMISSION):
        return _check_failed(batch_id, [_("You may no longer import into the register.")])
    data = bytes(ImportBatch.objects.values_list("upload", flat=True).get(pk=batch_id) or b"")
    last_write = [0.0]

    def progress(fraction: float) -> None:
        now = time.monotonic()
        if now - last_write[0] >= PROGRESS_INTERVAL:
            last_write[0] = now
            ImportBatch.objects.filter(pk=batch_id, status=ImportBatchStatus.CHECKING).update(
                progress=min(99, int(fraction * 100))
            )

    try:
        checked = checked_file(data=data, file_name=batch.file_name, user=user, progress=progress)
    except ImportFileError as error:
        return _check_failed(batch_id, error.messages)
    except SoftTimeLimitExceeded:
        return _check_failed(
            batch_id,
            [_("The check took too long. Split the file into smaller files and upload those.")],
        )
    except Exception:  # the job must record every failure, not only the expected ones
        logger.exception("The check of import batch %s failed", batch_id)
        return _check_failed(
            batch_id,
            [
                _(
                    "The file could not be checked because of an error in SIEX. Upload it "
                    "again; if that happens again, ask the administrator."
                )
            ],
        )
    with transaction.atomic():
        updated = ImportBatch.objects.filter(pk=batch_id, status=ImportBatchStatus.CHECKING).update(
            status=ImportBatchStatus.PREVIEWED, progress=100, upload=None, **checked
        )
    return ImportBatchStatus.PREVIEWED if updated else ImportBatchStatus.CHECKING


def _check_failed(batch_id: int, messages: list[str]) -> str:
    ImportBatch.objects.filter(pk=batch_id, status=ImportBatchStatus.CHECKING).update(
        status=ImportBatchStatus.FAILED,
        upload=None,
        rows={},
        error_count=len(messages),
        errors=[file_problem(message) for message in messages][:MAX_ERRORS_SHOWN],
    )
    return ImportBatchStatus.FAILED
