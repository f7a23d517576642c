"""What the dashboard and the council brief show of a version: its key figures as tiles, its GREX
curve and who benefits (``results.charts``), the other fixed versions, and for the brief the
uncertainty, the top of the tornado, the benefits per group of actors and the least founded
assumptions. Everything is read from a run's results as the reader may see them
(``results.disclosure.results_for``): never recomputed, never a household."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from interventions.catalogue.models import ConfidenceGrade
from monitoring.photos.chart_views import map_file_stem
from monitoring.photos.map import district_map as district_map_chart
from monitoring.photos.selectors import district_indicators
from siex.core.charts import Chart

from .. import selectors as calculation_selectors
from ..labels import group_name, group_order
from ..models import CalculationRun, ScenarioVersion
from ..results.cells import Cell, Kind, Label, ResultTable
from ..results.charts import KEY_CHARTS, run_charts
from ..results.disclosure import results_for
from ..results.readers import who_pays
from ..results.tables import run_tables
from . import selectors

#: The key figures of the tiles, in their order (``results.figures``); P(NPV>0) follows them.
TILE_FIGURES = ("npv", "multiplier_discounted", "pv_costs", "pv_benefits", "break_even_years")
#: How many parameters of the tornado the brief shows.
TORNADO_TOP = 5


@dataclass(frozen=True)
class Tile:
    """A key figure as a tile: its label, value, the calendar year it falls in and a hint."""

    key: str
    label: Label
    value: Cell
    year: Cell | None = None
    hint: Label | None = None


@dataclass(frozen=True)
class ChartShown:
    """A chart of a run with the addresses of its downloads."""

    chart: Chart
    csv_url: str
    xlsx_url: str


@dataclass
class Exploitation:
    """A scenario version on the dashboard: its newest finished run, tiles and charts (none when
    it has not been calculated), and the scenario's other fixed versions."""

    version: ScenarioVersion
    run: CalculationRun | None
    tiles: list[Tile] = field(default_factory=list)
    charts: list[ChartShown] = field(default_factory=list)
    others: list[dict[str, Any]] = field(default_factory=list)


def tiles(results: Mapping[str, Any]) -> list[Tile]:
    """The tiles of a results document: NPV, multiplier, costs, benefits, break-even and the
    probability that the NPV is positive (where the Monte Carlo analysis has uncertain
    parameters)."""
    tables = run_tables(results, ["key_figures", "monte_carlo_probabilities"])
    rows = {row.key: row for row in tables["key_figures"].rows}
    shown = []
    for key in TILE_FIGURES:
        row = rows[key]
        year = row.by_column.get("calendar_year")
        shown.append(
            Tile(
                key=key,
                label=row.by_column["measure"].value,  # type: ignore[union-attr]
                value=row.by_column["value"],  # type: ignore[arg-type]
                year=year if year is not None and year.value is not None else None,
                hint=row.note,
            )
        )
    mc = results.get("monte_carlo") or {}
    probability = tables["monte_carlo_probabilities"].rows
    if mc.get("parameters") and probability:
        first = probability[0].by_column
        shown.append(
            Tile(
                key="probability_npv_positive",
                label=first["measure"].value,  # type: ignore[union-attr]
                value=first["value"],  # type: ignore[arg-type]
                hint=_("Share of the Monte Carlo draws with a positive NPV."),
            )
        )
    else:
        shown.append(
            Tile(
                key="probability_npv_positive",
                label=_("Probability that the NPV is positive"),
                value=Cell(None, Kind.SHARE, missing=_("no uncertainty ranges")),
                hint=_("This version gives no uncertainty ranges, so there is no spread."),
            )
        )
    return shown


def key_charts(
    run: CalculationRun, results: Mapping[str, Any], suffix: str = ""
) -> list[ChartShown]:
    """The GREX curve and who pays, who benefits of ``run``, with their downloads; ``suffix``
    keeps the charts of several versions on one page apart."""
    shown = []
    for key, chart in run_charts(results, KEY_CHARTS).items():
        urls = {
            file_format: reverse(
                "calculation:run-chart",
                kwargs={"pk": run.pk, "key": key, "file_format": file_format},
            )
            for file_format in ("csv", "xlsx")
        }
        if suffix:
            chart = replace(chart, key=f"{key}-{suffix}")
        shown.append(ChartShown(chart, urls["csv"], urls["xlsx"]))
    return shown


def exploitation(version: ScenarioVersion, user) -> Exploitation:
    run = calculation_selectors.latest_result(version)
    shown = Exploitation(version=version, run=run)
    if run is not None:
        results = results_for(calculation_selectors.run_results(run), user)
        shown.tiles = tiles(results)
        shown.charts = key_charts(run, results, suffix=f"v{version.pk}")
    return shown


