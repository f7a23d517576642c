"""The Excel workbook of a calculation run: its formulas, evaluated from the workbook alone,
give the engine's figures; the wijkbedrijven reference reproduces its published totals; the
discount rate is a live input; catalogue text never runs as a formula.

Pure: the scenarios are calculated without a database (the download is tested in
``test_workbook_download``).
"""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import load_workbook

from calculation.results.workbook import RunInfo, run_workbook
from calculation.scenario import calculate_document
from siex.core.spreadsheets import xlsx_bytes

from .workbook_formulas import Evaluator

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "calculation" / "data" / "reference_wijkbedrijven.json"
DEMO = ROOT / "calculation" / "data" / "demo_scenario_groningen.json"
CATALOGUE = ROOT / "interventions" / "data" / "catalogue_groningen.json"

SHEETS = (
    "Uitgangspunten",
    "Jaartabel",
    "Kerncijfers",
    "Partijen",
    "Leefdomeinen",
    "Exploitatie gemeente",
    "Effectenarena",
    "Aannames",
    "Alle tabellen",
)
KEY_FIGURES = {
    "Contante waarde van de kosten": "pv_costs",
    "Contante waarde van de baten": "pv_benefits",
    "Netto contante waarde (NCW)": "npv",
    "NCW met de functie NHW van het rekenblad (controle)": "npv",
    "Kosten, onverdisconteerd": "costs_undiscounted",
    "Baten, onverdisconteerd": "benefits_undiscounted",
    "Saldo, onverdisconteerd": "net_undiscounted",
    "Multiplier, verdisconteerd": "multiplier_discounted",
    "Multiplier, onverdisconteerd": "multiplier_undiscounted",
    "Netto SROI (NCW / contante waarde van de kosten)": "net_sroi",
    "Terugverdienmoment, onverdisconteerd (jaren na de start)": "break_even_years",
    "Terugverdienjaar, onverdisconteerd": "break_even_calendar_year",
    "Terugverdienmoment, verdisconteerd (jaren na de start)": "break_even_discounted_years",
    "Terugverdienjaar, verdisconteerd": "break_even_discounted_calendar_year",
    "Financieel rendement voor de gemeente": "municipality_financial_return",
    "Terugverdientijd voor de gemeente": "municipality_payback_years",
    "Terugverdienjaar voor de gemeente": "municipality_payback_calendar_year",
}
YEAR_COLUMNS = {
    "Kosten": "costs",
    "Maatschappelijke baten": "benefits",
    "Saldo": "net",
    "Cumulatief": "cumulative",
    "Disconteringsfactor": "discount_factor",
    "Kosten, verdisconteerd": "costs_discounted",
    "Baten, verdisconteerd": "benefits_discounted",
    "Saldo, verdisconteerd": "net_discounted",
    "Cumulatief, verdisconteerd": "cumulative_discounted",
}


def close(value, expected) -> bool:
    return value == pytest.approx(expected, rel=1e-9, abs=1e-6)


def document(path: Path, **parameters) -> dict:
    with open(path, encoding="utf-8") as handle:
        scenario = json.load(handle)
    # The uncertainty analysis does not enter the workbook's formulas: few draws suffice.
    scenario["parameters"].update(monte_carlo_draws=200, **parameters)
    if "catalogue" not in scenario:
        with open(CATALOGUE, encoding="utf-8") as handle:
            scenario["catalogue"] = json.load(handle)
    return scenario


def workbook_of(scenario: dict, results: dict | None = None):
    results = results or calculate_document(scenario)
    info = RunInfo(
        scenario=scenario["name"],
        scenario_code=scenario["code"],
        version="1",
        run="7",
        model_version=results["meta"]["model_version"],
        inputs_hash="abc123",
        seed=scenario["parameters"].get("seed"),
        assumptions=scenario.get("assumptions", ()),
        overrides=scenario.get("overrides", ()),
        catalogue=scenario["catalogue"],
    )
    with translation.override("nl"):
        workbook = run_workbook(results, info)
    # As the user receives it: saved and opened again, formulas kept.
    return load_workbook(io.BytesIO(xlsx_bytes(workbook))), results


def rows_by_label(sheet) -> dict[str, int]:
    return {sheet.cell(row=r, column=1).value: r for r in range(1, sheet.max_row + 1)}


def key_figures(workbook) -> dict[str, object]:
    evaluator = Evaluator(workbook)
    rows = rows_by_label(workbook["Kerncijfers"])
    return {label: evaluator.cell("Kerncijfers", row=rows[label], column=2) for label in rows}


def columns_by_label(sheet) -> dict[str, int]:
    return {sheet.cell(row=1, column=c).value: c for c in range(1, sheet.max_column + 1)}


@pytest.fixture(scope="module")
def reference():
    return workbook_of(document(REFERENCE))


@pytest.fixture(scope="module")
def demo():
    return workbook_of(document(DEMO))


