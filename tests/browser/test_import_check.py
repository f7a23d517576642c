"""A policy officer follows the check of a large file: the page shows its progress while a worker
checks it, and the result as soon as the check has finished, without reloading by hand."""

import hashlib

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from interventions.exchange.models import ImportBatch, ImportBatchStatus
from interventions.exchange.tasks import check_import_batch
from siex.accounts.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "referentie;wijk;inkomensbron;schuldsituatie;start_deelname;grondslag\n"


def _checking(officer, content: str) -> ImportBatch:
    """A batch as import_batch_start leaves it while the job waits for a worker."""
    data = content.encode("utf-8")
    return ImportBatch.objects.create(
        uploaded_by=officer,
        uploaded_by_username=officer.get_username(),
        file_name="huishoudens.csv",
        file_sha256=hashlib.sha256(data).hexdigest(),
        status=ImportBatchStatus.CHECKING,
        upload=data,
    )


def test_the_page_shows_the_progress_of_the_check_and_then_its_result(
    page, sign_in, accessible, groningen_areas, tmp_path
):
    officer = sign_in(Role.POLICY_OFFICER)
    code = groningen_areas[0].code
    rows = "".join(
        f"WIJ-2025-{i:05d};{code};bijstand;geen problematische schulden;01-02-2025;"
        "wettelijke taak (Participatiewet, Wgs)\n"
        for i in range(1, 4)
    )
    batch = _checking(officer, HEADER + rows)
    page.goto(reverse("imports:batch", kwargs={"pk": batch.pk}))
    expect(page.get_by_text("Het bestand wordt gecontroleerd.")).to_be_visible()
    progress = page.get_by_role("progressbar", name="Voortgang")
    expect(progress).to_have_attribute("value", "0")
    accessible(page)

    # The worker reports its progress; the page follows it by itself.
    ImportBatch.objects.filter(pk=batch.pk).update(progress=40)
    expect(page.locator(".progress__value")).to_have_text("40%", timeout=5_000)
    page.screenshot(path=tmp_path / "check-progress.png", full_page=True)

    # The job, as a worker runs it, in the language of the officer's page.
    assert check_import_batch(batch.pk, "nl") == ImportBatchStatus.PREVIEWED
    expect(page.get_by_text("Klaar om te importeren.")).to_be_visible(timeout=5_000)
    expect(page.get_by_role("button", name="Bestand importeren")).to_be_visible()
    page.screenshot(path=tmp_path / "check-done.png", full_page=True)
    accessible(page)


def test_a_check_that_failed_says_why_here_and_in_the_recent_imports(
    page, sign_in, accessible, groningen_areas, tmp_path
):
    officer = sign_in(Role.POLICY_OFFICER)
    batch = _checking(officer, HEADER)  # the column names, no rows
    check_import_batch(batch.pk, "nl")
    page.goto(reverse("imports:batch", kwargs={"pk": batch.pk}))
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Het bestand kon niet worden gecontroleerd")
    expect(summary).to_contain_text("Het bestand bevat geen rijen om te importeren.")
    page.screenshot(path=tmp_path / "check-failed.png", full_page=True)
    accessible(page)

    page.goto(reverse("imports:index"))
    recent = page.get_by_role("table", name="De laatst geüploade bestanden", exact=False)
    expect(recent).to_contain_text("controle mislukt: 1 probleem")
    page.screenshot(path=tmp_path / "recent-imports.png", full_page=True)
