"""The results of a run as charts: each chart plots the rows of its result table, states the
right finding, and its downloads hold exactly the plotted rows."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from calculation.results.charts import CHARTS, grex_summary, run_charts
from calculation.results.tables import run_tables
from calculation.scenario import calculate_document

from .page_helpers import calculate
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


@pytest.fixture(scope="module")
def results() -> dict:
    return calculate_document(
        scenario(
            parameters={"discount_rate": 0.02},
            actors=GROUPED_ACTORS,
            outcomes=[outcome(values=[value(), value("huishouden", 300, "social")])],
            types=[intervention_type(unit_cost=1000, phasing=[0.5, 0.5])],
            intake_rows=[intake(households=10)],
            budget=[{"year": START + k, "amount": 1000} for k in range(5)],
            uncertainty=[
                {"parameter": "unit_cost", "intervention_type": "coach", "low": 800, "high": 1500}
            ],
        )
    )


def test_every_chart_of_a_run_with_everything_is_built(results):
    charts = run_charts(results)
    assert list(charts) == list(CHARTS)
    for chart in charts.values():
        assert chart.summary and chart.rows and chart.data
        assert all(len(row) == len(chart.headers) for row in chart.rows)
        assert chart.layout["separators"] == ",."
        json.dumps(chart.figure)  # the page hands it to plotly as JSON


def test_the_grex_curve_plots_the_year_table(results):
    chart = run_charts(results)["grex"]
    years = results["year_table"]
    costs, benefits, cumulative = chart.data
    assert costs["x"] == [row["year"] for row in years]
    assert costs["y"] == approx([-row["costs"] for row in years])
    assert benefits["y"] == approx([row["benefits"] for row in years])
    assert cumulative["y"] == approx([row["cumulative"] for row in years])
    assert [row[0].value for row in chart.rows] == [row["year"] for row in years]
    assert [row[4].value for row in chart.rows] == approx([row["cumulative"] for row in years])
    assert chart.rows[0][1].text == "EUR\xa05.000"


def test_the_grex_summary_names_the_break_even_year():
    kpis = {"break_even_years": 2.5, "break_even_calendar_year": 2028}
    text = grex_summary({"kpis": kpis, "year_table": []})
    assert "2028" in text and "2,5 years" in text
    missing = grex_summary(
        {"kpis": {"break_even_years": None}, "year_table": [{"cumulative": -1234.0}]}
    )
    assert "not reached" in missing and "−EUR\xa01.234" in missing
    assert "never below zero" in grex_summary({"kpis": {"break_even_years": 0}, "year_table": []})


def test_the_other_charts_plot_their_tables(results):
    charts = run_charts(results)
    tables = run_tables(results)
    matrix = tables["actor_domain_matrix"]
    heat = charts["arena"].data[0]
    assert heat["y"] == [str(row.by_column["name"].value) for row in matrix.rows]
    assert heat["z"][0][0] == approx(matrix.rows[0].cells[1].value)

    who = tables["who_pays_who_benefits"]
    assert charts["who_pays"].data[1]["x"] == approx(
        [row.by_column["benefit_share"].value or 0 for row in who.rows]
    )
    tornado = tables["tornado"].rows[0].by_column
    bars = charts["tornado"].data
    npv = results["kpis"]["npv"]
    assert bars[0]["x"][0] + npv == approx(tornado["npv_low"].value)
    assert str(tornado["label"].value) in charts["tornado"].summary

    periods = results["periods"]
    actors = charts["actors"]
    assert [row[0].value for row in actors.rows] == [period["period"] for period in periods]
    assert sum(sum(trace["y"]) for trace in actors.data) == approx(
        sum(sum(period["benefits_by_actor"].values()) for period in periods)
    )

    mc = results["monte_carlo"]
    histogram = charts["monte_carlo"]
    assert histogram.data[0]["y"] == mc["npv_histogram"]["counts"]
    assert histogram.data[1]["y"][-1] == approx(1.0)
    assert f"{round(mc['probability_npv_positive'] * 100)}%" in histogram.summary


def test_a_run_without_ranges_has_no_tornado_and_no_distribution():
    plain = calculate_document(scenario(intake_rows=[intake(households=10)]))
    charts = run_charts(plain)
    assert "tornado" not in charts and "monte_carlo" not in charts
    assert "grex" in charts


@pytest.mark.django_db
def test_the_results_page_shows_the_charts_and_their_downloads_hold_the_plotted_rows(
    lead, scenario_version
):
    run = calculate(scenario_version)
    response = lead.get(reverse("calculation:run", kwargs={"pk": run.pk}))
    html = response.content.decode()
    assert 'id="chart-grex"' in html and 'id="chart-grex-figure"' in html
    assert "vendor/plotly/plotly.min.js" in html and "js/charts.js" in html
    figure = json.loads(
        unescape(re.search(r'id="chart-grex-figure"[^>]*>(.*?)</script>', html, re.S).group(1))
    )
    chart = run_charts(run.succeeded_results)["grex"]
    assert figure["data"][2]["y"] == approx(chart.data[2]["y"])
    assert 'aria-expanded="false"' in html and 'aria-controls="chart-grex-table"' in html
    csp = response.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src

    url = reverse(
        "calculation:run-chart", kwargs={"pk": run.pk, "key": "grex", "file_format": "csv"}
    )
    download = lead.get(url)
    assert download.status_code == 200
    lines = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == list(chart.headers)
    assert len(lines) - 1 == len(chart.rows)
    assert [line[0] for line in lines[1:]] == [str(row[0].value) for row in chart.rows]
    assert float(lines[1][4].replace(",", ".")) == approx(chart.rows[0][4].value)

    xlsx = lead.get(url.replace(".csv", ".xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == list(chart.headers)
    assert len(values) - 1 == len(chart.rows)
    assert [row[0] for row in values[1:]] == [row[0] for row in chart.sheet_rows()]
    assert [row[4] for row in values[1:]] == approx([row[4] for row in chart.sheet_rows()])

    assert lead.get(url.replace("grex", "nothing")).status_code == 404

    version_page = lead.get(reverse("calculation:version", kwargs={"pk": scenario_version.pk}))
    assert 'id="chart-grex"' in version_page.content.decode()


@pytest.mark.parametrize("key", list(CHARTS))
def test_each_download_holds_exactly_the_plotted_rows(results, key):
    from siex.core.charts import chart_download

    chart = run_charts(results)[key]
    lines = list(
        csv.reader(
            io.StringIO(chart_download(chart, "csv").content.decode("utf-8-sig")), delimiter=";"
        )
    )
    assert lines[0] == list(chart.headers)
    assert len(lines[1:]) == len(chart.rows)
    sheet = load_workbook(io.BytesIO(chart_download(chart, "xlsx").content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == list(chart.headers)
    assert len(values[1:]) == len(chart.rows)
    for got, plotted in zip(values[1:], chart.sheet_rows(), strict=True):
        assert got == [approx(value) if isinstance(value, float) else value for value in plotted]


def test_the_summaries_name_the_largest_share_and_the_biggest_cell(results):
    charts = run_charts(results)
    tables = run_tables(results)
    matrix = tables["actor_domain_matrix"]
    cells = [
        (cell.value, str(row.by_column["name"].value), str(column.label))
        for row in matrix.rows
        for column, cell in zip(matrix.columns, row.cells, strict=True)
        if column.key.startswith("domain:")
    ]
    value, actor, domain = max(cells)
    assert f"for {actor} in the life domain {domain}" in charts["arena"].summary

    periods = results["periods"]
    totals = {}
    for period in periods:
        for code, amount in period["benefits_by_actor"].items():
            totals[code] = totals.get(code, 0) + amount
    largest = max(totals, key=totals.get)
    names = {row.key: str(row.by_column["name"].value) for row in tables["actors"].rows}
    assert charts["actors"].summary.startswith(names[largest])
