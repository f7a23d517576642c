"""The check of an uploaded indicator file runs as a job (``monitoring.indicator_upload_check``):
the upload is kept only until the check ends, the page follows the progress with htmx and then
shows the result; the job is idempotent, bounded in attempts and records every failure. Eagerly
(the embedded default) and once through a real Celery worker."""

import re
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from monitoring.exchange import checking, services
from monitoring.exchange.checking import indicator_upload_check
from monitoring.exchange.models import IndicatorUpload, UploadStatus
from monitoring.exchange.services import (
    indicator_upload_commit,
    indicator_upload_start,
    indicator_uploads_expire,
)
from monitoring.exchange.tasks import check_indicator_upload
from monitoring.indicators import importing
from monitoring.indicators.models import IndicatorValue
from siex.accounts.roles import Role
from siex.core.tabular.errors import ImportFileError

pytestmark = pytest.mark.django_db

HEADER = "gebied;jaar;indicator;waarde"


@pytest.fixture
def lead(indicators, user_for):
    return user_for(Role.PROJECT_LEAD)


def values(n: int, code: str = "WK001400") -> bytes:
    """``n`` rows of one district, one a year from 1995 on."""
    lines = [HEADER, *(f"{code};{1995 + i % 100};huishoudens;{i}" for i in range(n))]
    return ("\n".join(lines) + "\n").encode()


def raw_upload(upload: IndicatorUpload):
    return IndicatorUpload.objects.values_list("upload", flat=True).get(pk=upload.pk)


def start(user, data: bytes, name: str = "waarden.csv"):
    with TestCase.captureOnCommitCallbacks(execute=False) as jobs:
        upload = indicator_upload_start(data=data, file_name=name, user=user)
    return upload, jobs


def test_an_upload_is_kept_until_its_check_has_run_then_deleted(lead):
    data = values(3)
    upload, jobs = start(lead, data)
    assert upload.status == UploadStatus.CHECKING and not upload.can_be_committed
    assert bytes(raw_upload(upload)) == data and len(jobs) == 1
    jobs[0]()  # the job, sent once the upload was committed
    upload.refresh_from_db()
    assert upload.status == UploadStatus.CHECKED and upload.can_be_committed
    assert upload.progress == 100 and upload.attempts == 1 and upload.rows == 3
    assert upload.counts["created"] == 3 and len(upload.values) == 3
    assert raw_upload(upload) is None
    assert not IndicatorValue.objects.exists()  # a check stores nothing
    # Delivered again (a redelivery after a lost acknowledgement): nothing changes.
    assert indicator_upload_check(upload_id=upload.pk) == UploadStatus.CHECKED
    assert IndicatorUpload.objects.get(pk=upload.pk).attempts == 1


def test_the_job_checks_in_the_language_of_the_uploader(lead):
    upload, _jobs = start(lead, (HEADER + "\nWK001400;2023;huishoudens;-1\n").encode())
    assert check_indicator_upload(upload.pk, "nl") == UploadStatus.CHECKED
    upload.refresh_from_db()
    assert upload.errors == [{"row": 2, "column": "waarde", "message": upload.errors[0]["message"]}]
    assert "kan niet voor" in upload.errors[0]["message"]


def test_a_file_that_is_still_being_checked_cannot_be_committed(lead):
    upload, _jobs = start(lead, values(2))
    with pytest.raises(ValidationError, match="still being checked"):
        indicator_upload_commit(upload_id=upload.pk, user=lead)
    assert IndicatorUpload.objects.get(pk=upload.pk).status == UploadStatus.CHECKING
    assert not IndicatorValue.objects.exists()


def test_what_is_wrong_at_once_is_refused_on_upload_and_nothing_is_stored(lead):
    with pytest.raises(ImportFileError, match="Upload a CSV file"):
        indicator_upload_start(data=b"PK\x03\x04", file_name="a.docx", user=lead)
    with pytest.raises(ImportFileError, match="not an Excel workbook"):
        indicator_upload_start(data=b"PK\x03\x04", file_name="a.xlsx", user=lead)
    with pytest.raises(ImportFileError, match="empty"):
        indicator_upload_start(data=b"", file_name="a.csv", user=lead)
    assert not IndicatorUpload.objects.exists()


def test_a_council_member_cannot_start_an_upload(indicators, user_for):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        indicator_upload_start(
            data=values(1), file_name="a.csv", user=user_for(Role.COUNCIL_MEMBER)
        )