def assert_key_figures_match(workbook, kpis: dict) -> None:
    figures = key_figures(workbook)
    for label, key in KEY_FIGURES.items():
        expected = kpis[key]
        if expected is None:
            assert figures[label] in ("niet bereikt", ""), label
        else:
            assert close(figures[label], expected), (label, figures[label], expected)


# --- the formulas give the engine's figures -------------------------------------------------------


@pytest.mark.parametrize("case", ["reference", "demo"])
def test_every_key_figure_formula_gives_the_engines_figure(case, request):
    workbook, results = request.getfixturevalue(case)
    assert workbook.sheetnames == list(SHEETS)
    assert_key_figures_match(workbook, results["kpis"])


@pytest.mark.parametrize("case", ["reference", "demo"])
def test_the_derived_columns_of_the_year_table_are_formulas_that_give_the_engines_figures(
    case, request
):
    workbook, results = request.getfixturevalue(case)
    sheet = workbook["Jaartabel"]
    columns = columns_by_label(sheet)
    evaluator = Evaluator(workbook)
    for t, year in enumerate(results["year_table"]):
        row = 2 + t
        assert sheet.cell(row=row, column=1).value == year["year"]
        for label, key in YEAR_COLUMNS.items():
            formula = sheet.cell(row=row, column=columns[label]).value
            assert isinstance(formula, str) and formula.startswith("="), (label, formula)
            value = evaluator.cell("Jaartabel", row=row, column=columns[label])
            assert close(value, year[key]), (year["year"], label, value, year[key])
    # The discount factor refers to the rate on the first sheet, not to a number of its own.
    assert "'Uitgangspunten'!" in sheet.cell(row=3, column=columns["Disconteringsfactor"]).value


@pytest.mark.parametrize("case", ["reference", "demo"])
def test_the_ledger_of_the_municipality_is_live(case, request):
    """BW[t] = BW[t−1]·(1+i_f) + K − R; E = −BW[T−1]; NCW = E/(1+r_BBV)^T (DESIGN §4)."""
    workbook, results = request.getfixturevalue(case)
    evaluator = Evaluator(workbook)
    ledger = results["ledger"]
    for t, item in enumerate(ledger["rows"]):
        for column, key in ((3, "opening_book_value"), (4, "interest"), (7, "closing_book_value")):
            value = evaluator.cell("Exploitatie gemeente", row=2 + t, column=column)
            assert close(value, item[key]), (item["year"], key)
    figures = key_figures(workbook)
    assert close(figures["Eindwaarde van de exploitatie"], ledger["end_value"])
    assert close(figures["Netto contante waarde (NCW, BBV)"], ledger["ncw"])
    sheet = workbook["Exploitatie gemeente"]
    assert sheet.cell(row=3, column=4).value.startswith("=C3*'Uitgangspunten'!$B$")


def test_the_npv_follows_design_4_with_the_spreadsheets_npv_function(reference):
    workbook, _results = reference
    sheet = workbook["Kerncijfers"]
    formula = sheet.cell(
        row=rows_by_label(sheet)["NCW met de functie NHW van het rekenblad (controle)"], column=2
    ).value
    assert formula.startswith("=NPV('Uitgangspunten'!$B$")
    assert formula.endswith("+'Jaartabel'!$O$2")


def test_the_discount_rate_is_a_live_input(reference):
    """Change the rate on the first sheet: the year table and the key figures follow, and give
    what the engine calculates at that rate."""
    workbook, _results = reference
    changed = copy.deepcopy(workbook)
    sheet = changed["Uitgangspunten"]
    row = rows_by_label(sheet)["Discontovoet"]
    assert sheet.cell(row=row, column=2).value == 0.0225
    sheet.cell(row=row, column=2).value = 0.035
    expected = calculate_document(document(REFERENCE, discount_rate=0.035))
    assert_key_figures_match(changed, expected["kpis"])


def test_a_programme_with_an_empty_first_year_breaks_even_by_the_last_crossing():
    """DESIGN §4 (revised): the last t with cum[t−1] < 0 ≤ cum[t], not 0 for an empty year 0."""
    scenario = document(REFERENCE, start_year=2020, horizon_years=21)
    results = calculate_document(scenario)
    assert results["year_table"][0]["net"] == 0
    workbook, _ = workbook_of(scenario, results)
    assert results["kpis"]["break_even_years"] > 1
    assert_key_figures_match(workbook, results["kpis"])


# --- the reference reproduces the published totals (REFERENCE §B) ---------------------------------


