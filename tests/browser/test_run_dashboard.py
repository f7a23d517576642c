"""The results page of a fixed version in a real browser, as the council member and as the project
lead read it: every chart draws with data, its table shows the numbers it plots, its downloads
hold exactly the table's rows, small counts stay hidden from the council, the Excel workbook's
formulas give the engine's figures, the content security policy refuses nothing, and axe finds no
serious violation. A screenshot of each page is kept (``shoot``)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from calculation import services
from calculation.models import CalculationRun
from interventions.catalogue.models import InterventionType
from siex.accounts.roles import Role
from tests.calculation.test_workbook import assert_key_figures_match

from .dashboards import (
    SUPPRESSED,
    assert_charts_render,
    assert_downloads_match,
    assert_tables_match_figures,
    watch,
)

pytestmark = pytest.mark.django_db(transaction=True)

#: Households the register holds in the basic job: below the threshold of 10.
REGISTERED = 3
SMALL_TYPE = "basisbaan"


@pytest.fixture
def fixed_run(scenario_version, user_for) -> CalculationRun:
    """A fixed version that counts the register: the plan's 50 households in budget coaching and
    3 registered households in the basic job (a count the council may not read), calculated."""
    from tests.factories import HouseholdFactory, InterventionFactory

    basic_job = InterventionType.objects.get(code=SMALL_TYPE)
    start = scenario_version.start_year
    for _ in range(REGISTERED):
        household = HouseholdFactory(participation_start=date(start, 1, 1))
        InterventionFactory(
            household=household, intervention_type=basic_job, start_date=date(start, 2, 1)
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


def sign_out(page) -> None:
    """Another reader at the same tab: the session goes, the Dutch interface stays."""
    language = [c for c in page.context.cookies() if c["name"] == settings.LANGUAGE_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies(language)


@pytest.mark.parametrize("role", [Role.COUNCIL_MEMBER, Role.PROJECT_LEAD], ids=["council", "lead"])
def test_the_results_of_a_fixed_version_as_charts_tables_downloads_and_workbook(
    page, sign_in, shoot, accessible, fixed_run, role
):
    """One reader, one set of data: the results page, its Excel workbook and the version page."""
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
    # No console error and no refusal by the content security policy (siex.core.charts.staticfiles).
    problems.assert_none()

    # The Excel workbook, downloaded as the reader downloads it: every key figure is a formula
    # over the year table that gives the engine's figure.
    with page.expect_download() as info:
        page.locator(f'a[href="{run_url(fixed_run, "calculation:run-workbook")}"]').click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    assert_key_figures_match(workbook, fixed_run.succeeded_results["kpis"])

    # The version page shows the key charts of its latest run, with the same checks.
    response = page.goto(reverse("calculation:version", kwargs={"pk": version.pk}))
    assert response.status == 200
    assert assert_charts_render(page) == ["chart-grex", "chart-who_pays"]
    assert_tables_match_figures(page)
    assert assert_downloads_match(page) == 4
    shoot(page, "version-page")
    accessible(page)
    problems.assert_none()


def test_the_council_reads_small_counts_as_hidden_and_the_others_rounded(
    page, sign_in, shoot, fixed_run
):
    """53 households (50 planned, 3 registered): the council reads the total rounded to 55, the
    basic job's 3 as "<10" and budget coaching's 50 hidden too (else 55 − 50 would give it
    away), with the amounts resting on them; the project lead reads them all."""
    small = InterventionType.objects.get(code=SMALL_TYPE).name_nl
    coaching = InterventionType.objects.get(code="budgetcoaching").name_nl
    year = str(fixed_run.scenario_version.start_year)

    sign_in(Role.COUNCIL_MEMBER)
    page.goto(run_url(fixed_run))
    per_type = page.locator("table").filter(has_text=small).filter(has_text=coaching)
    small_row = per_type.locator("tbody tr").filter(has_text=small)
    coaching_row = per_type.locator("tbody tr").filter(has_text=coaching)
    for row in (small_row, coaching_row):
        cells = [text.strip() for text in row.locator("td").all_inner_texts()]
        assert cells[0] == SUPPRESSED, cells
        assert all(cell in ("–", "") for cell in cells[1:]), cells
    intake = page.locator("table").filter(has_text="Instroom").first
    first_year = intake.locator("tbody tr").filter(has_text=year).first
    assert "55" in first_year.locator("td").first.inner_text()
    text = page.locator("main").inner_text()
    assert "53" not in text.split()
    shoot(page, "council-small-counts-hidden")
    sign_out(page)

    sign_in(Role.PROJECT_LEAD)
    page.goto(run_url(fixed_run))
    per_type = page.locator("table").filter(has_text=small).filter(has_text=coaching)
    small_cells = per_type.locator("tbody tr").filter(has_text=small).locator("td")
    assert small_cells.first.inner_text().strip() == str(REGISTERED)
    intake = page.locator("table").filter(has_text="Instroom").first
    first_year = intake.locator("tbody tr").filter(has_text=year).first
    assert first_year.locator("td").first.inner_text().strip() == "53"
    shoot(page, "lead-all-counts")
