"""The register import applies the rule of the forms and the API: a second running intervention
of a type for the same household is a problem in the check, as an import cannot confirm it."""

from datetime import date

import pytest

from interventions.catalogue.models import InterventionType
from interventions.register.models import Household, Intervention
from interventions.register.pseudonyms import pseudonymise
from siex.accounts.roles import Role
from tests.factories import HouseholdFactory, InterventionFactory
from tests.interventions.import_files import (
    HOUSEHOLD_HEADER,
    INTERVENTION_HEADER,
    household_row,
    intervention_row,
    preview,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(user_for):
    return user_for(Role.POLICY_OFFICER)


@pytest.fixture
def register(groningen_areas, groningen_catalogue):
    return groningen_areas


def problems(batch) -> dict:
    return {(e["sheet"], e["row"], e["column"]): e["message"] for e in batch.errors}


def test_a_second_running_one_of_a_registered_type_is_a_problem(register, officer):
    household = HouseholdFactory(
        pseudonym=pseudonymise("WIJ-1"), area=register[0], participation_start=date(2024, 1, 1)
    )
    coaching = InterventionType.objects.get(code="budgetcoaching")
    InterventionFactory(
        household=household,
        intervention_type=coaching,
        start_date=date(2024, 3, 1),
        status="active",
    )
    data = xlsx_bytes(
        {
            "Interventies": [
                INTERVENTION_HEADER,
                intervention_row("WIJ-1", startdatum="01-05-2024", status="actief"),
                # A finished one of the same type is history, not a second running one.
                intervention_row(
                    "WIJ-1", startdatum="01-01-2024", einddatum="31-01-2024", status="afgerond"
                ),
            ]
        }
    )
    batch = preview(data, officer, "register.xlsx")
    found = problems(batch)
    message = found[("Interventies", 2, "interventie")]
    assert f"running intervention {coaching.name_nl} since 01-03-2024" in message
    assert "An import cannot confirm that" in message
    assert list(found) == [("Interventies", 2, "interventie")]
    assert batch.counts["interventions"]["new"] == 1
    assert Intervention.objects.count() == 1


def test_two_running_ones_of_a_type_in_one_file_are_a_problem(register, officer):
    data = xlsx_bytes(
        {
            "Huishoudens": [HOUSEHOLD_HEADER, household_row("WIJ-9", register[0].code)],
            "Interventies": [
                INTERVENTION_HEADER,
                intervention_row("WIJ-9", startdatum="01-02-2024", status="actief"),
                intervention_row("WIJ-9", startdatum="01-04-2024", status="gepland"),
                intervention_row("WIJ-9", "kindpakket", startdatum="01-04-2024"),
            ],
        }
    )
    batch = preview(data, officer, "register.xlsx")
    found = problems(batch)
    assert list(found) == [("Interventies", 3, "interventie")]
    assert "since 01-02-2024" in found[("Interventies", 3, "interventie")]
    assert not Household.objects.exists()