def test_the_reference_workbook_reproduces_the_published_totals(reference):
    workbook, results = reference
    evaluator = Evaluator(workbook)
    figures = key_figures(workbook)
    assert round(figures["Kosten, onverdisconteerd"]) == 2_610_000
    assert round(figures["Baten, onverdisconteerd"]) == 9_434_000
    assert round(figures["Multiplier, onverdisconteerd"], 1) == 3.6

    actors = workbook["Partijen"]
    rows = rows_by_label(actors)
    government = [
        rows[results["meta"]["labels"]["actors"][code]["nl"]]
        for code, sector in results["meta"]["labels"]["actor_sectors"].items()
        if sector == "government"
    ]
    own_view = columns_by_label(actors)["Baten, eigen perspectief"]
    assert round(sum(evaluator.cell("Partijen", row=r, column=own_view) for r in government)) == (
        5_722_000
    )

    domains = workbook["Leefdomeinen"]
    columns = columns_by_label(domains)
    total_row = rows_by_label(domains)["Totaal"]
    published = {"Rondkomen": 2_524_000, "Gezondheid": 1_852_000, "Opgroeien": 1_516_000}
    for domain, amount in published.items():
        assert (
            round(evaluator.cell("Leefdomeinen", row=total_row, column=columns[domain])) == amount
        )
    assert round(evaluator.cell("Leefdomeinen", row=total_row, column=columns["Totaal"])) == (
        9_434_000
    )

    # Modestly profitable after the first period of five years (2021–2025).
    year_columns = columns_by_label(workbook["Jaartabel"])
    cumulative_2025 = evaluator.cell("Jaartabel", row=6, column=year_columns["Cumulatief"])
    assert workbook["Jaartabel"].cell(row=6, column=1).value == 2025
    assert cumulative_2025 > 0


def test_the_arena_and_the_actor_totals_add_up(reference):
    workbook, results = reference
    evaluator = Evaluator(workbook)
    arena = workbook["Effectenarena"]
    total_row = rows_by_label(arena)["Totaal"]
    total = evaluator.cell("Effectenarena", row=total_row, column=arena.max_column)
    assert close(total, results["kpis"]["benefits_undiscounted"])
    actors = workbook["Partijen"]
    columns = columns_by_label(actors)
    total_row = rows_by_label(actors)["Totaal"]
    society = evaluator.cell("Partijen", row=total_row, column=columns["Maatschappelijke baten"])
    assert close(society, results["kpis"]["benefits_undiscounted"])
    costs = evaluator.cell("Partijen", row=total_row, column=columns["Kosten"])
    assert close(costs, results["kpis"]["costs_undiscounted"])


def test_the_reference_arena_per_group_gives_government_5_722_000(reference):
    workbook, results = reference
    evaluator = Evaluator(workbook)
    arena = workbook["Effectenarena"]
    rows = rows_by_label(arena)
    assert {"Deelnemers", "Overige bewoners", "Overheid", "Overige partijen"} <= set(rows)
    government = evaluator.cell("Effectenarena", row=rows["Overheid"], column=arena.max_column)
    assert round(government) == 5_722_000


# --- what the first sheet and the assumptions say -------------------------------------------------


def test_the_first_sheet_names_the_model_version_inputs_hash_and_sources(reference):
    workbook, results = reference
    sheet = workbook["Uitgangspunten"]
    text = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert results["meta"]["model_version"] in text
    assert "abc123" in text
    sources = {o["source"] for o in document(REFERENCE)["catalogue"]["outcomes"]}
    assert sources <= set(text)
    assert sheet.freeze_panes == "A3"
    assert workbook["Jaartabel"].freeze_panes == "B2"


def test_the_assumptions_carry_confidence_grades_and_sources(reference):
    workbook, _ = reference
    sheet = workbook["Aannames"]
    outcomes = document(REFERENCE)["catalogue"]["outcomes"]
    rows = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    for outcome in outcomes:
        row = rows[outcome["code"]]
        assert sheet.cell(row=row, column=10).value == outcome["confidence_grade"]
        assert sheet.cell(row=row, column=11).value.startswith(str(outcome["confidence_grade"]))
        assert sheet.cell(row=row, column=12).value == outcome["source"]


def test_amounts_are_shown_in_euros(reference):
    workbook, _ = reference
    sheet = workbook["Jaartabel"]
    column = columns_by_label(sheet)["Kosten"]
    assert sheet.cell(row=2, column=column).number_format == '"EUR "#,##0;"EUR "-#,##0'


def test_catalogue_text_that_looks_like_a_formula_stays_text():
    scenario = document(REFERENCE)
    scenario["catalogue"]["outcomes"][0]["source"] = '=HYPERLINK("http://example.org","klik")'
    scenario["assumptions"] = ["+SUM(1,2)"]
    workbook, _ = workbook_of(scenario)
    cells = [
        cell
        for sheet in workbook.worksheets
        if sheet.title in ("Aannames", "Uitgangspunten")
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and ("HYPERLINK" in cell.value or "SUM(1,2)" in cell.value)
    ]
    assert cells
    assert all(cell.value.startswith("'") and cell.data_type == "s" for cell in cells)
