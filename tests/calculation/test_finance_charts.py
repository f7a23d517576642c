"""The charts of the money views: the costs laid where the benefits arise (per life domain and
per actor), the municipality's GREX ledger and its budget position. Each plots its result table,
its table holds exactly the plotted rows, and a chart whose table is empty is left out.

Pure: the scenarios are calculated without a database."""

from __future__ import annotations

import pytest
from django.utils import translation

from calculation.results.charts import CHARTS, run_charts
from calculation.results.finance_charts import ALERT_COLOUR, BENEFIT_COLOUR
from calculation.results.formats import amount
from calculation.results.tables import run_tables
from calculation.scenario import calculate_document

from .scenario_docs import (
    GROUPED_ACTORS,
    START,
    intake,
    intervention_type,
    outcome,
    scenario,
    value,
)

approx = pytest.approx


def document(unit_cost: float = 10_000, budget: list[float] | None = None) -> dict:
    """The municipality pays ``unit_cost`` per household in the first year and gets 1,000 a year
    back (cashable) for half of the 10 households; the household gains 300 a year (social) in
    another domain."""
    sections = {}
    if budget is not None:
        sections["budget"] = [
            {"year": START + k, "amount": amount} for k, amount in enumerate(budget)
        ]
    return scenario(
        actors=GROUPED_ACTORS,
        outcomes=[
            outcome(values=[value()]),
            outcome("gezond", domain="gezondheid", values=[value("huishouden", 300, "social")]),
        ],
        types=[intervention_type(unit_cost=unit_cost, links={"werk": 0.5, "gezond": 0.5})],
        intake_rows=[intake(households=10)],
        **sections,
    )


@pytest.fixture(scope="module")
def results() -> dict:
    """A funding gap, and a budget that needs money brought forward in the first two years."""
    return calculate_document(document(budget=[20_000, 40_000, 40_000, 0, 0]))


def test_the_new_charts_are_registered_after_the_tables_they_plot():
    keys = list(CHARTS)
    for key in ("arena_groups", "allocation_domains", "allocation_actors", "ledger", "budget"):
        assert key in keys
    assert keys.index("who_pays") < keys.index("allocation_domains") < keys.index("ledger")
    assert keys.index("ledger") < keys.index("budget") < keys.index("tornado")


@pytest.mark.parametrize(
    "key, table_key",
    [
        ("allocation_domains", "cost_allocation_by_domain"),
        ("allocation_actors", "cost_allocation_by_actor"),
    ],
)
def test_the_cost_allocation_charts_plot_costs_against_benefits(results, key, table_key):
    table = run_tables(results)[table_key]
    with translation.override("en"):
        chart = run_charts(results)[key]
    names = [str(row.by_column["name"].value) for row in table.rows]
    benefits = [row.by_column["benefits"].value for row in table.rows]
    costs = [row.by_column["allocated_costs"].value for row in table.rows]
    bars_benefits, bars_costs = chart.data
    assert bars_benefits["y"] == names and bars_costs["y"] == names
    assert bars_benefits["x"] == approx(benefits)
    assert bars_costs["x"] == approx(costs)
    # Its table: exactly the plotted rows and values.
    assert [[cell.value for cell in row] for row in chart.rows] == [
        [name, approx(b), approx(c)] for name, b, c in zip(names, benefits, costs, strict=True)
    ]
    # The costs are laid in proportion to the benefits, and the summary names the largest part.
    assert sum(costs) == approx(results["kpis"]["costs_undiscounted"])
    largest = names[costs.index(max(costs))]
    assert chart.summary.startswith(
        f"Laid where the benefits arise, the largest part of the costs falls on {largest}: "
    )


def test_the_ledger_chart_plots_the_book_values_and_marks_the_end_value_and_a_funding_gap(
    results,
):
    ledger = results["ledger"]
    assert ledger["funding_gap"] is True
    table = run_tables(results)["ledger_years"]
    with translation.override("en"):
        chart = run_charts(results)["ledger"]
    bars, end_mark, ncw_mark = chart.data
    years = [row.by_column["year"].value for row in table.rows]
    assert bars["x"] == years
    assert bars["y"] == approx([row.by_column["closing_book_value"].value for row in table.rows])
    assert end_mark["y"] == approx([ledger["end_value"]])
    assert ncw_mark["y"] == approx([ledger["ncw"]])
    assert end_mark["x"] == [years[-1] + 0.5] and ncw_mark["x"] == [years[0] - 0.5]
    # The table holds the years and the two marked figures, exactly as plotted.
    values = [row[1].value for row in chart.rows]
    assert [row[0].value for row in chart.rows[: len(years)]] == years
    assert values == approx([*bars["y"], ledger["end_value"], ledger["ncw"]])
    assert str(chart.rows[-1][0].value).startswith("Net present value (NCW, BBV) on 01-01-")
    # A negative NCW is flagged as a funding gap: in the summary, on the chart and in colour.
    assert chart.summary.startswith("Funding gap: the net present value")
    assert amount(ledger["ncw"]) in chart.summary
    assert [note["text"] for note in chart.layout["annotations"]] == ["Funding gap: NCW negative"]
    assert ncw_mark["marker"]["color"] == ALERT_COLOUR


