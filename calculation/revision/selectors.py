"""Reads of the lifecycle of an exploitation: plan versus actual of a version, and the ex-post
result of a closed one. Aggregates per intervention type and year only, never a household."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import numpy as np
from django.conf import settings
from django.utils import timezone

from monitoring.suppression import (
    DisclosureRules,
    protect_table,
    suppress_total,
    suppression_mask,
    table_mask,
)

from ..engine import price_index
from ..labels import catalogue_labels, name
from ..models import ScenarioVersion, VersionKind, VersionStatus
from ..scenario import parse_scenario
from ..selectors import KPI_KEYS, latest_result, registered_for, run_results, scenario_document
from .actuals import registered_actuals
from .variance import TypeSeries, TypeVariance, split

#: The key figures of the ex-post comparison, in the order they are shown.
EX_POST_KEYS = tuple(
    key
    for key in KPI_KEYS
    if key
    in {
        "npv",
        "multiplier_discounted",
        "multiplier_undiscounted",
        "pv_costs",
        "pv_benefits",
        "costs_undiscounted",
        "benefits_undiscounted",
    }
)


def original_plan(version: ScenarioVersion) -> ScenarioVersion | None:
    """The original plan of the exploitation: its first fixed version."""
    return (
        version.scenario.versions.filter(status=VersionStatus.FIXED, kind=VersionKind.PLAN)
        .order_by("number")
        .first()
    )


def _planned(version: ScenarioVersion) -> tuple[dict[str, Any], list[str], int]:
    """Planned volumes and cohort costs per type code and calendar year of ``version``: the
    planned intake at its unit cost (indexed to the intake year on a nominal price basis) plus
    the registered interventions the version counts, at their cost. Also the type codes in
    catalogue order and the start year."""
    inputs = parse_scenario(
        scenario_document(version, include_registered=False), registered=registered_for(version)
    ).inputs
    index = price_index(inputs.cost_indexation, inputs.horizon, inputs.price_basis)
    volumes = inputs.planned + inputs.registered
    costs = inputs.planned * inputs.planned_unit_cost * index[None, :] + inputs.registered_cost
    planned: dict[str, Any] = {}
    for i, code in enumerate(inputs.types):
        planned[code] = {
            "unit_cost": float(inputs.type_unit_cost[i]),
            "volume": {inputs.start_year + t: float(volumes[i, t]) for t in range(inputs.horizon)},
            "cost": {inputs.start_year + t: float(costs[i, t]) for t in range(inputs.horizon)},
        }
    return planned, list(inputs.types), inputs.start_year


def _actual(rows: list[dict]) -> dict[tuple[str, int], tuple[float, float]]:
    totals: dict[tuple[str, int], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in rows:
        key = (row["intervention_type"], int(row["year"]))
        totals[key][0] += float(row.get("households") or 0)
        totals[key][1] += float(row.get("cost") or 0)
    return {key: (value[0], value[1]) for key, value in totals.items()}


def comparison_basis(version: ScenarioVersion) -> tuple[ScenarioVersion, list[dict], list[int]]:
    """What plan versus actual of ``version`` compares: the plan, the actual rows and the years.

    A revision or final version sets its frozen actuals against the original plan (the first
    fixed version, the one the council decided on); a plan version sets the register against
    itself, for its finished years (before 1 January of this year).
    """
    if version.actuals_until is not None:
        plan = original_plan(version) or version.revises or version
        last = version.actuals_until
        rows = [row for row in version.registered_intake or [] if int(row["year"]) <= last]
    else:
        plan = version
        last = min(timezone.localdate().year - 1, version.end_year)
        rows = registered_actuals(start_year=version.start_year, last_year=last)
    return plan, rows, list(range(version.start_year, last + 1))


def plan_actual(version: ScenarioVersion, *, suppress: bool = False) -> dict[str, Any]:
    """Plan versus actual per intervention type and year, the cost variance split into volume,
    price and timing (``variance.split``), with totals. A document the tables read.

    With ``suppress`` (a council member's view, DESIGN §6) the actual figures of small cells are
    marked hidden: ``hidden`` holds the (type, year) cells and ``hidden_types`` the types whose
    totals are hidden (``small_cells``)."""
    plan, rows, years = comparison_basis(version)
    planned, codes, _start = _planned(plan)
    actual = _actual(rows)
    labels = catalogue_labels(version.catalogue)
    plan_labels = catalogue_labels(plan.catalogue)
    for code, _year in actual:
        if code not in planned:
            codes.append(code)
    variances: list[TypeVariance] = []
    series_list: list[TypeSeries] = []
    for code in codes:
        entry = planned.get(code, {"unit_cost": 0.0, "volume": {}, "cost": {}})
        series = TypeSeries(
            code=code,
            name=name(labels, "intervention_types", code)
            if code in labels.get("intervention_types", {})
            else name(plan_labels, "intervention_types", code),
            planned_volume=[entry["volume"].get(year, 0.0) for year in years],
            planned_cost=[entry["cost"].get(year, 0.0) for year in years],
            actual_volume=[actual.get((code, year), (0.0, 0.0))[0] for year in years],
            actual_cost=[actual.get((code, year), (0.0, 0.0))[1] for year in years],
            reference_unit_cost=entry["unit_cost"],
        )
        variance = split(series, years)
        if (
            variance.planned_cost
            or variance.actual_cost
            or variance.planned_volume
            or (variance.actual_volume)
        ):
            variances.append(variance)
            series_list.append(series)
    hidden, hidden_types, hidden_total = (
        small_cells(variances) if suppress else (set(), set(), False)
    )
    if suppress:
        rules = DisclosureRules.from_settings()
        variances = [
            split(rounded_series(series, variance, rules), years)
            for series, variance in zip(series_list, variances, strict=True)
        ]
    return {
        "version": version.pk,
        "disclosure_controlled": suppress,
        "count_rounding": DisclosureRules.from_settings().rounding,
        "plan_version": plan.pk,
        "plan_number": plan.number,
        "years": years,
        "types": variances,
        "hidden": hidden,
        "hidden_types": hidden_types,
        "hidden_total": hidden_total,
        "realised_outcomes": council_outcome_counts(version.realised_outcomes)
        if suppress
        else version.realised_outcomes,
    }


#: The smallest band actual costs are rounded to for a council member (for a type without a
#: unit cost to price a volume with).
MINIMUM_COST_BAND = 1000.0


def cost_band(variance: TypeVariance, rules: DisclosureRules) -> float:
    """The band a council member's actual costs of a type are rounded to: the planned unit cost
    (public) times the rounding base of counts, so that a cost divided by the unit cost gives
    the volume back no finer than the rounded count does."""
    return max(float(variance.planned_unit_cost) * rules.rounding, MINIMUM_COST_BAND)


def rounded_series(
    series: TypeSeries, variance: TypeVariance, rules: DisclosureRules
) -> TypeSeries:
    """``series`` as a council member sees it (DESIGN §6, CBS practice): each year's actual
    volume rounded to a multiple of the rounding base and its actual cost to the type's cost
    band, the plan (public) as it is. The split of the difference is then computed from these
    figures, so it holds exactly for what is shown and gives no exact actual back; and a
    cell hidden in one year's table no longer follows exactly from the type's totals shown
    before and after a year was added (docs/disclosure.md)."""
    band = cost_band(variance, rules)
    return TypeSeries(
        code=series.code,
        name=series.name,
        planned_volume=series.planned_volume,
        planned_cost=series.planned_cost,
        actual_volume=[float(rules.rounded(value)) for value in series.actual_volume],
        actual_cost=[math.floor(float(value) / band + 0.5) * band for value in series.actual_cost],
        reference_unit_cost=series.reference_unit_cost,
    )


def small_cells(
    variances: list[TypeVariance],
) -> tuple[set[tuple[str, int]], set[str], bool]:
    """The actual figures a council member may not see (DESIGN §6): per type and year the cells
    with fewer interventions than the threshold, the type totals and the grand total below it,
    and as many others as needed so that none follows from the totals shown
    (``monitoring.suppression.table_mask``: types as rows, years as columns, the totals as the
    margins). Actual costs go with their count: a cost of a few households is theirs."""
    threshold = settings.SIEX_SMALL_CELL_THRESHOLD
    if not variances:
        return set(), set(), False
    counts = np.array([[float(row.actual_volume) for row in v.years] for v in variances])
    if not counts.size:
        totals = np.array([float(variance.actual_volume) for variance in variances])
        type_mask = suppression_mask(totals, threshold)
        hidden_types = {v.code for v, hide in zip(variances, type_mask, strict=True) if hide}
        return set(), hidden_types, suppress_total(int(totals.sum()), threshold)
    mask = table_mask(counts, threshold)
    rows, columns = counts.shape
    hidden = {
        (variance.code, row.year)
        for i, variance in enumerate(variances)
        for j, row in enumerate(variance.years)
        if mask[i, j]
    }
    hidden_types = {variance.code for i, variance in enumerate(variances) if mask[i, columns]}
    return hidden, hidden_types, bool(mask[rows, columns])


def council_outcome_counts(rows: list[dict]) -> list[dict]:
    """Realised outcomes per outcome and year as a council member may see them: every outcome
    and year of the table (an absent row would say 0), through disclosure control as one
    two-way table (``monitoring.suppression.protect_table``)."""
    if not rows:
        return rows
    outcomes = list(dict.fromkeys(row["outcome"] for row in rows))
    years = sorted({row["year"] for row in rows})
    table = np.zeros((len(outcomes), len(years)))
    for row in rows:
        table[outcomes.index(row["outcome"]), years.index(row["year"])] += row["count"]
    shown = protect_table(table, DisclosureRules.from_settings())
    return [
        {"outcome": outcome, "year": year, "count": shown.cells[i][j]}
        for i, outcome in enumerate(outcomes)
        for j, year in enumerate(years)
    ]


def comparison_versions(final: ScenarioVersion) -> list[ScenarioVersion]:
    """The versions the ex-post result is set against: the original plan (the first fixed
    version) and the last fixed revision, where there is one."""
    fixed = final.scenario.versions.filter(status=VersionStatus.FIXED).exclude(pk=final.pk)
    original = fixed.order_by("number").first()
    revision = fixed.filter(kind=VersionKind.REVISION).order_by("-number").first()
    return [version for version in (original, revision) if version is not None]


def ex_post(final: ScenarioVersion) -> dict[str, Any] | None:
    """The ex-post result of a closed exploitation: the key figures of its final version next to
    those of the original plan and the last revision (each from its newest finished
    calculation). None for a version that is not a final one."""
    if final.kind != VersionKind.FINAL:
        return None
    compared = comparison_versions(final)
    original = compared[0] if compared else None
    revision = compared[1] if len(compared) > 1 else None

    def kpis(version: ScenarioVersion | None) -> dict | None:
        run = latest_result(version) if version is not None else None
        return run_results(run)["kpis"] if run is not None else None

    return {
        "final": final,
        "original": original,
        "revision": revision,
        "kpis": {"final": kpis(final), "original": kpis(original), "revision": kpis(revision)},
    }
