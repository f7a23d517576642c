"""A council member reads the results of a fixed version that counts the register's
interventions with the household counts disclosure-controlled: a small registered count never
follows from the results (DESIGN §6)."""

import json
from datetime import date

import pytest
from django.urls import reverse

from calculation import services
from calculation.results.disclosure import protected_results
from interventions.catalogue.models import InterventionType
from monitoring.suppression import DisclosureRules
from siex.accounts.roles import Role
from tests.factories import HouseholdFactory, InterventionFactory

from .page_helpers import calculate

pytestmark = pytest.mark.django_db


def test_small_registered_counts_are_hidden_and_the_others_rounded():
    results = {
        "kpis": {"households": 53, "households_planned": 50, "households_registered": 3},
        "year_table": [{"year": 2026, "intake": 53}, {"year": 2027, "intake": 0}],
        "by_intervention_type": [
            {"intervention_type": "a", "households": 47, "costs": 4700.0, "benefits": 9.0},
            {"intervention_type": "b", "households": 4, "costs": 400.0, "benefits": 1.0},
            {"intervention_type": "c", "households": 2, "costs": 200.0, "benefits": 1.0},
        ],
    }
    shown = protected_results(results, DisclosureRules(threshold=10, rounding=5))
    assert shown["kpis"]["households_registered"] is None
    assert shown["kpis"]["households"] == 55
    assert [row["intake"] for row in shown["year_table"]] == [55, 0]
    rows = shown["by_intervention_type"]
    assert rows[0]["households"] == 45 and rows[0]["costs"] == 4700.0
    assert rows[1]["households"] is None and rows[1]["costs"] is None
    assert rows[2]["households"] is None and rows[2]["benefits"] is None
    # The stored (and cached) results are not changed: not a count, not a row.
    assert results["kpis"]["households_registered"] == 3
    assert [row["intake"] for row in results["year_table"]] == [53, 0]
    assert [row["households"] for row in results["by_intervention_type"]] == [47, 4, 2]
    assert results["by_intervention_type"][1]["costs"] == 400.0


@pytest.fixture
def registered_run(scenario_version, user_for):
    coaching = InterventionType.objects.get(code="budgetcoaching")
    for _ in range(3):
        household = HouseholdFactory(participation_start=date(scenario_version.start_year, 1, 1))
        InterventionFactory(
            household=household,
            intervention_type=coaching,
            start_date=date(scenario_version.start_year, 2, 1),
        )
    version = services.scenario_version_update(
        version=scenario_version,
        expected_version=scenario_version.version,
        user=user_for(Role.PROJECT_LEAD),
        count_registered=True,
    )
    fixed = services.scenario_version_fix(version=version, expected_version=version.version)
    return calculate(fixed)


def test_the_council_never_reads_the_small_registered_count(client_for, registered_run):
    assert registered_run.succeeded_results["kpis"]["households_registered"] == 3
    council = client_for(Role.COUNCIL_MEMBER)
    api = council.get(
        reverse("calculation-run-results", kwargs={"pk": registered_run.pk}),
        HTTP_ACCEPT="application/json",
    ).json()
    assert api["kpis"]["households_registered"] is None
    assert api["kpis"]["households"] == 55  # 53 rounded to 5
    download = council.get(reverse("calculation:run-download", kwargs={"pk": registered_run.pk}))
    document = json.loads(download.content)
    assert document["kpis"]["households_registered"] is None
    lead = client_for(Role.PROJECT_LEAD).get(
        reverse("calculation-run-results", kwargs={"pk": registered_run.pk}),
        HTTP_ACCEPT="application/json",
    )
    assert lead.json()["kpis"]["households_registered"] == 3
    page = council.get(reverse("calculation:run", kwargs={"pk": registered_run.pk}))
    assert page.status_code == 200
    sheet = council.get(reverse("calculation:run-workbook", kwargs={"pk": registered_run.pk}))
    assert sheet.status_code == 200
