"""The import pages: upload, the check of every row, commit, templates, and who may do what."""

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse
from openpyxl import load_workbook

from interventions.exchange.models import ImportBatch, ImportBatchStatus
from interventions.register.models import Household, Intervention
from interventions.register.pseudonyms import pseudonymise
from siex.accounts.roles import Role
from tests.factories import UserFactory
from tests.interventions.import_files import (
    HOUSEHOLD_HEADER,
    INTERVENTION_HEADER,
    csv_bytes,
    household_row,
    intervention_row,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(groningen_areas, groningen_catalogue):
    return groningen_areas


@pytest.fixture
def logged(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "interventions.exchange.views.log_access",
        lambda request, **kwargs: calls.append({"user": request.user.username, **kwargs}),
    )
    return calls


def upload(client, data: bytes, name: str = "register.csv"):
    """Upload a file; its check, a job sent once the request's transaction commits, runs in
    this process (the embedded default)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("imports:upload"), {"file": SimpleUploadedFile(name, data)})


def good_file(area_code: str) -> bytes:
    return xlsx_bytes(
        {
            "Huishoudens": [HOUSEHOLD_HEADER, household_row("WIJ-1", area_code)],
            "Interventies": [INTERVENTION_HEADER, intervention_row("WIJ-1")],
        }
    )


def test_upload_check_and_commit(register, policy_officer_client, logged):
    client = policy_officer_client
    response = upload(client, good_file(register[0].code), "register.xlsx")
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:batch", kwargs={"pk": batch.pk})

    page = client.get(response["Location"])
    content = page.content.decode()
    assert page.status_code == 200
    assert "Ready to import." in content
    assert reverse("imports:commit", kwargs={"pk": batch.pk}) in content
    assert Household.objects.count() == 0  # a dry run
    assert logged == []

    response = client.post(reverse("imports:commit", kwargs={"pk": batch.pk}), follow=True)
    assert "The file has been imported." in response.content.decode()
    assert "What the import did" in response.content.decode()
    assert Household.objects.count() == 1 and Intervention.objects.count() == 1
    assert {(call["action"], call["model"], call["result_count"]) for call in logged} == {
        ("import", "interventions.household", 1),
        ("import", "interventions.intervention", 1),
    }
    assert all(call["query"]["import_batch"] == batch.pk for call in logged)

    # Committing again (a second click, an old tab) changes nothing.
    response = client.post(reverse("imports:commit", kwargs={"pk": batch.pk}), follow=True)
    assert "already been imported" in response.content.decode()
    assert Household.objects.count() == 1

    # The list of recent imports shows who imported what.
    index = client.get(reverse("imports:index")).content.decode()
    assert "register.xlsx" in index and "test-beleidsmedewerker" in index


def test_a_bad_row_is_shown_with_row_column_and_message_and_cannot_be_committed(
    register, policy_officer_client
):
    rows = [HOUSEHOLD_HEADER, household_row("WIJ-1", register[0].code)]
    rows.append(household_row("WIJ-2", register[0].code, start_deelname="30-02-2024"))
    response = upload(policy_officer_client, csv_bytes(rows))
    page = policy_officer_client.get(response["Location"]).content.decode()
    assert "The file has 1 problem" in page
    assert "start_deelname" in page and "“30-02-2024” is not an existing date." in page
    assert '<th scope="row" class="num">3</th>' in page
    batch = ImportBatch.objects.get()
    assert reverse("imports:commit", kwargs={"pk": batch.pk}) not in page
    policy_officer_client.post(reverse("imports:commit", kwargs={"pk": batch.pk}))
    assert Household.objects.count() == 0


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("lijst.docx", b"PK\x03\x04 not really", "Upload a CSV file (.csv) or an Excel workbook"),
        ("lijst.csv", "referentie;wijk\nWIJ-1;Zuid é".encode("cp1252"), "not saved as UTF-8"),
        ("lijst.csv", b"referentie;naam\nWIJ-1;Jansen\n", "The first row must hold"),
    ],
)
def test_a_bad_file_is_refused_on_the_page_and_nothing_is_stored(
    register, policy_officer_client, name, data, message
):
    response = upload(policy_officer_client, data, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "The file was not checked" in response.content.decode()
    assert ImportBatch.objects.count() == 0


@override_settings(SIEX_IMPORT_MAX_BYTES=50)
def test_a_file_over_the_limit_is_refused_before_it_is_read(register, policy_officer_client):
    response = upload(policy_officer_client, good_file(register[0].code), "groot.xlsx")
    assert "larger than" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_discard(register, policy_officer_client):
    upload(policy_officer_client, good_file(register[0].code), "a.xlsx")
    batch = ImportBatch.objects.get()
    response = policy_officer_client.post(reverse("imports:discard", kwargs={"pk": batch.pk}))
    assert response["Location"] == reverse("imports:index")
    batch.refresh_from_db()
    assert batch.status == ImportBatchStatus.DISCARDED


def test_another_officers_check_cannot_be_seen_or_committed(register, policy_officer_client):
    upload(policy_officer_client, good_file(register[0].code), "a.xlsx")
    batch = ImportBatch.objects.get()
    from django.test import Client

    colleague = UserFactory(username="collega", policy_officer=True)
    client = Client()
    client.force_login(colleague)
    assert client.get(reverse("imports:batch", kwargs={"pk": batch.pk})).status_code == 404
    assert client.post(reverse("imports:commit", kwargs={"pk": batch.pk})).status_code == 404
    assert client.post(reverse("imports:discard", kwargs={"pk": batch.pk})).status_code == 404
    assert Household.objects.count() == 0


def test_a_project_lead_exports_but_does_not_import(register, client_for):
    client = client_for(Role.PROJECT_LEAD)
    page = client.get(reverse("imports:index"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Only policy officers import spreadsheets" in content
    assert reverse("imports:upload") not in content
    assert 'action="' + reverse("imports:export") in content
    assert upload(client, good_file(register[0].code), "a.xlsx").status_code == 403
    assert client.get(reverse("imports:template")).status_code == 403
    assert client.get(reverse("imports:export")).status_code == 200
    assert ImportBatch.objects.count() == 0


@pytest.mark.parametrize("role", [Role.COUNCIL_MEMBER, Role.ADMINISTRATOR])
def test_council_members_and_administrators_are_refused(register, client_for, role):
    client = client_for(role)
    for name in ("imports:index", "imports:export", "imports:template"):
        assert client.get(reverse(name)).status_code == 403, name
    assert upload(client, good_file(register[0].code), "a.xlsx").status_code == 403
    assert ImportBatch.objects.count() == 0


def test_the_navigation_shows_import_and_export_to_who_may_use_it(register, client_for):
    label = "Import and export"
    assert label in client_for(Role.POLICY_OFFICER).get(reverse("home")).content.decode()
    assert label in client_for(Role.PROJECT_LEAD).get(reverse("home")).content.decode()
    assert label not in client_for(Role.COUNCIL_MEMBER).get(reverse("home")).content.decode()


# --- Templates ------------------------------------------------------------------------------------


def template_rows(client, kind: str) -> list[list[str]]:
    response = client.get(reverse("imports:template-csv", kwargs={"kind": kind}))
    assert response["Content-Type"].startswith("text/csv")
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


def test_the_csv_templates_explain_every_column_with_an_example(register, policy_officer_client):
    households = template_rows(policy_officer_client, "huishoudens")
    assert households[0] == HOUSEHOLD_HEADER
    comments = households[1:]
    assert all(row[0].startswith("# ") for row in comments)
    by_label = {row[0].split(":", 1)[0]: row for row in comments[1:]}
    assert by_label["# required"][0] == "# required: yes"
    assert by_label["# required"][HOUSEHOLD_HEADER.index("einde_deelname")] == "no"
    allowed = dict(zip(HOUSEHOLD_HEADER, by_label["# allowed"], strict=True))
    # Choices as officers type them (Dutch), every current wijk by code and name.
    assert allowed["schuldsituatie"] == (
        "geen problematische schulden | problematische schulden | in een schuldregeling (GKB)"
    )
    assert all(f"{area.code} {area.name}" in allowed["wijk"] for area in register)
    example = dict(zip(HOUSEHOLD_HEADER, by_label["# example"], strict=True))
    assert example["referentie"] == "# example: VOORBEELD-001"
    assert example["schuldsituatie"] == "problematische schulden"

    interventions = template_rows(policy_officer_client, "interventies")
    assert interventions[0] == INTERVENTION_HEADER
    allowed = dict(zip(INTERVENTION_HEADER, interventions[3], strict=True))
    assert "budgetcoaching (" in allowed["interventie"]
    assert allowed["status"] == "gepland | actief | afgerond | voortijdig gestopt"
    missing = reverse("imports:template-csv", kwargs={"kind": "anders"})
    assert policy_officer_client.get(missing).status_code == 404


def csv_file(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def test_a_csv_template_as_downloaded_imports_nothing_and_its_example_is_valid(
    register, policy_officer_client
):
    client = policy_officer_client
    households = template_rows(client, "huishoudens")
    response = upload(client, csv_file(households), "sjabloon.csv")
    page = client.get(response["Location"]).content.decode()
    assert "The file could not be checked" in page
    assert "The file contains no rows to import." in page
    assert ImportBatch.objects.get().status == ImportBatchStatus.FAILED
    # The example row is a valid row: without the "#" it imports, households then interventions.
    for template, kind in (("huishoudens", "households"), ("interventies", "interventions")):
        rows = template_rows(client, template)
        example = [rows[-1][0].removeprefix("# example: "), *rows[-1][1:]]
        upload(client, csv_file([*rows, example]), f"{template}.csv")
        batch = ImportBatch.objects.latest("id")
        assert batch.error_count == 0, batch.errors
        assert batch.counts[kind]["new"] == 1
        client.post(reverse("imports:commit", kwargs={"pk": batch.pk}))
    household = Household.objects.get(pseudonym=pseudonymise("VOORBEELD-001"))
    assert household.interventions.count() == 1


def test_the_workbook_template_explains_every_column_with_the_current_codes(
    register, policy_officer_client
):
    response = policy_officer_client.get(reverse("imports:template"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Huishoudens", "Interventies", "Toelichting"]
    assert [c.value for c in workbook["Huishoudens"][1]] == HOUSEHOLD_HEADER
    assert [c.value for c in workbook["Interventies"][1]] == INTERVENTION_HEADER
    explanation = [
        str(value) for row in workbook["Toelichting"].iter_rows(values_only=True) for value in row
    ]
    for header in HOUSEHOLD_HEADER + INTERVENTION_HEADER:
        assert header in explanation
    assert register[0].code in explanation and register[0].name in explanation
    assert "budgetcoaching" in explanation and "Schuldregeling (GKB)" in explanation
    assert "gkb_arrangement" in explanation  # the codes of the choices
    assert workbook["Huishoudens"].data_validations.dataValidation  # drop-down lists


def test_a_filled_in_template_imports(register, policy_officer_client):
    template = policy_officer_client.get(reverse("imports:template")).content
    workbook = load_workbook(io.BytesIO(template))
    area = register[2]
    workbook["Huishoudens"].append(
        ["WIJ-2024-00123", area.name, 2, 1, 104, "bijstand", "in een schuldregeling (GKB)",
         date(2025, 3, 1), None, "wettelijke taak (Participatiewet, Wgs)"]
    )  # fmt: skip
    workbook["Interventies"].append(
        ["WIJ-2024-00123", "Schuldregeling (GKB)", date(2025, 3, 15), None, 3500, None,
         "actief", "Aanmelding via wijkteam"]
    )  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = upload(policy_officer_client, buffer.getvalue(), "ingevuld.xlsx")
    batch = ImportBatch.objects.get()
    assert batch.error_count == 0, batch.errors
    policy_officer_client.post(reverse("imports:commit", kwargs={"pk": batch.pk}))
    household = Household.objects.get(pseudonym=pseudonymise("WIJ-2024-00123"))
    assert household.area == area and household.debt_situation == "gkb_arrangement"
    intervention = household.interventions.get()
    assert intervention.intervention_type.code == "gkb-schuldregeling"
    assert intervention.notes == "Aanmelding via wijkteam"
    assert response.status_code == 302
