"""The results of a calculation run as charts (``siex.core.charts``), each drawn from the rows of a
result table (``tables``) so that a chart, its table and its download hold the same figures: the
GREX curve, benefits by actor and by life domain per period, the effecten-arena (per actor and per
actor group), who pays and who benefits, the tornado and the Monte Carlo distribution; the money
views (cost allocation, ledger, budget position) are in ``finance_charts``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from django.utils.translation import gettext as _

from siex.core.charts import PALETTE, Chart, DataCell, base_layout
from siex.core.charts.chart import SEQUENTIAL

from ..labels import name
from . import finance_charts
from .cells import Cell, Kind, Results, ResultTable
from .chart_cells import (
    ChartBuilder,
    cell_value,
    column_values,
    data_cell,
    money,
    money_axis,
    side_by_side_bars,
    table_rows,
)
from .formats import amount, rate, years
from .tables import run_tables

# --- the GREX curve -------------------------------------------------------------------------------


def grex_curve(results: Results, tables: dict[str, ResultTable]) -> Chart:
    """Yearly costs (below the axis) and benefits as bars, the cumulative net as a line and the
    break-even point marked."""
    table = tables["year_table"]
    keys = ("year", "costs", "benefits", "net", "cumulative")
    headers, rows = table_rows(table, keys)
    year_list = [int(year) for year in column_values(table, "year")]
    costs, benefits = column_values(table, "costs"), column_values(table, "benefits")
    cumulative = column_values(table, "cumulative")
    kpis = results["kpis"]
    data = [
        {
            "type": "bar",
            "name": str(headers[1]),
            "x": year_list,
            "y": [-value for value in costs],
            "marker": {"color": PALETTE[3]},
            "hovertemplate": "%{x}: EUR %{y:,.0f}<extra></extra>",
        },
        {
            "type": "bar",
            "name": str(headers[2]),
            "x": year_list,
            "y": benefits,
            "marker": {"color": PALETTE[0]},
            "hovertemplate": "%{x}: EUR %{y:,.0f}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": str(headers[4]),
            "x": year_list,
            "y": cumulative,
            "line": {"color": PALETTE[7], "width": 3},
            "marker": {"symbol": "diamond"},
            "hovertemplate": "%{x}: EUR %{y:,.0f}<extra></extra>",
        },
    ]
    shapes, annotations = [], []
    break_even = kpis.get("break_even_years")
    if break_even is not None and year_list:
        # A bar stands in the middle of its year: the start of the horizon is half a year before.
        x = year_list[0] - 0.5 + break_even
        shapes.append(
            {
                "type": "line",
                "x0": x,
                "x1": x,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": PALETTE[2], "width": 2, "dash": "dash"},
            }
        )
        annotations.append(
            {
                "x": x,
                "yref": "paper",
                "y": 1,
                "text": _("Break-even"),
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "bottom",
            }
        )
    return Chart(
        key="grex",
        title=_("Costs, benefits and cumulative net per year"),
        summary=grex_summary(results),
        data=data,
        layout=base_layout(
            barmode="relative",
            xaxis={"title": {"text": str(headers[0])}, "dtick": 1, "tickformat": "d"},
            yaxis=money_axis(),
            shapes=shapes,
            annotations=annotations,
        ),
        headers=headers,
        rows=rows,
    )


def grex_summary(results: Results) -> str:
    """The finding of the GREX curve: from when the cumulative net stays at or above zero."""
    kpis = results["kpis"]
    break_even = kpis.get("break_even_years")
    if break_even is None:
        final = results["year_table"][-1]["cumulative"] if results["year_table"] else 0
        return _(
            "Break-even is not reached within the horizon: the cumulative net ends at %(amount)s."
        ) % {"amount": amount(final)}
    if break_even == 0:
        return _("The cumulative net is never below zero: the benefits keep up with the costs.")
    return _(
        "The cumulative net reaches zero in %(year)s, %(years)s after the start, and stays at or "
        "above zero until the end of the horizon."
    ) % {"year": kpis.get("break_even_calendar_year"), "years": years(break_even)}


# --- benefits per period --------------------------------------------------------------------------


def _per_period(results: Results, group: str, field: str, key: str, title: str) -> Chart | None:
    """Stacked bars: per period of five years, the benefits of each actor or life domain."""
    periods = results.get("periods") or []
    labels = results["meta"].get("labels", {})
    codes = [
        code
        for code in results["meta"][group]
        if any(abs(period[field].get(code, 0)) > 0.005 for period in periods)
    ]
    if not periods or not codes:
        return None
    names = [name(labels, group, code) for code in codes]
    period_names = [period["period"] for period in periods]
    data = [
        {
            "type": "bar",
            "name": label,
            "x": period_names,
            "y": [period[field].get(code, 0) for period in periods],
            "marker": {"color": PALETTE[index % len(PALETTE)]},
            "hovertemplate": f"{label}, %{{x}}: EUR %{{y:,.0f}}<extra></extra>",
        }
        for index, (code, label) in enumerate(zip(codes, names, strict=True))
    ]
    totals = {code: sum(period[field].get(code, 0) for period in periods) for code in codes}
    largest = max(codes, key=lambda code: totals[code])
    whole = sum(totals.values())
    summary = _(
        "%(name)s receives the largest part of the benefits: %(amount)s of %(total)s (%(share)s)."
    ) % {
        "name": names[codes.index(largest)],
        "amount": amount(totals[largest]),
        "total": amount(whole),
        "share": rate(totals[largest] / whole, 0) if whole else "–",
    }
    headers = (_("Period"), *names)
    rows = tuple(
        (
            DataCell(period["period"], period["period"]),
            *(money(period[field].get(c, 0)) for c in codes),
        )
        for period in periods
    )
    return Chart(
        key=key,
        title=title,
        summary=summary,
        data=data,
        layout=base_layout(barmode="stack", yaxis=money_axis(), xaxis={"type": "category"}),
        headers=tuple(str(header) for header in headers),
        rows=rows,
    )


def actors_per_period(results: Results, tables: dict[str, ResultTable]) -> Chart | None:
    return _per_period(
        results, "actors", "benefits_by_actor", "actors", _("Benefits per actor per period")
    )


def domains_per_period(results: Results, tables: dict[str, ResultTable]) -> Chart | None:
    return _per_period(
        results,
        "domains",
        "benefits_by_domain",
        "domains",
        _("Benefits per life domain per period"),
    )


# --- the effecten-arena ---------------------------------------------------------------------------


def _heat_map(
    table: ResultTable, key: str, title: str, summary: Callable[[list[str], list[str], list], str]
) -> Chart | None:
    """The rows of a matrix table (names × life domains) as a heat map; ``summary`` states its
    finding from the row names, the domains and the values."""
    if not table.rows:
        return None
    domain_columns = [column for column in table.columns if column.key.startswith("domain:")]
    keys = ("name", *(column.key for column in domain_columns))
    headers, rows = table_rows(table, keys)
    names = [str(value) for value in column_values(table, "name")]
    domains = [str(column.label) for column in domain_columns]
    z = [[cell_value(row, column.key) or 0 for column in domain_columns] for row in table.rows]
    return Chart(
        key=key,
        title=title,
        summary=summary(names, domains, z),
        data=[
            {
                "type": "heatmap",
                "x": domains,
                "y": names,
                "z": z,
                "colorscale": SEQUENTIAL,
                "zsmooth": False,
                "texttemplate": "EUR %{z:,.0f}",
                "colorbar": {"tickprefix": "EUR ", "tickformat": ",.0f"},
                "hovertemplate": "%{y}, %{x}: EUR %{z:,.0f}<extra></extra>",
            }
        ],
        # The rows from the top down, in the order of the table.
        layout=base_layout(
            yaxis={"autorange": "reversed"}, margin={"l": 160, "r": 24, "t": 32, "b": 96}
        ),
        headers=headers,
        rows=rows,
    )


def effects_arena(results: Results, tables: dict[str, ResultTable]) -> Chart | None:
    """The actor × life domain matrix as a heat map."""

    def summary(actors: list[str], domains: list[str], z: list) -> str:
        best = max(
            (
                (value, actor, domain)
                for actor, line in zip(actors, z, strict=True)
                for domain, value in zip(domains, line, strict=True)
            ),
            key=lambda item: item[0],
        )
        return _(
            "The largest benefit arises for %(actor)s in the life domain %(domain)s: %(amount)s."
        ) % {"actor": best[1], "domain": best[2], "amount": amount(best[0])}

    return _heat_map(
        tables["actor_domain_matrix"],
        "arena",
        _("Effecten-arena: benefits per actor and life domain"),
        summary,
    )


def effects_arena_by_group(results: Results, tables: dict[str, ResultTable]) -> Chart | None:
    """The effecten-arena with the actors in their groups (participants, residents, government,
    other parties: whatever groups the catalogue has) as a heat map."""

    def summary(groups: list[str], domains: list[str], z: list) -> str:
        totals = [sum(line) for line in z]
        top = totals.index(max(totals))
        whole = sum(totals)
        domain = max(range(len(domains)), key=lambda k: z[top][k])
        return _(
            "Of the groups, %(group)s receives the most: %(amount)s of %(total)s (%(share)s), "
            "most of it in the life domain %(domain)s (%(domain_amount)s)."
        ) % {
            "group": groups[top],
            "amount": amount(totals[top]),
            "total": amount(whole),
            "share": rate(totals[top] / whole, 0) if whole else "–",
            "domain": domains[domain],
            "domain_amount": amount(z[top][domain]),
        }

    return _heat_map(
        tables["group_domain_matrix"],
        "arena_groups",
        _("Effecten-arena by group: benefits per actor group and life domain"),
        summary,
    )


# --- who pays, who benefits -----------------------------------------------------------------------


def who_pays(results: Results, tables: dict[str, ResultTable]) -> Chart | None:
    table = tables["who_pays_who_benefits"]
    if not table.rows:
        return None
    keys = ("name", "cost_share", "benefit_share")
    headers, rows = table_rows(table, keys)
    actors = [str(value) for value in column_values(table, "name")]
    cost_share = [value or 0 for value in column_values(table, "cost_share")]
    benefit_share = [value or 0 for value in column_values(table, "benefit_share")]
    data = side_by_side_bars(
        actors,
        [(headers[1], cost_share, PALETTE[3]), (headers[2], benefit_share, PALETTE[0])],
        "%{y}: %{x:.1%}<extra></extra>",
    )
    gaps = [b - c for b, c in zip(benefit_share, cost_share, strict=True)]
    gainer = actors[gaps.index(max(gaps))]
    payer = actors[gaps.index(min(gaps))]
    if payer == gainer or min(gaps) >= 0:
        summary = _("Each actor's share of the benefits equals its share of the costs.")
    else:
        summary = _(
            "%(payer)s bears a larger share of the costs than of the benefits; %(gainer)s gains "
            "the most: its share of the benefits exceeds its share of the costs by %(points)s "
            "percentage points."
        ) % {"payer": payer, "gainer": gainer, "points": rate(max(gaps), 0).rstrip("%")}
    return Chart(
        key="who_pays",
        title=_("Who pays, who benefits"),
        summary=summary,
        data=data,
        layout=base_layout(
            barmode="group",
            xaxis={"tickformat": ".0%", "range": [0, 1]},
            yaxis={"autorange": "reversed"},
            margin={"l": 160, "r": 24, "t": 32, "b": 96},
        ),
        headers=headers,
        rows=rows,
    )


# --- the tornado ----------------------------------------------------------------------------------


def tornado(results: Results, tables: dict[str, ResultTable]) -> Chart | None:
    table = tables["tornado"]
    if not table.rows:
        return None
    keys = ("label", "npv_low", "npv_high", "swing")
    headers, rows = table_rows(table, keys)
    labels = [str(value) for value in column_values(table, "label")]
    npv = results["kpis"]["npv"]
    lows, highs = column_values(table, "npv_low"), column_values(table, "npv_high")
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": headers[index],
            "y": labels,
            "x": [value - npv for value in values],
            "base": npv,
            "customdata": values,
            "marker": {"color": PALETTE[colour]},
            "hovertemplate": "%{y}: EUR %{customdata:,.0f}<extra></extra>",
        }
        for index, values, colour in ((1, lows, 3), (2, highs, 0))
    ]
    first = table.rows[0]
    ends = (cell_value(first, "npv_low"), cell_value(first, "npv_high"))
    summary = _(
        "The NPV is most sensitive to %(parameter)s: between %(low)s and %(high)s over its range."
    ) % {
        "parameter": cell_value(first, "label"),
        "low": amount(min(ends)),
        "high": amount(max(ends)),
    }
    return Chart(
        key="tornado",
        title=_("Tornado: the NPV at the low and high end of each range"),
        summary=summary,
        data=data,
        layout=base_layout(
            barmode="overlay",
            xaxis=money_axis(),
            yaxis={"autorange": "reversed"},
            margin={"l": 200, "r": 24, "t": 32, "b": 96},
            shapes=[
                {
                    "type": "line",
                    "x0": npv,
                    "x1": npv,
                    "yref": "paper",
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": PALETTE[7], "width": 2},
                }
            ],
        ),
        headers=headers,
        rows=rows,
    )


# --- Monte Carlo ----------------------------------------------------------------------------------


def monte_carlo(results: Results, tables: dict[str, ResultTable]) -> Chart | None:
    """The histogram of the NPV over the draws, its cumulative curve, P10/P50/P90 and P(NPV>0)."""
    mc = results.get("monte_carlo") or {}
    histogram = mc.get("npv_histogram")
    if not histogram or not mc.get("parameters"):
        return None
    counts, edges = histogram["counts"], histogram["edges"]
    draws = sum(counts) or 1
    centres = [(low + high) / 2 for low, high in zip(edges, edges[1:], strict=False)]
    cumulative, running = [], 0
    for count in counts:
        running += count
        cumulative.append(running / draws)
    share = _("Share of the draws, cumulative")
    headers = (_("NPV from"), _("NPV to"), _("Draws"), share)
    rows = tuple(
        (
            money(low),
            money(high),
            data_cell(Cell(count, Kind.NUMBER, 0)),
            data_cell(Cell(part, Kind.SHARE, 1)),
        )
        for low, high, count, part in zip(edges, edges[1:], counts, cumulative, strict=False)
    )
    percentiles = mc["npv"]
    shapes, annotations = [], []
    for label, key in (("P10", "p10"), ("P50", "p50"), ("P90", "p90")):
        value = percentiles.get(key)
        if value is None:
            continue
        shapes.append(
            {
                "type": "line",
                "x0": value,
                "x1": value,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": PALETTE[7], "width": 1, "dash": "dot"},
            }
        )
        annotations.append(
            {
                "x": value,
                "yref": "paper",
                "y": 1,
                "text": label,
                "showarrow": False,
                "yanchor": "bottom",
            }
        )
    data = [
        {
            "type": "bar",
            "name": str(headers[2]),
            "x": centres,
            "y": counts,
            "width": [high - low for low, high in zip(edges, edges[1:], strict=False)],
            "marker": {"color": PALETTE[4], "line": {"color": PALETTE[0], "width": 1}},
            "hovertemplate": "EUR %{x:,.0f}: %{y}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": str(share),
            "x": edges[1:],
            "y": cumulative,
            "yaxis": "y2",
            "line": {"color": PALETTE[1], "width": 3},
            "hovertemplate": "EUR %{x:,.0f}: %{y:.0%}<extra></extra>",
        },
    ]
    summary = _(
        "In %(probability)s of the draws the NPV is positive; half of the draws give at least "
        "%(p50)s (P10 %(p10)s, P90 %(p90)s)."
    ) % {
        "probability": rate(mc["probability_npv_positive"], 0),
        "p50": amount(percentiles.get("p50")),
        "p10": amount(percentiles.get("p10")),
        "p90": amount(percentiles.get("p90")),
    }
    return Chart(
        key="monte_carlo",
        title=_("Monte Carlo: distribution of the NPV"),
        summary=summary,
        data=data,
        layout=base_layout(
            bargap=0,
            xaxis=money_axis(title={"text": _("Net present value (NPV)")}),
            yaxis={"title": {"text": str(headers[2])}},
            yaxis2={
                "overlaying": "y",
                "side": "right",
                "range": [0, 1],
                "dtick": 0.25,
                "tickformat": ".0%",
                "showgrid": False,
            },
            shapes=shapes,
            annotations=annotations,
        ),
        headers=tuple(str(header) for header in headers),
        rows=rows,
    )


#: Every chart of a run, by key, in the order of the results page.
CHARTS: dict[str, ChartBuilder] = {
    "grex": grex_curve,
    "monte_carlo": monte_carlo,
    "actors": actors_per_period,
    "domains": domains_per_period,
    "arena": effects_arena,
    "arena_groups": effects_arena_by_group,
    "who_pays": who_pays,
    "allocation_domains": finance_charts.allocation_by_domain,
    "allocation_actors": finance_charts.allocation_by_actor,
    "ledger": finance_charts.ledger,
    "budget": finance_charts.budget,
    "tornado": tornado,
}
#: The charts the version page shows of its latest run.
KEY_CHARTS = ("grex", "who_pays")


def run_charts(
    results: Results, keys: Sequence[str] = tuple(CHARTS), file_stem: str = ""
) -> dict[str, Chart]:
    """The charts of a results document (those of ``keys`` that have something to show)."""
    tables = run_tables(results)
    charts = {}
    for key in keys:
        chart = CHARTS[key](results, tables)
        if chart is not None:
            charts[key] = replace(chart, file_stem=file_stem) if file_stem else chart
    return charts
