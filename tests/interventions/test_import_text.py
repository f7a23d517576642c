"""The register import refuses a control character in a cell (CSV, or XLSX where Excel writes it
as ``_xHHHH_``) and in a column name, naming sheet, row and column; nothing is imported."""

import pytest

from interventions.exchange.models import ImportBatch
from interventions.exchange.problems import ImportFileError
from interventions.exchange.services import import_batch_preview
from interventions.register.models import Household, Intervention
from siex.accounts.roles import Role
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
def officer(user_for):
    return user_for(Role.POLICY_OFFICER)


@pytest.fixture
def register(groningen_areas, groningen_catalogue):
    return groningen_areas


def _control_character_problems(batch: ImportBatch) -> list[dict]:
    return [p for p in batch.errors if "control character" in p["message"]]


def test_a_csv_cell_with_a_control_character_is_a_problem_on_its_row_and_column(register, officer):
    area = register[0].code
    data = csv_bytes(
        [
            HOUSEHOLD_HEADER,
            household_row("WIJ-1", area),
            household_row("WIJ-2", area, inkomensbron="bij\x07stand"),
        ]
    )
    batch = import_batch_preview(data=data, file_name="register.csv", user=officer)
    assert batch.error_count == 1
    (problem,) = _control_character_problems(batch)
    assert (problem["sheet"], problem["row"], problem["column"]) == (
        "register.csv",
        3,
        "inkomensbron",
    )
    assert "position 4" in problem["message"] and "Retype the text" in problem["message"]
    assert not batch.can_be_committed and batch.rows == {}
    assert Household.objects.count() == 0


def test_an_xlsx_cell_with_a_control_character_is_a_problem_on_its_row_and_column(
    register, officer
):
    area = register[0].code
    data = xlsx_bytes(
        {
            "Huishoudens": [HOUSEHOLD_HEADER, household_row("WIJ-1", area)],
            # Excel writes a bell in a cell as _x0007_: XML cannot hold it.
            "Interventies": [
                INTERVENTION_HEADER,
                intervention_row("WIJ-1"),
                intervention_row("WIJ-1", startdatum="01-03-2024", notities="Gesprek_x0007_"),
            ],
        }
    )
    batch = import_batch_preview(data=data, file_name="register.xlsx", user=officer)
    assert batch.error_count == 1
    (problem,) = _control_character_problems(batch)
    assert (problem["sheet"], problem["row"], problem["column"]) == ("Interventies", 3, "notities")
    assert "position 8" in problem["message"]
    assert not batch.can_be_committed
    assert Household.objects.count() == 0 and Intervention.objects.count() == 0


def test_a_column_name_with_a_control_character_is_refused_by_name(register, officer):
    header = [*HOUSEHOLD_HEADER[:-1], "grond\x1bslag"]
    data = csv_bytes([header, household_row("WIJ-1", register[0].code)])
    with pytest.raises(ImportFileError) as error:
        import_batch_preview(data=data, file_name="register.csv", user=officer)
    text = " ".join(error.value.messages)
    assert "the name of the column(s) grondslag contains a control character" in text
    assert ImportBatch.objects.count() == 0


def test_a_file_name_with_a_control_character_is_stored_without_it(register, officer):
    data = csv_bytes([HOUSEHOLD_HEADER, household_row("WIJ-1", register[0].code)])
    batch = import_batch_preview(data=data, file_name="lijst\x07.csv", user=officer)
    assert batch.file_name == "lijst.csv"
