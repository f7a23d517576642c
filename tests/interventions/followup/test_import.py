"""The follow-up import: checked in full, all rows or none, the same file twice changes nothing,
problems named by sheet, row and column (never repeating a reference)."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from interventions.followup.importing import follow_up_import
from interventions.followup.models import Assessment, OutcomeEvent, SurveyResponse
from interventions.register.pseudonyms import pseudonymise
from siex.accounts.roles import Role
from siex.audit.models import AccessLogEntry
from tests.factories import HouseholdFactory, InterventionFactory, InterventionTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(instruments, outcome):
    household = HouseholdFactory(
        pseudonym=pseudonymise("WIJ-2024-00001"), participation_start=date(2024, 1, 1)
    )
    coaching = InterventionTypeFactory(code="budgetcoaching")
    InterventionFactory(
        household=household, intervention_type=coaching, start_date=date(2024, 3, 1)
    )
    return household


def workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good_file(outcome) -> bytes:
    return workbook(
        {
            "Metingen": [
                ["referentie", "instrument", "datum", "financien", "huisvesting", "trede"],
                ["WIJ-2024-00001", "zrm", "01-02-2024", 2, 3, None],
                ["WIJ-2024-00001", "zrm", "01-02-2025", 4, 3, None],
                ["WIJ-2024-00001", "participatieladder", "01-02-2024", None, None, 2],
            ],
            "Vragenlijsten": [
                [
                    "referentie",
                    "ronde",
                    "datum",
                    "weinig_stress",
                    "rondkomen",
                    "meest_waardevolle_hulp",
                ],
                ["WIJ-2024-00001", "T0", "01-02-2024", 3, 4, None],
                ["WIJ-2024-00001", "T+12", "01-02-2025", 6, 7, "budgetcoaching"],
            ],
            "Effecten": [
                ["referentie", "effect", "interventie", "datum", "bron", "notitie"],
                [
                    "WIJ-2024-00001",
                    outcome.code,
                    "budgetcoaching",
                    "01-10-2024",
                    "registratie (bijv. uitkerings- of schuldenadministratie)",
                    "",
                ],
            ],
        }
    )


def run(data: bytes, user, *, commit: bool, name: str = "volgen.xlsx"):
    return follow_up_import(data=data, file_name=name, user=user, commit=commit)


def test_a_file_is_checked_then_imported_and_a_second_time_changes_nothing(
    registered, outcome, user_for
):
    officer = user_for(Role.POLICY_OFFICER)
    data = good_file(outcome)
    checked = run(data, officer, commit=False)
    assert checked.problems == []
    assert not checked.written
    assert checked.counts["assessments"]["new"] == 3
    assert not Assessment.objects.exists()
    imported = run(data, officer, commit=True)
    assert imported.written
    assert Assessment.objects.count() == 3
    assert SurveyResponse.objects.get(wave=12).most_valuable_help.start_date == date(2024, 3, 1)
    event = OutcomeEvent.objects.get()
    assert (event.evidence, event.source, event.created_by) == ("registration", "import", officer)
    again = run(data, officer, commit=True)
    assert {kind: counts["unchanged"] for kind, counts in again.counts.items()} == {
        "assessments": 3,
        "surveys": 2,
        "events": 1,
    }
    assert Assessment.objects.get(date=date(2025, 2, 1)).version == 1


def test_one_problem_keeps_the_whole_file_out_and_says_where(registered, outcome, user_for):
    data = workbook(
        {
            "Metingen": [
                ["referentie", "instrument", "datum", "financien"],
                ["WIJ-2024-00001", "zrm", "01-02-2024", 2],
                ["WIJ-2024-00001", "zrm", "01-03-2024", 7],
                ["WIJ-2099-99999", "zrm", "01-03-2024", 2],
            ],
            "Vragenlijsten": [
                ["referentie", "ronde", "datum"],
                ["WIJ-2024-00001", "T+12", "01-02-2025"],
                ["WIJ-2024-00001", "T+6", "01-03-2025"],
            ],
            "Effecten": [
                ["referentie", "effect", "interventie", "datum", "bron"],
                ["WIJ-2024-00001", outcome.code, "budgetcoaching", "01-02-2024", "document"],
            ],
        }
    )
    result = run(data, user_for(Role.POLICY_OFFICER), commit=True)
    assert not result.written
    where = {(p.sheet, p.row, p.column) for p in result.problems}
    assert ("Metingen", 3, "financien") in where
    assert ("Metingen", 4, "referentie") in where
    assert ("Vragenlijsten", 3, "datum") in where
    assert ("Effecten", 2, "interventie") in where  # no intervention started by then
    assert not any("2099" in p.message for p in result.problems)
    assert not Assessment.objects.exists()
    assert not SurveyResponse.objects.exists()


def test_a_csv_file_is_recognised_by_its_columns(registered, outcome, user_for):
    data = (
        f"referentie;effect;datum;bron\nWIJ-2024-00001;{outcome.code};01-09-2024;document\n"
    ).encode()
    result = run(data, user_for(Role.POLICY_OFFICER), commit=True, name="effecten.csv")
    assert result.written, result.problems
    assert OutcomeEvent.objects.get().evidence == "document"


def test_the_import_page_is_the_officers(client_for, registered, outcome):
    url = reverse("followup:import")
    officer = client_for(Role.POLICY_OFFICER)
    assert officer.get(url).status_code == 200
    upload = SimpleUploadedFile("volgen.xlsx", good_file(outcome))
    response = officer.post(url, {"file": upload})
    assert response.status_code == 200
    assert response.context["result"].written
    assert Assessment.objects.count() == 3
    logged = AccessLogEntry.objects.filter(action="import").values_list("model", flat=True)
    assert set(logged) == {
        "interventions.assessment",
        "interventions.surveyresponse",
        "interventions.outcomeevent",
    }
    for role in (Role.COUNCIL_MEMBER, Role.PROJECT_LEAD, Role.ADMINISTRATOR):
        assert client_for(role).get(url).status_code == 403
    unreadable = officer.post(url, {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4")})
    assert unreadable.context["form"].errors["file"]
