"""The results page of a fixed version in a real browser, as the council member and as the project
lead read it: every chart draws with data, its table shows the numbers it plots, its downloads
hold exactly the table's rows, small counts stay hidden from the council, the Excel workbook's
formulas give the engine's figures, the content security policy refuses nothing, and axe finds no
serious violation. A screenshot of each page is kept (``shoot``)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from calculation import services
from calculation.models import CalculationRun
from interventions.catalogue.models import InterventionType
from siex.accounts.roles import Role
from tests.calculation.workbook_formulas import Evaluator
from tests.factories import HouseholdFactory, InterventionFactory

from .dashboards import (
    SUPPRESSED,
    assert_charts_render,
    assert_downloads_match,
    assert_tables_match_figures,
    shown_number,
    table_of,
    watch,
)

pytestmark = pytest.mark.django_db(transaction=True)

#: Households the register holds in budget coaching: below the threshold of 10.
REGISTERED = 3


@pytest.fixture
def fixed_run(scenario_version, user_for) -> CalculationRun:
    """A fixed version that counts the register (3 households in budget coaching beside the plan's
    50), calculated."""
    coaching = InterventionType.objects.get(code="budgetcoaching")
    start = scenario_version.start_year
    for _ in range(REGISTERED):
        household = HouseholdFactory(participation_start=date(start, 1, 1))
        InterventionFactory(
            household=household, intervention_type=coaching, start_date=date(start, 2, 1)
        )
    version = services.scenario_version_update(
        version=scenario_version,
        expected_version=scenario_version.version,
        user=user_for(Role.PROJECT_LEAD),
        count_registered=True,
    )
    fixed = services.scenario_version_fix(version=version, expected_version=version.version)
    run = services.run_start(version=fixed, user=None)
    services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.succeeded_results["kpis"]["households_registered"] == REGISTERED
    return run


def run_url(run, name="calculation:run") -> str:
    return reverse(name, kwargs={"pk": run.pk})


@pytest.mark.parametrize("role", [Role.COUNCIL_MEMBER, Role.PROJECT_LEAD], ids=["council", "lead"])
def test_the_results_page_charts_tables_and_downloads_agree(
    page, sign_in, shoot, accessible, fixed_run, role
):
    problems = watch(page)
    sign_in(role)
    response = page.goto(run_url(fixed_run))
    assert response.status == 200
    charts = assert_charts_render(page, minimum=5)
    assert "chart-grex" in charts and "chart-monte_carlo" in charts
    shoot(page, "results-page")
    tables = assert_tables_match_figures(page)
    assert assert_downloads_match(page) == 2 * len(charts)
    # The GREX curve's table holds every year of the horizon.
    version = fixed_run.scenario_version
    years = [row[0] for row in tables["chart-grex"].rows]
    assert years[0] == str(version.start_year) and len(years) == version.horizon_years
    shoot(page, "results-page-tables-open")
    accessible(page)
    problems.assert_none()
