"""The yearly revision (herziening) and the closing (afsluiting) of an exploitation: past years
carry the registered volumes and paid costs, plan versus actual is split into volume, price and
timing, and a closed exploitation is locked."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from calculation.models import RunStatus, VersionKind, VersionStatus
from calculation.revision.selectors import ex_post, plan_actual
from calculation.revision.services import scenario_close, scenario_version_revise
from calculation.selectors import scenario_document
from calculation.services import (
    ScenarioClosedError,
    run_execute,
    scenario_create,
    scenario_import,
    scenario_version_fix,
    scenario_version_new,
    scenario_version_update,
)
from interventions.catalogue.models import InterventionType
from interventions.register.models import InterventionStatus
from siex.accounts.roles import Role
from tests.factories import InterventionFactory

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
START = THIS_YEAR - 2


def register(year: int, count: int, cost: str, status=InterventionStatus.COMPLETED):
    coaching = InterventionType.objects.get(code="budgetcoaching")
    for _ in range(count):
        InterventionFactory(
            intervention_type=coaching,
            start_date=date(year, 3, 1),
            status=status,
            actual_cost=Decimal(cost),
        )


@pytest.fixture
def lead_user(user_for):
    return user_for(Role.PROJECT_LEAD)


@pytest.fixture
def fixed_plan(groningen_catalogue, lead_user):
    """A fixed plan from two years ago: budget coaching (EUR 1.200 each) for 10, 20 and 30
    households; the register holds 8 at EUR 1.100 two years ago, 25 at EUR 1.300 and one stopped
    at EUR 800 last year, and 5 this year."""
    version = scenario_create(code="herziening", name="Herziening", user=lead_user)
    version = scenario_version_update(
        version=version,
        expected_version=version.version,
        start_year=START,
        horizon_years=5,
        monte_carlo_draws=100,
        intake=[
            {"intervention_type": "budgetcoaching", "year": START + n, "households": h}
            for n, h in enumerate((10, 20, 30))
        ],
    )
    register(START, 8, "1100.00")
    register(START + 1, 25, "1300.00")
    register(START + 1, 1, "800.00", status=InterventionStatus.STOPPED)
    register(THIS_YEAR, 5, "1200.00")
    return scenario_version_fix(version=version, expected_version=version.version, user=lead_user)


def test_a_revision_carries_the_registered_volumes_and_costs_of_the_past_years(
    fixed_plan, lead_user
):
    revision = scenario_version_revise(version=fixed_plan, user=lead_user)
    assert revision.status == VersionStatus.DRAFT
    assert revision.kind == VersionKind.REVISION
    assert revision.number == 2
    assert revision.revises == fixed_plan
    assert revision.revision_date == date(THIS_YEAR, 1, 1)
    assert revision.actuals_until == THIS_YEAR - 1
    # The past years: no plan, the register's actuals (the stopped one paid, not counted).
    assert revision.count_registered
    assert revision.registered_intake == [
        {"intervention_type": "budgetcoaching", "year": START, "households": 8, "cost": 8800.0},
        {
            "intervention_type": "budgetcoaching",
            "year": START + 1,
            "households": 25,
            "cost": 33300.0,
        },
    ]
    # The future keeps the plan.
    assert revision.intake == [
        {"intervention_type": "budgetcoaching", "year": THIS_YEAR, "households": 30}
    ]
    assert revision.realised_outcomes == []
    # The revised version is untouched, and the revision is fixed as any version.
    fixed_plan.refresh_from_db()
    assert fixed_plan.intake[0]["households"] == 10
    fixed = scenario_version_fix(version=revision, expected_version=revision.version)
    assert fixed.registered_intake == revision.registered_intake


def test_plan_versus_actual_of_a_revision_is_worked_out_by_hand(fixed_plan, lead_user):
    revision = scenario_version_revise(version=fixed_plan, user=lead_user)
    comparison = plan_actual(revision)
    assert comparison["years"] == [START, START + 1]
    assert comparison["plan_version"] == fixed_plan.pk
    (coaching,) = comparison["types"]
    # Planned 10 and 20 at 1.200 (36.000); actual 8 for 8.800 and 25 for 33.300 (42.100).
    assert [row.planned_cost for row in coaching.years] == [Decimal(12000), Decimal(24000)]
    assert [row.actual_cost for row in coaching.years] == [Decimal(8800), Decimal(33300)]
    # volume = (33 - 30) * 1.200 = 3.600; price = 42.100 - 36.000 - 3.600 = 2.500.
    assert coaching.volume == Decimal("3600.00")
    assert coaching.price == Decimal("2500.00")
    # Volume by the planned 1/3 and 2/3: 1.200 and 2.400; price by the actual 8/33 and 25/33:
    # 606,06 and 1.893,94; timing: -3.200 - 1.200 - 606,06 and 9.300 - 2.400 - 1.893,94.
    assert [row.volume for row in coaching.years] == [Decimal(1200), Decimal(2400)]
    assert [row.price for row in coaching.years] == [Decimal("606.06"), Decimal("1893.94")]
    assert [row.timing for row in coaching.years] == [Decimal("-5006.06"), Decimal("5006.06")]


def test_only_a_fixed_version_is_revised_and_the_date_must_leave_finished_years(
    fixed_plan, lead_user
):
    draft = scenario_version_new(version=fixed_plan)
    with pytest.raises(ValidationError, match="fixed"):
        scenario_version_revise(version=draft)
    with pytest.raises(ValidationError, match="after the first year"):
        scenario_version_revise(version=fixed_plan, revision_date=date(START, 6, 1))
    with pytest.raises(ValidationError, match="future"):
        scenario_version_revise(version=fixed_plan, revision_date=date(THIS_YEAR + 1, 1, 1))


def test_closing_makes_a_final_version_of_actuals_and_locks_the_exploitation(fixed_plan, lead_user):
    revision = scenario_version_revise(version=fixed_plan, user=lead_user)
    revision = scenario_version_fix(version=revision, expected_version=revision.version)
    leftover = scenario_version_new(version=revision)

    final = scenario_close(version=revision, user=lead_user)
    assert final.kind == VersionKind.FINAL
    assert final.is_fixed
    assert final.revises == revision
    assert final.intake == []  # no plan left
    assert [row["year"] for row in final.registered_intake] == [START, START + 1, THIS_YEAR]
    assert final.actuals_until == final.end_year
    final.scenario.refresh_from_db()
    assert final.scenario.is_closed
    assert final.scenario.closed_by == lead_user

    # Calculated: the final version, the original plan and the last revision, each one run.
    for version in (fixed_plan, revision, final):
        (run,) = version.runs.all()
        assert run_execute(run_id=run.pk) == RunStatus.SUCCEEDED
    result = ex_post(final)
    assert result["original"] == fixed_plan
    assert result["revision"] == revision
    kpis = result["kpis"]
    # All actuals: 8 + 25 + 5 households for 8.800 + 33.300 + 6.000, against the plan's 60.
    assert kpis["final"]["costs_undiscounted"] == pytest.approx(48100)
    assert kpis["original"]["costs_undiscounted"] == pytest.approx(72000)
    assert kpis["revision"]["costs_undiscounted"] == pytest.approx(42100 + 36000)
    assert kpis["final"]["npv"] != kpis["original"]["npv"]

    # Locked: closing twice, new versions, revisions, edits, fixing, importing.
    closed = "is already closed"
    with pytest.raises(ScenarioClosedError, match=closed):
        scenario_close(version=final)
    refused = "is closed: its versions can no longer be changed"
    with pytest.raises(ScenarioClosedError, match=refused):
        scenario_version_new(version=final)
    with pytest.raises(ScenarioClosedError, match=refused):
        scenario_version_revise(version=final)
    with pytest.raises(ScenarioClosedError, match=refused):
        scenario_version_update(version=leftover, expected_version=leftover.version, note="x")
    with pytest.raises(ScenarioClosedError, match=refused):
        scenario_version_fix(version=leftover, expected_version=leftover.version)
    with pytest.raises(ScenarioClosedError, match=refused):
        scenario_import(document=scenario_document(final))
    assert final.scenario.versions.count() == 4


def test_plan_versus_actual_of_a_final_version_compares_with_the_original_plan(
    fixed_plan, lead_user
):
    final = scenario_close(version=fixed_plan, user=lead_user)
    comparison = plan_actual(final)
    assert comparison["years"] == list(range(START, START + 5))
    (coaching,) = comparison["types"]
    assert coaching.planned_volume == 60
    assert coaching.actual_volume == 38
    assert coaching.difference == Decimal(48100 - 72000)
    assert coaching.volume + coaching.price + coaching.timing == coaching.difference
    assert ex_post(final)["revision"] is None


def test_a_new_version_of_a_revision_keeps_its_frozen_actuals(fixed_plan, lead_user):
    revision = scenario_version_revise(version=fixed_plan, user=lead_user)
    register(START, 3, "999.00")  # registered after the revision: not in its copy
    copy = scenario_version_new(version=revision)
    assert copy.kind == VersionKind.REVISION
    assert copy.revises == fixed_plan
    assert copy.revision_date == revision.revision_date
    assert copy.registered_intake == revision.registered_intake


def test_a_revision_keeps_counting_its_registered_actuals(fixed_plan, lead_user):
    revision = scenario_version_revise(version=fixed_plan, user=lead_user)
    with pytest.raises(ValidationError, match="they are the actuals of its past years"):
        scenario_version_update(
            version=revision, expected_version=revision.version, count_registered=False
        )
    changed = scenario_version_update(
        version=revision, expected_version=revision.version, note="Gecontroleerd"
    )
    assert changed.count_registered and changed.note == "Gecontroleerd"
