"""The upload of indicator files on its pages: who may use them, the result page with every
problem named by row and column in Dutch (nothing stored), the counts and the commit (all or
nothing), the same file twice, the recent imports and the templates."""

import csv
import io
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse
from openpyxl import load_workbook

from monitoring.exchange.models import IndicatorUpload, UploadStatus
from monitoring.indicators.models import IndicatorValue, IndicatorValueImport
from monitoring.models import Area
from siex.accounts.roles import Role

pytestmark = pytest.mark.django_db

LONG_HEADER = "gebied;jaar;indicator;waarde"
GOOD = "GM0014;2023;wmo_clienten_aantal;12000"


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def groningen(indicators):
    # GM0014 in its current form exists from 2019 (the merger with Haren and Ten Boer).
    Area.objects.filter(code="GM0014").update(valid_from=2019)


def dutch(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    return client


@pytest.fixture
def lead(client_for):
    return dutch(client_for(Role.PROJECT_LEAD))


def upload(client: Client, data: bytes, name: str = "waarden.csv", **fields):
    """Post a file; its check, a job sent once the request's transaction commits, runs in this
    process (the embedded default)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("indicator_imports:new"), {"file": SimpleUploadedFile(name, data), **fields}
        )


def result_page(client: Client, response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response["Location"]).content.decode()


# --- Roles ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.PROJECT_LEAD, True),
        (Role.POLICY_OFFICER, True),
        (Role.COUNCIL_MEMBER, False),
        (Role.ADMINISTRATOR, False),
        (None, False),
    ],
)
def test_the_project_lead_and_policy_officers_upload_council_members_never(
    groningen, client_for, role, allowed
):
    client = client_for(role)
    assert client.get(reverse("indicator_imports:index")).status_code == (200 if allowed else 403)
    response = upload(client, csv_bytes(LONG_HEADER, GOOD))
    assert response.status_code == (302 if allowed else 403)
    assert IndicatorUpload.objects.exists() is allowed
    assert not IndicatorValue.objects.exists()


def test_a_council_member_cannot_reach_an_upload_or_commit_it(groningen, lead, client_for):
    upload(lead, csv_bytes(LONG_HEADER, GOOD))
    pk = IndicatorUpload.objects.get().pk
    council = client_for(Role.COUNCIL_MEMBER)
    for name in ("upload", "progress"):
        assert council.get(reverse(f"indicator_imports:{name}", args=[pk])).status_code == 403
    for name in ("commit", "discard"):
        assert council.post(reverse(f"indicator_imports:{name}", args=[pk])).status_code == 403
    assert council.get(reverse("indicator_imports:template")).status_code == 403
    assert not IndicatorValue.objects.exists()
    assert IndicatorUpload.objects.get().status == UploadStatus.CHECKED


# --- Bad files ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "column", "words"),
    [
        ("GM0014;2023;pct_jongeren_met_jeugdzorg;140", "waarde", "tussen 0 en 100"),
        ("GM0014;2023;wmo_clienten_aantal;-5", "waarde", "niet onder 0"),
        ("GM0014;2023;armoede_xyz;10", "indicator", "geen bekende indicatorcode"),
        ("GM0014;2015;wmo_clienten_aantal;10", "gebied", "pas vanaf 2019"),
    ],
    ids=["percentage-140", "negative-count", "unknown-code", "before-the-area-existed"],
)
def test_a_bad_row_is_shown_by_row_and_column_in_dutch_and_nothing_is_stored(
    groningen, lead, line, column, words
):
    page = result_page(lead, upload(lead, csv_bytes(LONG_HEADER, GOOD, line)))
    main = page[page.find("<main") :]
    assert "Het bestand bevat 1 probleem" in page, main[:4000]
    problems = re.search(r'<table[^>]*id="problems".*?</table>', page, re.S).group(0)
    row = re.search(r"<tr>\s*<th[^>]*>\s*3\s*</th>.*?</tr>", problems, re.S)
    assert row is not None, problems
    assert f'<span class="code">{column}</span>' in row.group(0) and words in row.group(0)
    upload_ = IndicatorUpload.objects.get()
    assert upload_.status == UploadStatus.CHECKED and upload_.check_failed
    assert upload_.values == []
    assert reverse("indicator_imports:commit", args=[upload_.pk]) not in page
    # Posted anyway: refused, nothing stored.
    lead.post(reverse("indicator_imports:commit", args=[upload_.pk]))
    assert not IndicatorValue.objects.exists() and not IndicatorValueImport.objects.exists()
    assert IndicatorUpload.objects.get().status == UploadStatus.CHECKED


def test_a_file_that_cannot_be_read_is_refused_on_the_form(groningen, lead):
    response = upload(lead, b"\x00\x01", "waarden.docx")
    assert response.status_code == 200
    assert "Upload een CSV-bestand" in response.content.decode()
    assert not IndicatorUpload.objects.exists()


def test_a_wide_file_without_a_year_fails_its_check_with_the_reason(groningen, lead):
    page = result_page(lead, upload(lead, csv_bytes("regiocode;aantal_inwoners", "GM0014;1")))
    assert "Het bestand kon niet worden gecontroleerd" in page
    assert IndicatorUpload.objects.get().status == UploadStatus.FAILED


# --- Counts, commit, the same file twice ----------------------------------------------------------


def test_the_counts_then_vastleggen_stores_every_value_and_the_same_file_twice_changes_nothing(
    groningen, lead
):
    data = csv_bytes(
        LONG_HEADER,
        GOOD,
        "WK001400;2023;pct_hh_tot_120_sociaal_minimum;18,4",
        "WK001401;2023;pct_hh_tot_120_sociaal_minimum;.",
    )
    page = result_page(lead, upload(lead, data))
    first = IndicatorUpload.objects.get()
    counts = re.search(r'<table[^>]*id="counts".*?</table>', page, re.S).group(0)
    assert re.findall(r'<td class="num">([^<]*)</td>', counts) == ["3", "3", "0", "0", "1"]
    assert "Klaar om vast te leggen." in page and ">Vastleggen</button>" in page
    assert not IndicatorValue.objects.exists()  # a check stores nothing

    response = lead.post(reverse("indicator_imports:commit", args=[first.pk]))
    page = lead.get(response["Location"]).content.decode()
    assert "De waarden zijn vastgelegd." in page
    assert IndicatorValue.objects.count() == 3
    assert IndicatorValue.objects.filter(withheld=True, value__isnull=True).count() == 1
    first.refresh_from_db()
    assert first.status == UploadStatus.COMMITTED and first.values == []
    assert first.value_import.imported_by.username == f"test-{Role.PROJECT_LEAD.value}"
    # Committed twice: refused, nothing more stored.
    lead.post(reverse("indicator_imports:commit", args=[first.pk]))
    assert IndicatorValueImport.objects.count() == 1

    stored = list(IndicatorValue.objects.values())
    page = result_page(lead, upload(lead, data))
    second = IndicatorUpload.objects.exclude(pk=first.pk).get()
    counts = re.search(r'<table[^>]*id="counts".*?</table>', page, re.S).group(0)
    assert re.findall(r'<td class="num">([^<]*)</td>', counts) == ["3", "0", "0", "3", "1"]
    assert "verandert niets" in page and "eerder vastgelegd" in page
    response = lead.post(reverse("indicator_imports:commit", args=[second.pk]))
    page = lead.get(response["Location"]).content.decode()
    assert "Er is niets veranderd" in page
    assert list(IndicatorValue.objects.values()) == stored
    assert IndicatorValueImport.objects.count() == 1
    second.refresh_from_db()
    assert second.status == UploadStatus.COMMITTED and second.value_import is None


def test_a_wide_kerncijfers_file_with_the_year_given(groningen, lead):
    data = csv_bytes(
        "regiocode;regionaam;aantal_inwoners;pct_hh_tot_120_sociaal_minimum",
        "GM0014;Groningen;243000;12,1",
        "WK001400;Centrum;25000;.",
    )
    page = result_page(
        lead,
        upload(lead, data, "kerncijfers.csv", period="2023", source="CBS 2023", provisional="on"),
    )
    assert "Klaar om vast te leggen." in page
    pk = IndicatorUpload.objects.get().pk
    lead.post(reverse("indicator_imports:commit", args=[pk]))
    assert IndicatorValue.objects.filter(period=2023).count() == 4
    assert set(IndicatorValue.objects.values_list("source", flat=True)) == {"CBS 2023"}
    assert set(IndicatorValue.objects.values_list("status", flat=True)) == {"provisional"}


def test_a_commit_that_fails_halfway_stores_nothing(groningen, lead, monkeypatch):
    """All or nothing: when writing fails after some values, none of them is left behind."""
    from django.db import IntegrityError

    upload(lead, csv_bytes(LONG_HEADER, GOOD, "WK001400;2023;wmo_clienten_aantal;5"))
    pk = IndicatorUpload.objects.get().pk
    manager = IndicatorValue.objects
    original = manager.bulk_create

    def fails_halfway(objects, **kwargs):
        original(list(objects)[:1], **kwargs)
        raise IntegrityError("an area was deleted meanwhile")

    monkeypatch.setattr(manager, "bulk_create", fails_halfway)
    response = lead.post(reverse("indicator_imports:commit", args=[pk]))
    page = lead.get(response["Location"]).content.decode()
    assert "niets is opgeslagen" in page
    assert not IndicatorValue.objects.exists() and not IndicatorValueImport.objects.exists()
    assert IndicatorUpload.objects.get().status == UploadStatus.CHECKED


def test_a_check_can_be_discarded(groningen, lead):
    upload(lead, csv_bytes(LONG_HEADER, GOOD))
    pk = IndicatorUpload.objects.get().pk
    response = lead.post(reverse("indicator_imports:discard", args=[pk]))
    assert response["Location"] == reverse("indicator_imports:index")
    assert IndicatorUpload.objects.get().status == UploadStatus.DISCARDED
    lead.post(reverse("indicator_imports:commit", args=[pk]))
    assert not IndicatorValue.objects.exists()


# --- Recent imports -------------------------------------------------------------------------------


def test_recent_imports_show_a_failed_check_as_failed_not_as_counts(groningen, lead, client_for):
    upload(lead, csv_bytes(LONG_HEADER, GOOD, "WK001400;2023;wmo_clienten_aantal;5"), "goed.csv")
    lead.post(reverse("indicator_imports:commit", args=[IndicatorUpload.objects.get().pk]))
    bad = csv_bytes(
        LONG_HEADER,
        GOOD,
        "WK001400;2023;wmo_clienten_aantal;-5",
        "WK001401;2023;armoede_xyz;1",
    )
    upload(lead, bad, "fout.csv")
    upload(lead, csv_bytes("regiocode;aantal_inwoners", "GM0014;1"), "zonder-jaar.csv")
    officer = dutch(client_for(Role.POLICY_OFFICER))
    index = officer.get(reverse("indicator_imports:index")).content.decode()
    recent = re.search(r"<tbody>(?:(?!</tbody>).)*goed\.csv.*?</tbody>", index, re.S).group(0)
    rows = {
        re.search(r">([\w.-]+\.csv)<", row).group(1): row
        for row in re.findall(r"<tr>.*?</tr>", recent, re.S)
    }
    assert "2 / 0 / 0" in rows["goed.csv"] and "vastgelegd" in rows["goed.csv"]
    assert "controle mislukt: 2 problemen" in rows["fout.csv"]
    assert "1 / 0 / 0" not in rows["fout.csv"] and "0 / 0 / 0" not in rows["fout.csv"]
    assert "controle mislukt: 1 probleem" in rows["zonder-jaar.csv"]


# --- Templates ------------------------------------------------------------------------------------


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_the_templates_hold_an_example_row_and_the_allowed_codes_and_import_cleanly(
    groningen, lead
):
    long = lead.get(reverse("indicator_imports:template-csv", args=["lang"]))
    assert long["Content-Disposition"].startswith("attachment")
    header, example = _csv_rows(long.content)
    assert header[:4] == ["gebied", "jaar", "indicator", "waarde"] and example[0].startswith("WK")
    wide = _csv_rows(lead.get(reverse("indicator_imports:template-csv", args=["breed"])).content)
    assert "wmo_clienten_aantal" in wide[0] and len(wide) == 2
    assert lead.get(reverse("indicator_imports:template-csv", args=["x"])).status_code == 404

    workbook = load_workbook(io.BytesIO(lead.get(reverse("indicator_imports:template")).content))
    assert workbook.sheetnames[:2] == ["Waarden", "Indicatoren"]
    codes = {row[0]: row for row in workbook["Indicatoren"].iter_rows(min_row=2, values_only=True)}
    assert "wmo_clienten_aantal" in codes and "hele getallen" in codes["wmo_clienten_aantal"][3]
    assert "van 0 tot 100" in codes["pct_hh_tot_120_sociaal_minimum"][3]

    # Every template's example checks without a problem.
    for data, name in (
        (long.content, "lang.csv"),
        (lead.get(reverse("indicator_imports:template-csv", args=["breed"])).content, "b.csv"),
        (lead.get(reverse("indicator_imports:template")).content, "sjabloon.xlsx"),
    ):
        page = result_page(lead, upload(lead, data, name))
        assert "Klaar om vast te leggen." in page, (name, page[page.find("<main") :][:3000])
