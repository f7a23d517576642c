"""A household's expected return, for the register's household page: what the latest calculation
of the programme expects the household's interventions to bring society. Registered with the
register in ``CalculationConfig.ready`` (``interventions.register.extensions``), so the register
shows it without importing the calculation."""

from __future__ import annotations

from functools import lru_cache

from interventions.register.extensions import ExpectedReturn
from interventions.register.models import Intervention, InterventionStatus

from .models import CalculationRun, RunStatus, VersionStatus


def programme_run() -> CalculationRun | None:
    """The calculation a household's expected return is read from: the newest finished run of
    the newest fixed (vastgestelde) scenario version, else of any version. Without its results:
    ``unit_returns_of`` reads the one part the household page needs."""
    finished = (
        CalculationRun.objects.filter(status=RunStatus.SUCCEEDED)
        .select_related("scenario_version__scenario")
        .defer("results")
    )
    newest = ("-scenario_version__fixed_at", "-finished_at", "-id")
    return (
        finished.filter(scenario_version__status=VersionStatus.FIXED).order_by(*newest).first()
        or finished.order_by("-finished_at", "-id").first()
    )


@lru_cache(maxsize=8)
def unit_returns_of(run_id: int, finished_at=None) -> dict[tuple[str, int], dict]:
    """Unit returns per (intervention type, start year) of a finished run. A finished run's
    results never change, so they are read from the database once per process (the finishing
    time is part of the key, so a database that starts again with the same ids is not
    mistaken for this one)."""
    rows = (
        CalculationRun.objects.filter(pk=run_id)
        .values_list("results__unit_returns", flat=True)
        .first()
    )
    return {(row["intervention_type"], row["year"]): row for row in rows or []}


def expected_return(interventions: list[Intervention]) -> ExpectedReturn | None:
    """What the programme's latest calculation expects ``interventions`` (one household's) to
    bring, per intervention and in all; None before any calculation has finished."""
    run = programme_run()
    if run is None or not interventions:
        return None
    per_cohort = unit_returns_of(run.pk, run.finished_at)
    benefits = benefits_pv = 0.0
    per_intervention: dict[int, float] = {}
    not_forecast = []
    for intervention in interventions:
        row = per_cohort.get((intervention.intervention_type.code, intervention.start_date.year))
        if row is None or intervention.status == InterventionStatus.PLANNED:
            not_forecast.append(intervention)
            continue
        if intervention.status == InterventionStatus.STOPPED:
            # As in the calculation: a stopped intervention costs, but brings no effect.
            per_intervention[intervention.pk] = 0.0
            continue
        per_intervention[intervention.pk] = row["benefits"]
        benefits += row["benefits"]
        benefits_pv += row["benefits_pv"]
    version = run.scenario_version
    return ExpectedReturn(
        benefits=benefits,
        benefits_pv=benefits_pv,
        per_intervention=per_intervention,
        not_forecast=not_forecast,
        scenario_name=version.scenario.name,
        version_number=version.number,
        finished_at=run.finished_at,
        first_year=version.start_year,
        last_year=version.start_year + version.horizon_years - 1,
    )
