"""The check of an uploaded file (the dry run): read and checked against the register, as a job
(``import_batch_check``, the body of ``interventions.import_check``) or in one go for a preview."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _lazy

from siex.core.tabular.check_job import CheckRefused, UploadCheck, run_upload_check

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
    """The body of the check job (``siex.core.tabular.check_job``): the file is checked against
    the register for the officer who uploaded it, if they may still import."""
    return run_upload_check(
        _BATCH_CHECK,
        batch_id,
        max_attempts=MAX_CHECK_ATTEMPTS,
        progress_interval=PROGRESS_INTERVAL,
    )


def _checked_batch(batch: ImportBatch, data: bytes, user, progress) -> dict:
    try:
        return checked_file(data=data, file_name=batch.file_name, user=user, progress=progress)
    except ImportFileError as error:
        raise CheckRefused(error.messages) from error


def _check_failed(batch_id: int, messages: list[str]) -> str:
    ImportBatch.objects.filter(pk=batch_id, status=ImportBatchStatus.CHECKING).update(
        status=ImportBatchStatus.FAILED,
        upload=None,
        rows={},
        error_count=len(messages),
        errors=[file_problem(message) for message in messages][:MAX_ERRORS_SHOWN],
    )
    return ImportBatchStatus.FAILED


_BATCH_CHECK = UploadCheck(
    model=ImportBatch,
    checking=ImportBatchStatus.CHECKING,
    checked=ImportBatchStatus.PREVIEWED,
    deferred=("upload", "rows"),
    permission=CHANGE_PERMISSION,
    no_permission=_lazy("You may no longer import into the register."),
    record_failure=_check_failed,
    check=_checked_batch,
)
