"""The check of an uploaded file runs as a job (``interventions.import_check``): the upload is kept
in its batch ("being checked") only until the check ends, the page follows the progress with htmx
and then shows the result; the job is idempotent, bounded in attempts and records every failure.
Eagerly (the embedded default) and once through a real Celery worker."""

import re
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from interventions.exchange import checking, reading, services
from interventions.exchange.checking import import_batch_check
from interventions.exchange.models import ImportBatch, ImportBatchStatus
from interventions.exchange.problems import ImportFileError
from interventions.exchange.services import import_batch_start, import_batches_expire
from interventions.register.models import Household
from siex.accounts.roles import Role
from tests.interventions.import_files import (
    HOUSEHOLD_HEADER,
    csv_bytes,
    household_row,
    xlsx_bytes,
)
from tests.interventions.test_import_views import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(groningen_areas, groningen_catalogue):
    return groningen_areas


@pytest.fixture
def officer(user_for):
    return user_for(Role.POLICY_OFFICER)


def households(area: str, n: int) -> bytes:
    return csv_bytes([HOUSEHOLD_HEADER, *(household_row(f"WIJ-{i}", area) for i in range(n))])


def raw_upload(batch: ImportBatch):
    return ImportBatch.objects.values_list("upload", flat=True).get(pk=batch.pk)


def test_an_upload_is_kept_until_its_check_has_run_then_deleted(register, officer):
    data = households(register[0].code, 3)
    with TestCase.captureOnCommitCallbacks(execute=False) as jobs:
        batch = import_batch_start(data=data, file_name="lijst.csv", user=officer)
    assert batch.status == ImportBatchStatus.CHECKING and not batch.can_be_committed
    assert bytes(raw_upload(batch)) == data and len(jobs) == 1
    jobs[0]()  # the job, sent once the upload was committed
    batch.refresh_from_db()
    assert batch.status == ImportBatchStatus.PREVIEWED and batch.can_be_committed
    assert batch.progress == 100 and batch.attempts == 1
    assert batch.counts["households"]["new"] == 3
    assert raw_upload(batch) is None
    assert Household.objects.count() == 0  # still a dry run
    # Delivered again (a redelivery after a lost acknowledgement): nothing changes.
    assert import_batch_check(batch_id=batch.pk) == ImportBatchStatus.PREVIEWED
    assert ImportBatch.objects.get(pk=batch.pk).attempts == 1


def test_a_file_that_is_still_being_checked_cannot_be_imported(register, officer):
    from django.core.exceptions import ValidationError

    from interventions.exchange.services import import_batch_commit

    with TestCase.captureOnCommitCallbacks(execute=False):
        batch = import_batch_start(
            data=households(register[0].code, 2), file_name="a.csv", user=officer
        )
    with pytest.raises(ValidationError, match="still being checked"):
        import_batch_commit(batch_id=batch.pk, user=officer)
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatchStatus.CHECKING
    assert Household.objects.count() == 0


def test_what_is_wrong_at_once_is_refused_on_upload_and_nothing_is_stored(register, officer):
    cp1252 = "referentie;wijk\né".encode("cp1252")
    with pytest.raises(ImportFileError, match="not saved as UTF-8"):
        import_batch_start(data=cp1252, file_name="a.csv", user=officer)
    with pytest.raises(ImportFileError, match="Upload a CSV file"):
        import_batch_start(data=b"PK\x03\x04", file_name="a.docx", user=officer)
    assert ImportBatch.objects.count() == 0


def test_the_page_follows_the_check_and_then_shows_its_result(register, policy_officer_client):
    client = policy_officer_client
    with TestCase.captureOnCommitCallbacks(execute=False) as jobs:
        response = client.post(
            reverse("imports:upload"),
            {"file": _file("lijst.csv", households(register[0].code, 2))},
        )
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("imports:batch", kwargs={"pk": batch.pk})
    page = client.get(response["Location"]).content.decode()
    progress_url = reverse("imports:batch-progress", kwargs={"pk": batch.pk})
    assert f'hx-get="{progress_url}"' in page and 'hx-trigger="every 1s"' in page
    assert "The file is being checked." in page and "Ready to import." not in page
    partial = client.get(progress_url)
    assert partial.status_code == 200 and 'max="100" value="0"' in partial.content.decode()
    index = client.get(reverse("imports:index")).content.decode()
    assert "being checked (0%)" in index

    jobs[0]()
    finished = client.get(progress_url, headers={"HX-Request": "true"})
    assert finished.status_code == 200 and finished["HX-Refresh"] == "true"
    page = client.get(response["Location"]).content.decode()
    assert "Ready to import." in page and "hx-trigger" not in page