def test_the_ledger_chart_flags_no_funding_gap_when_the_ncw_is_positive():
    results = calculate_document(document(unit_cost=100))
    assert results["ledger"]["ncw"] > 0
    with translation.override("en"):
        chart = run_charts(results)["ledger"]
    assert chart.summary.startswith("No funding gap")
    assert chart.layout["annotations"] == []
    assert chart.data[2]["marker"]["color"] == BENEFIT_COLOUR


def test_the_budget_chart_plots_the_funding_position_and_marks_the_years_brought_forward(results):
    position = results["budget_position"]
    assert position["years_brought_forward"]
    table = run_tables(results)["budget_years"]
    with translation.override("en"):
        chart = run_charts(results)["budget"]
    covered, brought, envelope = chart.data
    rows = table.rows
    assert covered["x"] == brought["x"] == [row.by_column["year"].value for row in rows]
    # Each year's position is one bar: blue when covered, vermilion when brought forward.
    closing = [a if a is not None else b for a, b in zip(covered["y"], brought["y"], strict=True)]
    assert closing == approx([row.by_column["closing"].value for row in rows])
    assert envelope["y"] == approx([row.by_column["budget"].value for row in rows])
    forward = [row.by_column["brought_forward"].value for row in rows]
    assert [year for year, y in zip(brought["x"], brought["y"], strict=True) if y is not None] == (
        position["years_brought_forward"]
    )
    assert all((y is None) == flag for y, flag in zip(covered["y"], forward, strict=True))
    assert (covered["marker"]["color"], brought["marker"]["color"]) == (
        BENEFIT_COLOUR,
        ALERT_COLOUR,
    )
    bars = {"x": covered["x"], "y": closing}
    # Its table: year, budget, closing position and the flag, for exactly the plotted years.
    assert [[cell.value for cell in row] for row in chart.rows] == [
        [year, approx(budget), approx(closing), flag]
        for year, budget, closing, flag in zip(
            bars["x"], envelope["y"], bars["y"], forward, strict=True
        )
    ]
    # The peak pre-financing is marked at the low point, and the summary says it all.
    (peak,) = chart.layout["annotations"]
    assert peak["x"] == position["low_point_year"]
    assert peak["y"] == approx(-position["peak_prefinancing"])
    assert amount(position["peak_prefinancing"]) in peak["text"]
    assert chart.summary.startswith(
        f"Money must be brought forward from later years in {position['years_brought_forward'][0]}"
    )
    assert position["year_repaid"] == START + 2
    assert chart.summary.endswith(f"back at or above zero in {START + 2}.")


def test_the_budget_chart_says_when_the_position_does_not_return_to_zero():
    results = calculate_document(document(budget=[1000] * 5))
    with translation.override("en"):
        chart = run_charts(results)["budget"]
    assert chart.summary.endswith("the position does not return to zero within the horizon.")


def test_a_budget_that_covers_every_year_needs_nothing_brought_forward():
    results = calculate_document(document(budget=[100_000] * 5))
    with translation.override("en"):
        chart = run_charts(results)["budget"]
    assert chart.summary.startswith("The budget envelope covers the municipality's costs")
    assert chart.layout["annotations"] == []
    assert all(y is None for y in chart.data[1]["y"])
    assert None not in chart.data[0]["y"]


def test_without_a_budget_envelope_there_is_no_budget_chart():
    results = calculate_document(document())
    assert results["budget_position"] is None
    assert run_tables(results)["budget_years"].rows == ()
    charts = run_charts(results)
    assert "budget" not in charts
    assert "ledger" in charts and "allocation_domains" in charts


def test_without_benefits_there_is_no_cost_allocation_chart():
    results = calculate_document(scenario(outcomes=[outcome(values=[])]))
    charts = run_charts(results)
    assert "allocation_domains" not in charts and "allocation_actors" not in charts
    assert "ledger" in charts