def test_the_page_follows_the_check_and_then_shows_its_result(indicators, client_for):
    client = client_for(Role.PROJECT_LEAD)
    with TestCase.captureOnCommitCallbacks(execute=False) as jobs:
        response = client.post(
            reverse("indicator_imports:new"), {"file": SimpleUploadedFile("w.csv", values(2))}
        )
    upload = IndicatorUpload.objects.get()
    assert response["Location"] == reverse("indicator_imports:upload", args=[upload.pk])
    page = client.get(response["Location"]).content.decode()
    progress_url = reverse("indicator_imports:progress", args=[upload.pk])
    assert f'hx-get="{progress_url}"' in page and 'hx-trigger="every 1s"' in page
    assert "The file is being checked." in page and "Ready to store." not in page
    partial = client.get(progress_url)
    assert partial.status_code == 200 and 'max="100" value="0"' in partial.content.decode()
    index = client.get(reverse("indicator_imports:index")).content.decode()
    assert "being checked (0%)" in index

    jobs[0]()
    finished = client.get(progress_url, headers={"HX-Request": "true"})
    assert finished.status_code == 200 and finished["HX-Refresh"] == "true"
    page = client.get(response["Location"]).content.decode()
    assert "Ready to store." in page and "hx-trigger" not in page


def test_the_job_records_an_unexpected_error_and_deletes_the_file(lead, monkeypatch):
    upload, jobs = start(lead, values(1))

    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(checking, "indicator_values_check", broken)
    jobs[0]()
    upload.refresh_from_db()
    assert upload.status == UploadStatus.FAILED and raw_upload(upload) is None
    assert "because of an error in SIEX" in upload.errors[0]["message"]
    assert "database gone" not in upload.errors[0]["message"]


def test_a_check_that_keeps_stopping_is_given_up(lead):
    upload, _jobs = start(lead, values(1))
    IndicatorUpload.objects.filter(pk=upload.pk).update(attempts=checking.MAX_CHECK_ATTEMPTS)
    assert indicator_upload_check(upload_id=upload.pk) == UploadStatus.FAILED
    upload.refresh_from_db()
    assert "stopped 3 times" in upload.errors[0]["message"] and raw_upload(upload) is None


def test_a_check_that_never_ran_is_given_up_and_an_old_check_cannot_be_committed(lead):
    never, _jobs = start(lead, values(1))
    checked, jobs = start(lead, values(2), "b.csv")
    jobs[0]()
    later = timezone.now() + services.CHECK_VALID_FOR + timedelta(1)
    assert indicator_uploads_expire(now=later) == 2
    never.refresh_from_db()
    assert never.status == UploadStatus.FAILED and raw_upload(never) is None
    assert indicator_upload_check(upload_id=never.pk) == UploadStatus.FAILED
    checked.refresh_from_db()
    assert checked.status == UploadStatus.DISCARDED and checked.values == []
    with pytest.raises(ValidationError, match="discarded"):
        indicator_upload_commit(upload_id=checked.pk, user=lead)


def test_a_job_of_an_uploader_who_lost_the_role_fails(lead):
    upload, jobs = start(lead, values(1))
    lead.groups.clear()
    jobs[0]()
    upload.refresh_from_db()
    assert upload.status == UploadStatus.FAILED and raw_upload(upload) is None


def test_the_check_writes_its_progress_while_it_reads(lead, monkeypatch):
    monkeypatch.setattr(checking, "PROGRESS_INTERVAL", 0)
    monkeypatch.setattr(importing, "PROGRESS_EVERY", 10)
    upload, jobs = start(lead, values(60))
    with CaptureQueriesContext(connection) as queries:
        jobs[0]()
    written = [q["sql"] for q in queries if re.search(r'SET "progress" = \d+ WHERE', q["sql"])]
    progress = [int(re.search(r'"progress" = (\d+)', sql).group(1)) for sql in written]
    assert len(progress) >= 5 and progress == sorted(progress) and 0 < progress[-1] <= 99
    assert IndicatorUpload.objects.get(pk=upload.pk).progress == 100


# --- Through a real worker ------------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_file_is_checked_by_a_real_worker_then_committed(worker, user_for, groningen_areas):
    from django.core.management import call_command

    call_command("load_indicators", verbosity=0)
    process, _queue = worker
    lead = user_for(Role.PROJECT_LEAD)
    upload = indicator_upload_start(data=values(100), file_name="groot.csv", user=lead)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        upload.refresh_from_db()
        if upload.status != UploadStatus.CHECKING:
            break
        time.sleep(0.05)
    from tests.worker import stop_worker

    if upload.status != UploadStatus.CHECKED:
        raise AssertionError(f"{upload.status} {upload.errors}\n{stop_worker(process)}")
    assert upload.counts["created"] == 100 and upload.error_count == 0
    assert upload.progress == 100 and upload.attempts == 1 and raw_upload(upload) is None
    assert not IndicatorValue.objects.exists()
    indicator_upload_commit(upload_id=upload.pk, user=lead)
    assert IndicatorValue.objects.count() == 100