def _file(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_a_file_that_cannot_be_read_fails_its_check_with_the_reason(
    register, policy_officer_client
):
    client = policy_officer_client
    unknown = xlsx_bytes({"Blad1": [["nummer", "omschrijving"], ["1", "x"]]})
    response = upload(client, unknown, "eigen.xlsx")
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatchStatus.FAILED and batch.check_failed
    assert raw_upload(batch) is None and batch.rows == {}
    assert batch.error_count == 1 and "The first row must hold" in batch.errors[0]["message"]
    page = client.get(response["Location"]).content.decode()
    assert "The file could not be checked" in page and "The first row must hold" in page
    assert reverse("imports:commit", kwargs={"pk": batch.pk}) not in page
    client.post(reverse("imports:commit", kwargs={"pk": batch.pk}))
    assert Household.objects.count() == 0


def test_recent_imports_say_that_a_check_failed_instead_of_its_counts(
    register, policy_officer_client
):
    client = policy_officer_client
    area = register[0].code
    rows = [household_row("WIJ-1", area), household_row("WIJ-2", area)]
    rows += [household_row(f"WIJ-{i}", "Atlantis") for i in range(3, 6)]
    upload(client, csv_bytes([HOUSEHOLD_HEADER, *rows]), "met-fouten.csv")
    batch = ImportBatch.objects.get()
    assert batch.counts["households"]["new"] == 2 and batch.error_count == 3
    index = client.get(reverse("imports:index")).content.decode()
    row = re.search(r"<tr>\s*<td>[^<]*</td>\s*<td>[^<]*</td>\s*<th[^>]*>.*?</tr>", index, re.S)
    assert row is not None
    assert "check failed: 3 problems" in row.group(0)
    assert "2 / 0 / 0" not in index


def test_the_job_records_an_unexpected_error_and_deletes_the_file(register, officer, monkeypatch):
    with TestCase.captureOnCommitCallbacks(execute=False) as jobs:
        batch = import_batch_start(
            data=households(register[0].code, 1), file_name="a.csv", user=officer
        )

    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(checking, "checked_file", broken)
    jobs[0]()
    batch.refresh_from_db()
    assert batch.status == ImportBatchStatus.FAILED and raw_upload(batch) is None
    assert "because of an error in SIEX" in batch.errors[0]["message"]
    assert "database gone" not in batch.errors[0]["message"]


def test_a_check_that_keeps_stopping_is_given_up(register, officer):
    with TestCase.captureOnCommitCallbacks(execute=False):
        batch = import_batch_start(
            data=households(register[0].code, 1), file_name="a.csv", user=officer
        )
    ImportBatch.objects.filter(pk=batch.pk).update(attempts=checking.MAX_CHECK_ATTEMPTS)
    assert import_batch_check(batch_id=batch.pk) == ImportBatchStatus.FAILED
    batch.refresh_from_db()
    assert "stopped 3 times" in batch.errors[0]["message"] and raw_upload(batch) is None


def test_a_check_that_never_ran_is_given_up_and_its_file_deleted(register, officer):
    with TestCase.captureOnCommitCallbacks(execute=False):
        batch = import_batch_start(
            data=households(register[0].code, 1), file_name="a.csv", user=officer
        )
    import_batches_expire(now=timezone.now() + services.PREVIEW_VALID_FOR + timedelta(1))
    batch.refresh_from_db()
    assert batch.status == ImportBatchStatus.FAILED and raw_upload(batch) is None
    assert import_batch_check(batch_id=batch.pk) == ImportBatchStatus.FAILED


def test_the_check_writes_its_progress_while_it_reads(register, officer, monkeypatch):
    monkeypatch.setattr(checking, "PROGRESS_INTERVAL", 0)
    monkeypatch.setattr(reading, "PROGRESS_EVERY", 10)
    with TestCase.captureOnCommitCallbacks(execute=False) as jobs:
        batch = import_batch_start(
            data=households(register[0].code, 60), file_name="a.csv", user=officer
        )
    with CaptureQueriesContext(connection) as queries:
        jobs[0]()
    written = [q["sql"] for q in queries if re.search(r'SET "progress" = \d+ WHERE', q["sql"])]
    values = [int(re.search(r'"progress" = (\d+)', sql).group(1)) for sql in written]
    assert len(values) >= 5 and values == sorted(values) and 0 < values[-1] <= 99
    assert ImportBatch.objects.get(pk=batch.pk).progress == 100


# --- Through a real worker ------------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_file_is_checked_by_a_real_worker(worker, user_for, groningen_areas):
    process, _queue = worker
    officer = user_for(Role.POLICY_OFFICER)
    data = households(groningen_areas[0].code, 2_000)
    batch = import_batch_start(data=data, file_name="groot.csv", user=officer)  # sent at once
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.status != ImportBatchStatus.CHECKING:
            break
        time.sleep(0.05)
    from tests.worker import stop_worker

    if batch.status != ImportBatchStatus.PREVIEWED:
        raise AssertionError(f"{batch.status} {batch.errors}\n{stop_worker(process)}")
    assert batch.counts["households"]["new"] == 2_000 and batch.error_count == 0
    assert batch.progress == 100 and batch.attempts == 1 and raw_upload(batch) is None
    assert Household.objects.count() == 0
