"""Reads for scenarios and calculation runs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import ExtractYear

from interventions.catalogue.models import InterventionType
from interventions.register.generation import REGISTER
from interventions.register.models import Intervention, InterventionStatus
from siex.core.cached import cached, cached_forever

from .models import CalculationRun, RunStatus, Scenario, ScenarioVersion, VersionStatus
from .scenario import FORMAT, FORMAT_VERSION, LIST_FIELDS, PARAMETER_FIELDS

#: KPIs a reader compares between scenarios, in the order they are shown.
KPI_KEYS = (
    "pv_costs",
    "pv_benefits",
    "npv",
    "multiplier_discounted",
    "multiplier_undiscounted",
    "net_sroi",
    "municipality_financial_return",
    "irr",
    "break_even_years",
    "break_even_calendar_year",
    "break_even_discounted_years",
    "municipality_payback_years",
    "costs_undiscounted",
    "benefits_undiscounted",
)


def scenario_document(version: ScenarioVersion, *, include_registered: bool = True) -> dict:
    """The version as a scenario file's content (``docs/scenario-format.md``): self-contained."""
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "code": version.scenario.code,
        "name": version.scenario.name,
        "description": version.scenario.description,
        "note": version.note,
        "assumptions": version.assumptions,
        "parameters": {name: getattr(version, name) for name in PARAMETER_FIELDS},
        **{name: getattr(version, name) for name in LIST_FIELDS},
    }
    if document["budget"] is None:
        del document["budget"]
    if include_registered and version.registered_intake is not None:
        document["registered_intake"] = version.registered_intake
    document["catalogue"] = version.catalogue
    return document


def registered_intake(*, start_year: int, horizon_years: int) -> list[dict]:
    """Registered interventions per type and start year within the horizon, with their cost
    (the actual cost where entered, else the catalogue's unit cost).

    Planned registrations are left out (they have not started); stopped ones count with their
    cost but bring no household into the effect calculation. One GROUP BY over the whole
    register, so cached under the register's generation (``interventions.register.generation``):
    every change to the register makes the next call count again.
    """
    return cached(
        REGISTER,
        f"registered-intake:{start_year}:{horizon_years}",
        lambda: registered_intake_counted(start_year=start_year, horizon_years=horizon_years),
    )


def registered_intake_counted(*, start_year: int, horizon_years: int) -> list[dict]:
    """``registered_intake`` counted in the database now, without the cache.

    One pass over the register grouped by the type's id and the year, without joining the types
    (a join makes PostgreSQL walk the register type by type and sort it: twice as slow): per
    group the interventions that count, the entered actual costs and how many have none, which
    are costed at the type's unit cost here, exactly (decimals) as the database would."""
    rows = (
        Intervention.objects.filter(
            start_date__year__gte=start_year,
            start_date__year__lt=start_year + horizon_years,
        )
        .exclude(status=InterventionStatus.PLANNED)
        .annotate(year=ExtractYear("start_date"))
        .values("intervention_type_id", "year")
        .annotate(
            households=Count("id", filter=~Q(status=InterventionStatus.STOPPED)),
            actual=Sum("actual_cost"),
            without_actual=Count("id", filter=Q(actual_cost__isnull=True)),
        )
        .order_by()
    )
    types = {
        pk: (code, unit_cost)
        for pk, code, unit_cost in InterventionType.objects.values_list("pk", "code", "unit_cost")
    }
    counted = []
    for row in rows:
        code, unit_cost = types[row["intervention_type_id"]]
        cost = (row["actual"] or Decimal(0)) + (unit_cost or Decimal(0)) * row["without_actual"]
        counted.append(
            {
                "intervention_type": code,
                "year": row["year"],
                "households": row["households"],
                "cost": float(cost),
            }
        )
    return sorted(counted, key=lambda row: (row["intervention_type"], row["year"]))


def registered_for(version: ScenarioVersion) -> list[dict] | None:
    """What a run of ``version`` counts as registered: frozen rows for a fixed version, the live
    register for a draft, nothing when the version does not count registrations."""
    if not version.count_registered:
        return None
    if version.registered_intake is not None:
        return version.registered_intake
    return registered_intake(start_year=version.start_year, horizon_years=version.horizon_years)


def scenario_list(*, fixed_only: bool = False):
    """Scenarios with their newest version and that version's newest run; with ``fixed_only``
    (the council's list) the scenarios with a fixed version, their newest fixed version and the
    number of fixed versions."""
    versions = ScenarioVersion.objects.filter(scenario=OuterRef("pk"))
    counted = Q()
    if fixed_only:
        versions = versions.filter(status=VersionStatus.FIXED)
        counted = Q(versions__status=VersionStatus.FIXED)
    newest = versions.order_by("-number")
    scenarios = Scenario.objects.annotate(
        latest_number=Subquery(newest.values("number")[:1]),
        latest_version_id=Subquery(newest.values("pk")[:1]),
        version_count=Count("versions", filter=counted, distinct=True),
    )
    if fixed_only:
        scenarios = scenarios.filter(Exists(versions))
    return scenarios.order_by("-is_reference", "name")


def latest_run(version: ScenarioVersion) -> CalculationRun | None:
    """The newest run of ``version``, without its results (``run_results`` reads them)."""
    return version.runs.defer("results").order_by("-created_at", "-id").first()


def latest_result(
    version: ScenarioVersion, latest: CalculationRun | None = None
) -> CalculationRun | None:
    """The newest run of ``version`` that finished; never a failed or unfinished one. Without its
    results (``run_results`` reads them). ``latest``, the version's newest run when the caller
    has it already, saves the query when that run finished: a version has at most one active run
    at a time (``services.run_start``), so its newest run that finished is also the one that
    finished last."""
    if latest is not None and latest.status == RunStatus.SUCCEEDED:
        return latest
    return (
        version.runs.defer("results")
        .filter(status=RunStatus.SUCCEEDED)
        .order_by("-finished_at", "-id")
        .first()
    )


#: Where ``run_results`` keeps the results on the run for the rest of the request.
DECODED = "_decoded_results"


def run_results(run: CalculationRun) -> dict[str, Any]:
    """The results of a finished run, read and decoded once: kept on the run for the rest of the
    request and in the cache by run id (a finished run's results never change; its finishing
    time is part of the key, so a database restored with the same ids is not mistaken for this
    one). Reads the results from the database only when neither has them."""
    found: dict[str, Any] | None = getattr(run, DECODED, None)
    if found is not None:
        return found
    if "results" in run.__dict__:
        found = run.succeeded_results
    else:
        if run.status != RunStatus.SUCCEEDED:
            raise ValueError(f"Calculation run {run.pk} has no results: it did not succeed.")
        stamp = run.finished_at.isoformat() if run.finished_at else ""
        found = cached_forever(f"run-results:{run.pk}:{stamp}", lambda: _stored_results(run))
    setattr(run, DECODED, found)
    return found


def _stored_results(run: CalculationRun) -> dict[str, Any]:
    results = CalculationRun.objects.filter(pk=run.pk).values_list("results", flat=True).first()
    if results is None:
        raise ValueError(f"Calculation run {run.pk} has no results: it did not succeed.")
    return results
