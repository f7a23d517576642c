"""Scenario versions and calculation runs in the database: editing, fixing, reproducing, running."""

import io
import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from calculation import services
from calculation.models import CalculationRun, RunStatus, Scenario, ScenarioVersion
from calculation.selectors import latest_result, registered_intake, scenario_document
from interventions.catalogue.models import InterventionType
from interventions.register.models import InterventionStatus
from siex.core.versioning import ConflictError
from tests.factories import HouseholdFactory, InterventionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(groningen_catalogue):
    return groningen_catalogue


@pytest.fixture
def draft(catalogue, user_for):
    version = services.scenario_create(code="plan", name="Plan", user=None)
    return services.scenario_version_update(
        version=version,
        expected_version=version.version,
        start_year=2026,
        monte_carlo_draws=200,
        intake=[{"intervention_type": "gkb-schuldregeling", "year": 2026, "households": 40}],
        uncertainty=[{"parameter": "cost_factor", "low": 0.9, "high": 1.2}],
    )


def test_a_new_scenario_takes_a_snapshot_of_the_catalogue(draft):
    assert draft.number == 1
    codes = [t["code"] for t in draft.catalogue["intervention_types"]]
    assert "gkb-schuldregeling" in codes
    # A later change of the catalogue does not reach the version.
    InterventionType.objects.filter(code="gkb-schuldregeling").update(unit_cost=1)
    draft.refresh_from_db()
    stored = next(
        t for t in draft.catalogue["intervention_types"] if t["code"] == "gkb-schuldregeling"
    )
    assert stored["unit_cost"] != 1


def test_an_invalid_change_names_the_field_and_saves_nothing(draft):
    with pytest.raises(ValidationError) as error:
        services.scenario_version_update(
            version=draft,
            expected_version=draft.version,
            intake=[{"intervention_type": "bestaat-niet", "year": 2026, "households": -3}],
        )
    messages = " ".join(error.value.messages)
    assert "intake[0].intervention_type" in messages
    assert "intake[0].households" in messages
    draft.refresh_from_db()
    assert draft.intake[0]["intervention_type"] == "gkb-schuldregeling"


def test_horizon_and_draws_are_bounded(draft):
    for change in ({"horizon_years": 31}, {"monte_carlo_draws": 1_000_000}):
        with pytest.raises(ValidationError) as error:
            services.scenario_version_update(
                version=draft, expected_version=draft.version, **change
            )
        assert list(change)[0] in " ".join(error.value.messages)


def test_a_stale_edit_is_a_conflict_and_loses_nothing(draft):
    read_by_both = draft.version
    services.scenario_version_update(version=draft, expected_version=read_by_both, seed=7)
    with pytest.raises(ConflictError):
        services.scenario_version_update(version=draft, expected_version=read_by_both, seed=8)
    draft.refresh_from_db()
    assert draft.seed == 7


def test_a_fixed_version_never_changes(draft):
    fixed = services.scenario_version_fix(version=draft, expected_version=draft.version)
    assert fixed.is_fixed and fixed.fixed_at
    with pytest.raises(services.FixedVersionError):
        services.scenario_version_update(version=fixed, expected_version=fixed.version, seed=3)
    revision = services.scenario_version_new(version=fixed)
    assert revision.number == 2 and not revision.is_fixed
    assert revision.copied_from == fixed
    assert revision.intake == fixed.intake


def test_fixing_freezes_registered_interventions_and_reruns_reproduce(
    draft, django_capture_on_commit_callbacks
):
    draft = services.scenario_version_update(
        version=draft, expected_version=draft.version, count_registered=True
    )
    gkb = InterventionType.objects.get(code="gkb-schuldregeling")
    household = HouseholdFactory(participation_start=date(2026, 1, 1))
    InterventionFactory(
        household=household,
        intervention_type=gkb,
        start_date=date(2026, 3, 1),
        status=InterventionStatus.ACTIVE,
        actual_cost=3000,
    )
    fixed = services.scenario_version_fix(version=draft, expected_version=draft.version)
    assert fixed.registered_intake == [
        {"intervention_type": "gkb-schuldregeling", "year": 2026, "households": 1, "cost": 3000.0}
    ]
    with django_capture_on_commit_callbacks(execute=True):
        first = services.run_start(version=fixed)
    first.refresh_from_db()
    assert first.status == RunStatus.SUCCEEDED

    # The register and the catalogue move on; the fixed version's results do not.
    InterventionFactory(
        household=household,
        intervention_type=gkb,
        start_date=date(2026, 5, 1),
        status=InterventionStatus.ACTIVE,
    )
    InterventionType.objects.filter(pk=gkb.pk).update(unit_cost=99_999)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.run_start(version=fixed)
    second.refresh_from_db()
    assert second.pk != first.pk
    assert second.inputs_hash == first.inputs_hash
    assert second.seed == first.seed and second.model_version == first.model_version
    assert second.results == first.results


