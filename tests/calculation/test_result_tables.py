"""The result tables of a run are declared once (``calculation.results.tables``): the command line,
the results page, the API and a workbook render the same tables, with the same figures, labels
and notation."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from calculation import services
from calculation.results.cells import Cell, Kind
from calculation.results.figures import FIGURES, KEY_FIGURES
from calculation.results.formats import cell_text
from calculation.results.tables import TABLE_KEYS, TABLES, run_tables
from calculation.results.text import results_text
from calculation.scenario import calculate_document
from siex.accounts.roles import Role
from siex.core.spreadsheets import xlsx_bytes, xlsx_cell, xlsx_sheet, xlsx_workbook

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
    """Every table has rows: a budget, programme costs, uncertainty ranges, two actors, actor
    groups."""
    return calculate_document(
        scenario(
            parameters={"discount_rate": 0.02},
            actors=GROUPED_ACTORS,
            outcomes=[outcome(values=[value(), value("huishouden", 300, "social")])],
            types=[intervention_type(unit_cost=1000, phasing=[0.5, 0.5])],
            intake_rows=[intake(households=10)],
            programme_costs=[
                {"category": "staff", "actor": "gemeente", "year": START, "amount": 2000}
            ],
            budget=[{"year": START + k, "amount": 1000} for k in range(5)],
            uncertainty=[
                {"parameter": "unit_cost", "intervention_type": "coach", "low": 800, "high": 1500}
            ],
        )
    )


def test_each_table_is_declared_once_with_a_title_an_explanation_and_typed_columns(results):
    assert len(set(TABLE_KEYS)) == len(TABLES)
    built = run_tables(results)
    assert list(built) == list(TABLE_KEYS)
    for table in built.values():
        assert str(table.title) and str(table.explanation), table.key
        assert all(str(column.label) and isinstance(column.kind, Kind) for column in table.columns)
        for row in table.rows:
            assert len(row.cells) == len(table.columns), table.key
            assert all(cell is None or isinstance(cell.kind, Kind) for cell in row.cells)
        assert table.rows, f"{table.key} has no rows for a scenario that has everything"


def test_the_tables_read_the_figures_of_the_results_document(results):
    tables = run_tables(results)
    years = tables["year_table"]
    assert [row.key for row in years.rows] == [str(START + k) for k in range(5)]
    for row, source in zip(years.rows, results["year_table"], strict=True):
        assert row.by_column["costs"].value == source["costs"]
        assert row.by_column["discount_factor"] == Cell(source["discount_factor"], Kind.NUMBER, 4)
    totals = years.totals.by_column
    assert totals["costs"].value == results["kpis"]["costs_undiscounted"]
    assert totals["net_discounted"].value == results["kpis"]["npv"]
    assert totals["costs_interventions"] is None  # not summed: an empty cell

    figures = {row.key: row for row in tables["key_figures"].rows}
    assert list(figures) == list(KEY_FIGURES)
    assert figures["npv"].by_column["value"] == Cell(results["kpis"]["npv"], Kind.MONEY, 0)
    assert (
        figures["break_even_years"].by_column["calendar_year"].value
        == (results["kpis"]["break_even_calendar_year"])
    )
    assert "irr" in figures and "calendar_year" not in {
        key for key, cell in figures["irr"].by_column.items() if cell is not None
    }
    assert str(figures["irr"].note) == str(FIGURES["irr"].hint)

    who_pays = {row.key: row.by_column for row in tables["who_pays_who_benefits"].rows}
    source = {row["actor"]: row for row in results["who_pays_who_benefits"]}
    assert who_pays["gemeente"]["cost_share"].value == source["gemeente"]["cost_share"]
    assert who_pays["gemeente"]["cost_share"].kind is Kind.SHARE
    assert who_pays["gemeente"]["name"].value == "Municipality"

    tornado = tables["tornado"].rows[0].by_column
    assert tornado["low"] == Cell(800, Kind.MONEY, 0)  # a unit cost reads in euros

    # The ledger's dates read as every date of SIEX: 31-12-2030.
    ledger = [cell_text(row.cells[0]) for row in tables["ledger"].rows]
    assert ledger[0] == f"End value on 31-12-{START + 4}"
    assert ledger[1] == f"Net present value (NCW, BBV) on 01-01-{START}"


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (Cell(1234567.5, Kind.MONEY), "EUR\u00a01.234.568"),
        (Cell(-1500, Kind.MONEY), "−EUR\u00a01.500"),
        (Cell(12.5, Kind.NUMBER, 1), "12,5"),
        (Cell(0.97799511, Kind.NUMBER, 4), "0,978"),
        (Cell(1.3849, Kind.RATIO, 2), "1,38"),
        (Cell(0.0225, Kind.PERCENT, 2), "2,25%"),
        (Cell(0.1234, Kind.SHARE, 1), "12,3%"),
        (Cell(0.566, Kind.SHARE, 0), "57%"),
        (Cell(2031, Kind.YEAR), "2031"),
        (Cell(3.46, Kind.YEARS, 1), "3,5 years"),
        (Cell(None, Kind.YEARS, 1), "not reached"),
        (Cell([2027, 2028], Kind.YEAR_LIST), "2027, 2028"),
        (Cell([], Kind.YEAR_LIST), "none"),
        (Cell(True, Kind.FLAG), "yes"),
        (Cell(None, Kind.MONEY), "–"),
        (Cell(None, Kind.YEAR, missing="not needed"), "not needed"),
        (Cell("Gemeente", Kind.TEXT), "Gemeente"),
        (None, ""),
    ],
)
def test_every_kind_reads_in_the_dutch_notation(cell, text):
    assert cell_text(cell) == text


def test_the_command_line_prints_every_table_with_its_columns(results):
    text = results_text(results)
    for table in run_tables(results).values():
        assert str(table.title) in text, table.key
        for column in table.columns:
            assert str(column.label) in text, (table.key, column.key)
    without_budget = {**results, "budget_position": None}
    assert (
        "This scenario has no budget envelope, so no budget position was calculated."
        in results_text(without_budget)
    )


def test_the_tables_are_rows_of_typed_cells_a_workbook_can_hold(results):
    workbook = xlsx_workbook()
    for table in run_tables(results).values():
        rows = list(table.sheet_rows())
        sheet = xlsx_sheet(workbook, table.title, [cell.sheet_value for cell in rows[0]])
        for row in rows[1:]:
            sheet.append(
                [
                    None
                    if cell is None
                    else xlsx_cell(sheet, cell.sheet_value, number_format=cell.number_format)
                    for cell in row
                ]
            )
    book = load_workbook(io.BytesIO(xlsx_bytes(workbook)))
    years = book["Year table"]
    assert [cell.value for cell in years[1]][:3] == ["Year", "Intake", "Intervention costs"]
    first = years[2]
    assert first[0].value == START
    assert first[2].value == approx(results["year_table"][0]["costs_interventions"])
    assert first[2].number_format == "#,##0"
    assert years[7][0].value == "Total"
    shares = book["Who pays, who benefits"]
    assert shares[1][4].value == "Share of the costs"
    assert shares[2][4].number_format == "0.0%"
    assert shares[2][4].value == approx(results["who_pays_who_benefits"][0]["cost_share"])


@pytest.mark.django_db
def test_the_results_page_and_the_api_show_the_tables_of_the_description(
    client_for, scenario_version
):
    run = services.run_start(version=scenario_version)
    services.run_execute(run_id=run.pk)
    run.refresh_from_db()
    client = client_for(Role.PROJECT_LEAD)
    html = client.get(reverse("calculation:run", kwargs={"pk": run.pk})).content.decode()
    page = re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
    tables = run_tables(run.results)
    for table in tables.values():
        if table.facts or not table.rows:
            continue
        assert f"<caption>{table.explanation}</caption>" in unescape(html), table.key
        for column in table.columns:
            assert str(column.label) in page, (table.key, column.key)
        for cell in table.rows[0].cells:
            assert cell_text(cell) in page, (table.key, cell)

    answer = client.get(f"/api/v1/calculation-runs/{run.pk}/tables/").json()
    assert answer["run"] == run.pk
    assert [table["key"] for table in answer["tables"]] == list(TABLE_KEYS)
    years = answer["tables"][TABLE_KEYS.index("year_table")]
    assert [column["kind"] for column in years["columns"]][:3] == ["year", "number", "money"]
    first = years["rows"][0]["cells"]
    assert first[4]["value"] == run.results["year_table"][0]["costs"]
    assert first[4]["text"] == cell_text(tables["year_table"].rows[0].cells[4])
    assert years["totals"]["cells"][2] == {"value": None, "kind": "text", "decimals": 0, "text": ""}
