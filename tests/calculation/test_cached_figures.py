"""Figures cached over the whole register and a run's results (``siex.core.cached``) are never
older than the data: after an intervention is added or a run finishes, the pages show the new
figures. These tests commit for real (transactional), as requests do."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calculation import selectors, services
from calculation.models import CalculationRun
from interventions.catalogue.models import InterventionType
from interventions.register.generation import register_changed
from interventions.register.models import Intervention
from monitoring.photos.programme import programme_figures
from siex.accounts.roles import Role
from tests.factories import HouseholdFactory, InterventionFactory

from .page_helpers import calculate, version_url

pytestmark = pytest.mark.django_db(transaction=True)

STALE = "The inputs have changed since this calculation"


@pytest.fixture
def counting(scenario_version, user_for):
    """The draft version counting the register, with 3 households in budget coaching."""
    coaching = InterventionType.objects.get(code="budgetcoaching")
    for _ in range(3):
        household = HouseholdFactory(participation_start=date(scenario_version.start_year, 1, 1))
        InterventionFactory(
            household=household,
            intervention_type=coaching,
            start_date=date(scenario_version.start_year, 2, 1),
        )
    return services.scenario_version_update(
        version=scenario_version,
        expected_version=scenario_version.version,
        user=user_for(Role.PROJECT_LEAD),
        count_registered=True,
    )


def _households(version) -> int:
    rows = selectors.registered_intake(
        start_year=version.start_year, horizon_years=version.horizon_years
    )
    return sum(row["households"] for row in rows)


def _add_intervention(version) -> Intervention:
    household = HouseholdFactory(participation_start=date(version.start_year, 1, 1))
    return InterventionFactory(
        household=household,
        intervention_type=InterventionType.objects.get(code="budgetcoaching"),
        start_date=date(version.start_year, 3, 1),
    )


def test_the_register_count_is_cached_and_counts_a_new_intervention_at_once(counting):
    assert _households(counting) == 3
    with CaptureQueriesContext(connection) as queries:
        assert _households(counting) == 3
    assert not [q for q in queries.captured_queries if "GROUP BY" in q["sql"]]  # from the cache

    _add_intervention(counting)
    assert _households(counting) == 4

    # A write without signals is not seen until it says so (which proves the cache is read) ...
    Intervention.objects.filter(household__participation_start__year=counting.start_year).update(
        status="planned"
    )
    assert _households(counting) == 4
    # ... and every bulk writer does: then the figure is counted again.
    register_changed()
    assert _households(counting) == 0


def test_the_version_page_sees_a_new_intervention_and_a_finished_run(counting, client_for):
    lead = client_for(Role.PROJECT_LEAD)
    first = calculate(counting)
    page = lead.get(version_url(counting))
    assert page.context["result"].pk == first.pk
    assert STALE not in page.content.decode()
    assert lead.get(version_url(counting)).context["result_current"]  # cached, still current

    _add_intervention(counting)
    page = lead.get(version_url(counting))
    assert STALE in page.content.decode()  # the register changed: not current any more
    assert "All results of this calculation" in page.content.decode()

    second = calculate(counting)
    page = lead.get(version_url(counting))
    assert page.context["result"].pk == second.pk
    assert STALE not in page.content.decode()
    first_kpis = selectors.run_results(CalculationRun.objects.get(pk=first.pk))["kpis"]
    second_kpis = selectors.run_results(CalculationRun.objects.get(pk=second.pk))["kpis"]
    assert second_kpis["households_registered"] == 4 != first_kpis["households_registered"]
    shown = lead.get(reverse_run(second)).context
    assert shown["run"].pk == second.pk


def reverse_run(run) -> str:
    from django.urls import reverse

    return reverse("calculation:run", kwargs={"pk": run.pk})


def test_a_runs_results_are_read_once_per_request_and_then_from_the_cache(counting, client_for):
    run = calculate(counting)
    lead = client_for(Role.PROJECT_LEAD)
    lead.get(reverse_run(run))
    with CaptureQueriesContext(connection) as queries:
        for url in (reverse_run(run), version_url(counting)):
            assert lead.get(url).status_code == 200
    reads = [q for q in queries.captured_queries if '"results"' in q["sql"]]
    assert reads == []  # neither page reads the stored results again
    assert selectors.run_results(CalculationRun.objects.defer("results").get(pk=run.pk)) == (
        CalculationRun.objects.get(pk=run.pk).results
    )


def test_the_neighbourhood_photo_counts_a_new_participant_and_a_finished_run(counting):
    area = Intervention.objects.select_related("household__area").first().household.area
    on_date = date(counting.start_year, 6, 30)
    before = programme_figures([area.pk], on_date)
    assert before.participants_active == 1 and before.expected_returns is None
    assert programme_figures([area.pk], on_date).participants_active == 1

    HouseholdFactory(area=area, participation_start=date(counting.start_year, 1, 1))
    assert programme_figures([area.pk], on_date).participants_active == 2

    calculate(counting)
    assert programme_figures([area.pk], on_date).expected_returns is not None