def test_one_active_run_per_version(draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = services.run_start(version=draft)
        again = services.run_start(version=draft)
    assert again.pk == first.pk
    assert len(callbacks) == 1  # the job is sent once, after the commit
    with pytest.raises(IntegrityError), transaction.atomic():
        CalculationRun.objects.create(scenario_version=draft)


def test_the_job_is_idempotent(draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        run = services.run_start(version=draft)
    assert services.run_execute(run_id=run.pk) == RunStatus.SUCCEEDED
    run.refresh_from_db()
    results = run.results
    assert services.run_execute(run_id=run.pk) == RunStatus.SUCCEEDED
    run.refresh_from_db()
    assert run.attempts == 1 and run.results == results and run.progress == 100
    assert CalculationRun.objects.filter(scenario_version=draft).count() == 1
    assert set(run.timings) >= {"read", "calculate", "store", "total"}
    assert run.inputs_hash == services.version_inputs_hash(draft)


def test_a_run_that_fails_stores_its_error_and_no_results(
    draft, django_capture_on_commit_callbacks
):
    # A stored version that no longer calculates (written around the services on purpose).
    ScenarioVersion.objects.filter(pk=draft.pk).update(
        intake=[{"intervention_type": "verdwenen", "year": 2026, "households": 5}]
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(version=draft)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "intake[0].intervention_type" in run.error
    assert run.results is None
    assert latest_result(draft) is None


def test_redelivery_is_bounded(draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        run = services.run_start(version=draft)
    # The worker died three times while running this job.
    CalculationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, attempts=services.MAX_ATTEMPTS
    )
    assert services.run_execute(run_id=run.pk) == RunStatus.FAILED
    run.refresh_from_db()
    assert "3" in run.error and run.results is None


def test_registered_intake_counts_started_interventions_with_their_cost(catalogue):
    gkb = InterventionType.objects.get(code="gkb-schuldregeling")
    household = HouseholdFactory(participation_start=date(2025, 1, 1))
    for status, cost, start in [
        (InterventionStatus.ACTIVE, 1000, date(2026, 2, 1)),
        (InterventionStatus.COMPLETED, None, date(2026, 6, 1)),
        (InterventionStatus.STOPPED, 500, date(2026, 7, 1)),
        (InterventionStatus.PLANNED, 700, date(2026, 8, 1)),
        (InterventionStatus.ACTIVE, 900, date(2025, 8, 1)),
    ]:
        InterventionFactory(
            household=household,
            intervention_type=gkb,
            status=status,
            actual_cost=cost,
            start_date=start,
        )
    rows = registered_intake(start_year=2026, horizon_years=10)
    # Active and completed count as households; the stopped one only with its cost; the planned
    # one and the one before the horizon not at all. No actual cost: the catalogue's unit cost.
    assert rows == [
        {
            "intervention_type": "gkb-schuldregeling",
            "year": 2026,
            "households": 2,
            "cost": float(1000 + gkb.unit_cost + 500),
        }
    ]


def test_import_and_export_round_trip(draft):
    document = scenario_document(draft)
    document["code"] = "plan-kopie"
    version = services.scenario_import(document=document)
    assert version.scenario.code == "plan-kopie"
    again = scenario_document(version)
    for key in ("parameters", "intake", "uncertainty", "catalogue"):
        assert again[key] == document[key]
    # Importing a file with an existing code adds a version to that scenario.
    assert services.scenario_import(document=document).number == 2


def test_import_refuses_a_bad_file_whole(catalogue):
    with pytest.raises(ValidationError):
        services.scenario_import(document={"format": "iets-anders"})
    bad = {
        "format": "siex-scenario",
        "version": 1,
        "code": "slecht",
        "parameters": {"start_year": 2026, "horizon_years": 0},
    }
    with pytest.raises(ValidationError) as error:
        services.scenario_import(document=bad)
    assert "parameters.horizon_years" in " ".join(error.value.messages)
    assert not Scenario.objects.filter(code="slecht").exists()


def test_copy_makes_a_new_scenario(draft):
    copy = services.scenario_copy(version=draft, code="plan-b", name="Plan B")
    assert copy.scenario.name == "Plan B" and copy.copied_from == draft
    assert copy.intake == draft.intake


def _write(tmp_path, document) -> str:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_calculate_command_prints_complete_results_as_json(draft, tmp_path):
    out = io.StringIO()
    call_command("calculate", scenario_file=_write(tmp_path, scenario_document(draft)), stdout=out)
    results = json.loads(out.getvalue())
    for key in ("kpis", "year_table", "ledger", "monte_carlo", "tornado", "switching_values"):
        assert key in results
    assert len(results["year_table"]) == 10


def test_calculate_command_prints_a_table(draft, tmp_path):
    out = io.StringIO()
    path = _write(tmp_path, scenario_document(draft))
    call_command("calculate", scenario_file=path, format="table", stdout=out)
    text = out.getvalue()
    assert "NPV" in text and "Year table" in text and "2035" in text


def test_calculate_command_names_the_bad_field(tmp_path, db):
    document = {"format": "siex-scenario", "version": 1, "parameters": {"horizon_years": 40}}
    with pytest.raises(CommandError, match="parameters.horizon_years"):
        call_command("calculate", scenario_file=_write(tmp_path, document), stdout=io.StringIO())
    (tmp_path / "kapot.json").write_text("{niet json", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("calculate", scenario_file=str(tmp_path / "kapot.json"), stdout=io.StringIO())


def test_load_reference_reproduces_the_published_totals_and_is_idempotent(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_reference", "wijkbedrijven", stdout=io.StringIO())
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_reference", "wijkbedrijven", stdout=out)
    assert "already up to date" in out.getvalue()
    scenario = Scenario.objects.get(is_reference=True)
    assert scenario.versions.count() == 1
    version = scenario.versions.get()
    assert version.assumptions  # the assumptions it adds are written down in the scenario
    run = latest_result(version)
    assert CalculationRun.objects.filter(scenario_version=version).count() == 1
    kpis = run.results["kpis"]
    assert round(kpis["costs_undiscounted"]) == 2_610_000
    assert round(kpis["benefits_undiscounted"]) == 9_434_000


def test_demo_scenario_is_built_on_the_catalogue_in_the_database(
    catalogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_scenario", stdout=io.StringIO())
    version = ScenarioVersion.objects.get(scenario__code="demo-groningen-2026")
    assert len(version.catalogue["intervention_types"]) == InterventionType.objects.count()
    run = latest_result(version)
    assert run is not None and run.results["kpis"]["pv_costs"] > 0