def dashboard(user, picked: ScenarioVersion | None = None) -> dict[str, Any]:
    """The dashboard: per scenario the newest fixed version (or the version ``picked`` for its
    scenario), with the scenario's other fixed versions."""
    versions = selectors.exploitation_versions()
    if picked is not None:
        versions = [v for v in versions if v.scenario_id != picked.scenario_id]
        versions.insert(0, picked)
    others = selectors.other_fixed_versions(versions)
    exploitations = []
    for version in versions:
        shown = exploitation(version, user)
        shown.others = others.get(version.scenario_id, [])
        exploitations.append(shown)
    return {"exploitations": exploitations, "district_map": district_map(user)}


def district_map(user) -> dict[str, Any] | None:
    """The map of the wijken (``monitoring.photos.map``) by the first indicator of the poverty
    theme, today, with its downloads: where poverty sits, at a glance. The map page
    (``photos:map``) colours it by any other indicator and date. Published indicator values
    only (no programme counts), so the council reads it as it is."""
    indicators = district_indicators()
    if not indicators:
        return None
    indicator = indicators[0]
    today = timezone.localdate()
    chart = district_map_chart(indicator, today, file_stem=map_file_stem(indicator.code, today))
    if chart is None:
        return None
    query = "?" + urlencode({"indicator": indicator.code, "datum": today.isoformat()})
    return {
        "chart": chart,
        "csv_url": reverse("photos:map-download", args=["csv"]) + query,
        "xlsx_url": reverse("photos:map-download", args=["xlsx"]) + query,
        "map_url": reverse("photos:map") + query,
    }


# --- the council brief ----------------------------------------------------------------------------


def benefits_by_group(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The benefits (own view, as in "who pays, who benefits") per group of actors (the groups
    of the version's catalogue, in their order), where the results know the actors' groups."""
    labels = results["meta"].get("labels", {})
    sectors = labels.get("actor_sectors") or {}
    if not sectors:
        return []
    totals: dict[str, float] = {}
    for row in who_pays(results):
        group = sectors.get(row["actor"]) or ""
        totals[group] = totals.get(group, 0.0) + (row.get("benefits") or 0.0)
    whole = sum(totals.values())
    order = [code for code in group_order(labels) if code in totals]
    order += [code for code in totals if code not in order]
    return [
        {
            "label": group_name(labels, group),
            "benefits": Cell(totals[group], Kind.MONEY),
            "share": Cell(totals[group] / whole if whole else None, Kind.SHARE, 0),
        }
        for group in order
    ]


def _tornado_top(table: ResultTable) -> ResultTable:
    return replace(table, rows=table.rows[:TORNADO_TOP])


def _first_columns(table: ResultTable, count: int) -> ResultTable:
    """``table`` with its first ``count`` columns (what fits the width of a sheet of A4)."""
    return replace(
        table,
        columns=table.columns[:count],
        rows=tuple(replace(row, cells=row.cells[:count]) for row in table.rows),
    )


def brief(version: ScenarioVersion, run: CalculationRun, user) -> dict[str, Any]:
    """What the council brief of a fixed version shows, from its newest finished run."""
    results = results_for(calculation_selectors.run_results(run), user)
    tables = run_tables(
        results, ["monte_carlo", "monte_carlo_probabilities", "tornado", "who_pays_who_benefits"]
    )
    assumptions = selectors.lowest_grade_assumptions(
        version.catalogue or {}, results, get_language() or "nl"
    )
    for row in assumptions:
        row["grade_label"] = ConfidenceGrade(row["grade"]).label
        row["kind_label"] = _("Outcome") if row["kind"] == "outcome" else _("Unit cost")
    mc = results.get("monte_carlo") or {}
    return {
        "tiles": tiles(results),
        "charts": run_charts(results, KEY_CHARTS),
        "has_monte_carlo": bool(mc.get("parameters")),
        "monte_carlo_draws": mc.get("draws"),
        "monte_carlo": tables["monte_carlo"],
        "monte_carlo_probabilities": tables["monte_carlo_probabilities"],
        "tornado": _tornado_top(tables["tornado"]),
        "tornado_more": max(len(tables["tornado"].rows) - TORNADO_TOP, 0),
        # Actor, costs, benefits, net and both shares; their difference is what the chart shows.
        "who_pays": _first_columns(tables["who_pays_who_benefits"], 6),
        "groups": benefits_by_group(results),
        "assumptions": assumptions,
        "meta": results["meta"],
    }
