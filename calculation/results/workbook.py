"""The Excel workbook of a calculation run (``docs/workbook.md``): the year table with its derived
columns as live formulas over the engine's flows, the key figures as formulas over the year table,
per actor and per life domain totals, the effecten-arena, the assumptions with their confidence
grades and sources, and every result table as the engine computed it.

The formulas are ours and written deliberately; every text that comes from a user or the
catalogue goes through ``siex.core.spreadsheets.neutralised`` and is stored as text, never run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from siex.core.spreadsheets import sheet_title, xlsx_workbook

from ..labels import name, parameter_label
from .sheets import (
    EURO,
    FACTOR,
    INTEGER,
    NUMBER,
    RATE,
    RATIO,
    TOLERANCE,
    YEARS,
    Sheet,
    YearColumns,
    actors_sheet,
    actors_with,
    arena_sheet,
    assumptions_sheet,
    column_letter,
    domains_sheet,
    formula_sum,
    tables_sheet,
)


@dataclass(frozen=True)
class RunInfo:
    """What the workbook says about the run besides its results: the scenario and version, the
    run's reproducibility (model version, inputs hash, seed), the version's own parameters, its
    stated assumptions and overrides, and the catalogue snapshot it was calculated with."""

    scenario: str = ""
    scenario_code: str = ""
    version: str = ""
    run: str = ""
    finished: str = ""
    model_version: str = ""
    inputs_hash: str = ""
    seed: int | None = None
    cost_indexation: float | None = None
    benefit_indexation: float | None = None
    assumptions: Sequence[str] = ()
    overrides: Sequence[Mapping[str, Any]] = ()
    catalogue: Mapping[str, Any] = field(default_factory=dict)


def run_info(run) -> RunInfo:
    """The ``RunInfo`` of a calculation run (a ``CalculationRun`` with its version)."""
    version = run.scenario_version
    finished = ""
    if run.finished_at:
        finished = timezone.localtime(run.finished_at).strftime("%d-%m-%Y %H:%M")
    return RunInfo(
        scenario=version.scenario.name,
        scenario_code=version.scenario.code,
        version=str(version.number),
        run=str(run.pk),
        finished=finished,
        model_version=run.model_version,
        inputs_hash=run.inputs_hash,
        seed=run.seed,
        cost_indexation=version.cost_indexation,
        benefit_indexation=version.benefit_indexation,
        assumptions=version.assumptions or (),
        overrides=version.overrides or (),
        catalogue=version.catalogue or {},
    )


# --- Uitgangspunten -------------------------------------------------------------------------------


def _parameters_sheet(workbook, results, info: RunInfo) -> dict[str, str]:
    meta = results["meta"]
    sheet = Sheet(workbook, _("Starting points"), (42, 40, 80))
    sheet.text(1, 1, _("Calculation %(scenario)s") % {"scenario": info.scenario}, bold=True)
    sheet.header(2, (_("Item"), _("Value"), _("Explanation")))
    sheet.sheet.freeze_panes = "A3"
    basis = _("nominal (indexed)") if meta["price_basis"] == "nominal" else _("real (constant)")
    rows: list[tuple[str, str, Any, str | None, str]] = [
        ("scenario", _("Scenario"), _scenario_name(info), None, ""),
        ("version", _("Version"), info.version, None, ""),
        ("run", _("Calculation"), info.run, None, info.finished),
        (
            "model_version",
            _("Model version"),
            info.model_version or meta["model_version"],
            None,
            "",
        ),
        ("inputs_hash", _("Inputs hash"), info.inputs_hash, None, _("Fingerprint of all inputs.")),
        ("seed", _("Random seed"), info.seed, INTEGER, _("Of the Monte Carlo draws.")),
        ("start_year", _("Start year"), int(meta["start_year"]), INTEGER, ""),
        ("horizon", _("Horizon (years)"), int(meta["horizon"]), INTEGER, ""),
        ("price_basis", _("Price basis"), basis, None, ""),
        (
            "discount_rate",
            _("Discount rate"),
            float(meta["discount_rate"]),
            RATE,
            _("DF(t) = 1/(1+r)^t, year 0 undiscounted. Change it and the workbook recalculates."),
        ),
        ("bbv_discount_rate", _("BBV discount rate"), meta["bbv_discount_rate"], RATE, ""),
        ("financing_rate", _("Financing rate"), meta["financing_rate"], RATE, ""),
        ("cost_indexation", _("Cost indexation"), info.cost_indexation, RATE, ""),
        ("benefit_indexation", _("Benefit indexation"), info.benefit_indexation, RATE, ""),
    ]
    refs: dict[str, str] = {}
    row = 3
    for key, label, value, number_format, note in rows:
        if value is None or value == "":
            continue
        sheet.text(row, 1, label)
        sheet.value(row, 2, value, number_format)
        if note:
            sheet.text(row, 3, note)
        refs[key] = sheet.ref(row, 2)
        row += 1
    row += 1
    sheet.text(row, 1, _("How to read this workbook"), bold=True)
    for line in (
        _(
            "Year table: the flows per year are the engine's; totals, net, cumulative, discount "
            "factors and discounted values are formulas."
        ),
        _("Key figures: formulas over the year table; figures marked as computed are values."),
        _("Amounts in euros, benefits to society leave transfers out."),
    ):
        row += 1
        sheet.text(row, 1, line)
    row = _list_block(sheet, row + 2, _("Assumptions of the scenario"), info.assumptions)
    overrides = [
        " – ".join(
            str(part)
            for part in (
                parameter_label(str(item.get("parameter", "")), meta.get("labels", {})),
                ", ".join(
                    f"{k}: {v}"
                    for k, v in item.items()
                    if k not in ("parameter", "value", "reason")
                ),
                item.get("value"),
                item.get("reason"),
            )
            if part not in (None, "")
        )
        for item in info.overrides
    ]
    row = _list_block(sheet, row + 1, _("Overrides of catalogue assumptions"), overrides)
    _list_block(sheet, row + 1, _("Sources"), _sources(info.catalogue))
    return refs


def _scenario_name(info: RunInfo) -> str:
    return f"{info.scenario} ({info.scenario_code})" if info.scenario_code else info.scenario


def _list_block(sheet: Sheet, row: int, title: str, lines: Iterable[Any]) -> int:
    sheet.text(row, 1, title, bold=True)
    lines = list(lines)
    if not lines:
        row += 1
        sheet.text(row, 1, _("None."))
    for line in lines:
        row += 1
        sheet.text(row, 1, line)
    return row + 1


def _sources(catalogue: Mapping[str, Any]) -> list[str]:
    """Each distinct source of the catalogue's outcomes and unit costs, once, in order."""
    seen: dict[str, None] = {}
    for item in catalogue.get("outcomes", ()):
        if item.get("source"):
            seen.setdefault(str(item["source"]), None)
    for item in catalogue.get("intervention_types", ()):
        if item.get("cost_source"):
            seen.setdefault(str(item["cost_source"]), None)
    return list(seen)


# --- Jaartabel ------------------------------------------------------------------------------------


def _year_sheet(workbook, results, refs: dict[str, str]) -> tuple[Sheet, YearColumns]:
    meta = results["meta"]
    labels = meta.get("labels", {})
    actors = meta["actors"]
    paying = actors_with(results["costs_by_actor"], actors)
    receiving = actors_with(results["benefits_by_actor"], actors)
    years = results["year_table"]

    headings: list[tuple[str, str]] = [
        ("year", _("Year")),
        ("t", "t"),
        ("intake", _("Intake")),
    ]
    headings += [
        (f"cost:{code}", _("Costs: %(actor)s") % {"actor": name(labels, "actors", code)})
        for code in paying
    ]
    headings.append(("costs", _("Costs")))
    headings += [
        (f"benefit:{code}", _("Benefits: %(actor)s") % {"actor": name(labels, "actors", code)})
        for code in receiving
    ]
    headings += [
        ("transfers", _("Of which transfers")),
        ("benefits", _("Benefits to society")),
        ("net", _("Net")),
        ("cumulative", _("Cumulative")),
        ("discount_factor", _("Discount factor")),
        ("costs_discounted", _("Costs, discounted")),
        ("benefits_discounted", _("Benefits, discounted")),
        ("net_discounted", _("Net, discounted")),
        ("cumulative_discounted", _("Cumulative, discounted")),
        ("negative", _("t if the cumulative is below zero (help)")),
        ("negative_discounted", _("t if the discounted cumulative is below zero (help)")),
    ]
    sheet = Sheet(workbook, _("Year table"), [9, 5, 10] + [18] * (len(headings) - 3))
    sheet.header(1, (label for _key, label in headings))
    sheet.sheet.freeze_panes = "B2"
    cols = YearColumns(first=2, last=1 + len(years))
    cols.columns = {key: n for n, (key, _label) in enumerate(headings, start=1)}
    cols.costs_by_actor = {code: cols.columns[f"cost:{code}"] for code in paying}
    cols.benefits_by_actor = {code: cols.columns[f"benefit:{code}"] for code in receiving}
    c = cols.columns

    def at(key: str, row: int) -> str:
        return f"{column_letter(c[key])}{row}"

    gross = {"negative": refs["gross_net"], "negative_discounted": refs["gross_net_discounted"]}
    for t, year in enumerate(years):
        row = 2 + t
        sheet.value(row, c["year"], int(year["year"]), INTEGER)
        sheet.formula(row, c["t"], f"{at('year', row)}-{refs['start_year']}", INTEGER)
        sheet.value(row, c["intake"], float(year["intake"]), NUMBER)
        for code in paying:
            sheet.value(row, c[f"cost:{code}"], float(results["costs_by_actor"][code][t]), EURO)
        for code in receiving:
            value = float(results["benefits_by_actor"][code][t])
            sheet.value(row, c[f"benefit:{code}"], value, EURO)
        sheet.value(row, c["transfers"], float(year["transfers"]), EURO)
        sheet.formula(row, c["costs"], formula_sum([at(f"cost:{a}", row) for a in paying]), EURO)
        benefits = formula_sum([at(f"benefit:{a}", row) for a in receiving])
        sheet.formula(row, c["benefits"], f"{benefits}-{at('transfers', row)}", EURO)
        sheet.formula(row, c["net"], f"{at('benefits', row)}-{at('costs', row)}", EURO)
        previous = f"{at('cumulative', row - 1)}+" if t else ""
        sheet.formula(row, c["cumulative"], f"{previous}{at('net', row)}", EURO)
        sheet.formula(
            row, c["discount_factor"], f"1/(1+{refs['discount_rate']})^{at('t', row)}", FACTOR
        )
        for key, source in (
            ("costs_discounted", "costs"),
            ("benefits_discounted", "benefits"),
            ("net_discounted", "net"),
        ):
            sheet.formula(row, c[key], f"{at(source, row)}*{at('discount_factor', row)}", EURO)
        previous = f"{at('cumulative_discounted', row - 1)}+" if t else ""
        sheet.formula(
            row, c["cumulative_discounted"], f"{previous}{at('net_discounted', row)}", EURO
        )
        for key, source in (
            ("negative", "cumulative"),
            ("negative_discounted", "cumulative_discounted"),
        ):
            sheet.formula(
                row,
                c[key],
                f"IF({at(source, row)}<-{TOLERANCE}*{gross[key]},{at('t', row)},-1)",
                INTEGER,
            )
    total = cols.last + 1
    sheet.text(total, 1, _("Total"), bold=True)
    summed = ["intake", "costs", "benefits", "transfers", "net"]
    summed += ["costs_discounted", "benefits_discounted", "net_discounted"]
    summed += [f"cost:{a}" for a in paying] + [f"benefit:{a}" for a in receiving]
    for key in summed:
        letter = column_letter(c[key])
        fmt = NUMBER if key == "intake" else EURO
        sheet.formula(total, c[key], f"SUM({letter}{cols.first}:{letter}{cols.last})", fmt)
    return sheet, cols


# --- Kerncijfers ----------------------------------------------------------------------------------

#: The rows of the key figures sheet: key, label, formula (``{key}`` is another row's cell,
#: ``{span_x}`` a year table column), number format. The first two are the gross flows that the
#: year table's help columns refer to, so they sit at fixed cells.
GROSS_ROWS = {"gross_net": 3, "gross_net_discounted": 4}


def _key_figure_rows(refs: Mapping[str, str]) -> list[tuple[str, str, str, str]]:
    start, horizon = refs["start_year"], refs["horizon"]

    def break_even(last: str, gross: str, cumulative: str, net: str) -> str:
        return break_even_formula(
            f"{{{last}}}", f"{{{gross}}}", f"{{span_{cumulative}}}", f"{{span_{net}}}", horizon
        )

    def calendar(years: str, last: str) -> str:
        return f'IF(ISNUMBER({{{years}}}),{start}+{{{last}}}+1,"")'

    return [
        ("gross_net", _("Sum of the absolute net flows"), "SUMPRODUCT(ABS({span_net}))", EURO),
        (
            "gross_net_discounted",
            _("Sum of the absolute discounted net flows"),
            "SUMPRODUCT(ABS({span_net_discounted}))",
            EURO,
        ),
        (
            "pv_costs",
            _("Present value of the costs"),
            "SUMPRODUCT({span_costs},{span_discount_factor})",
            EURO,
        ),
        (
            "pv_benefits",
            _("Present value of the benefits"),
            "SUMPRODUCT({span_benefits},{span_discount_factor})",
            EURO,
        ),
        ("npv", _("Net present value (NPV)"), "{pv_benefits}-{pv_costs}", EURO),
        (
            "npv_excel",
            _("NPV with the NPV function of the spreadsheet (check)"),
            "{npv_excel}",
            EURO,
        ),
        ("costs_undiscounted", _("Costs, undiscounted"), "SUM({span_costs})", EURO),
        ("benefits_undiscounted", _("Benefits, undiscounted"), "SUM({span_benefits})", EURO),
        (
            "net_undiscounted",
            _("Net, undiscounted"),
            "{benefits_undiscounted}-{costs_undiscounted}",
            EURO,
        ),
        (
            "multiplier_discounted",
            _("Multiplier, discounted"),
            'IF({pv_costs}=0,"",{pv_benefits}/{pv_costs})',
            RATIO,
        ),
        (
            "multiplier_undiscounted",
            _("Multiplier, undiscounted"),
            'IF({costs_undiscounted}=0,"",{benefits_undiscounted}/{costs_undiscounted})',
            RATIO,
        ),
        (
            "net_sroi",
            _("Net SROI (NPV / present value of the costs)"),
            'IF({pv_costs}=0,"",{npv}/{pv_costs})',
            RATIO,
        ),
        (
            "last_negative",
            _("Last t in which the cumulative net ends below zero (−1: none)"),
            "MAX({span_negative})",
            INTEGER,
        ),
        (
            "break_even_years",
            _("Break-even, undiscounted (years after the start)"),
            break_even("last_negative", "gross_net", "cumulative", "net"),
            YEARS,
        ),
        (
            "break_even_calendar_year",
            _("Break-even year, undiscounted"),
            calendar("break_even_years", "last_negative"),
            INTEGER,
        ),
        (
            "last_negative_discounted",
            _("Last t in which the discounted cumulative net ends below zero (−1: none)"),
            "MAX({span_negative_discounted})",
            INTEGER,
        ),
        (
            "break_even_discounted_years",
            _("Break-even, discounted (years after the start)"),
            break_even(
                "last_negative_discounted",
                "gross_net_discounted",
                "cumulative_discounted",
                "net_discounted",
            ),
            YEARS,
        ),
        (
            "break_even_discounted_calendar_year",
            _("Break-even year, discounted"),
            calendar("break_even_discounted_years", "last_negative_discounted"),
            INTEGER,
        ),
    ]


def break_even_formula(last: str, gross: str, cumulative: str, net: str, horizon: str) -> str:
    """DESIGN §4 as a formula: the LAST t with cum[t−1] < 0 ≤ cum[t] is one after ``last``, the
    last t whose cumulative ends below zero (−1: none); INDEX counts from 1."""
    not_reached = _("not reached").replace('"', '""')
    return (
        f'IF(OR({gross}=0,{last}={horizon}-1),"{not_reached}",'
        f"IF({last}<0,0,{last}+1+MIN(-INDEX({cumulative},{last}+1)/INDEX({net},{last}+2),1)))"
    )


class _Spans(dict):
    """``{span_net}`` in a key figure's formula: the year table's column as a range."""

    def __init__(self, cells: Mapping[str, str], year_sheet: Sheet, cols: YearColumns):
        super().__init__(cells)
        self.year_sheet, self.cols = year_sheet, cols

    def __missing__(self, key: str) -> str:
        if key.startswith("span_"):
            return self.cols.span(self.year_sheet, key[5:])
        raise KeyError(key)


def _key_figures(
    sheet: Sheet, results, refs: Mapping[str, str], year_sheet: Sheet, cols: YearColumns
) -> dict[str, str]:
    """The key figures as formulas over the year table, then the figures that are values."""
    sheet.text(1, 1, _("Key figures"), bold=True)
    sheet.header(2, (_("Key figure"), _("Value")))
    sheet.sheet.freeze_panes = "A3"
    rows = _key_figure_rows(refs)
    cells = {key: sheet.ref(3 + n, 2, sheet=False) for n, (key, *_rest) in enumerate(rows)}
    cells["npv_excel"] = _npv_formula(year_sheet, cols, refs)
    formulas = _Spans(cells, year_sheet, cols)
    for n, (_key, label, formula, number_format) in enumerate(rows):
        sheet.text(3 + n, 1, label)
        sheet.formula(3 + n, 2, formula.format_map(formulas), number_format)
    kpis = results["kpis"]
    row = 4 + len(rows)
    sheet.text(row, 1, _("Computed by SIEX (values, not formulas)"), bold=True)
    irr = kpis.get("irr")
    row += 1
    sheet.text(row, 1, _("Internal rate of return (IRR)"))
    if irr is None:
        sheet.text(row, 2, "–")
    else:
        sheet.value(row, 2, irr, RATE)
    row += 2
    sheet.text(row, 1, _("The municipality (from the ledger)"), bold=True)
    for key, label, number_format in _ledger_figures():
        row += 1
        sheet.text(row, 1, label)
        sheet.formula(row, 2, refs[f"ledger:{key}"], number_format)
    return {key: f"'{sheet.title}'!{cell}" for key, cell in cells.items() if "!" not in cell}


def _npv_formula(year_sheet: Sheet, cols: YearColumns, refs: Mapping[str, str]) -> str:
    """DESIGN §4: NPV(r, flows of years 1..n) + flow of year 0."""
    column = cols.columns["net"]
    first = year_sheet.ref(cols.first, column)
    if cols.last == cols.first:
        return first
    later = year_sheet.span(column, cols.first + 1, cols.last)
    return f"NPV({refs['discount_rate']},{later})+{first}"


# --- the municipality's ledger (GREX view) --------------------------------------------------------

#: The ledger sheet's summary, in its columns M (label) and N (value) from row 2; the key figures
#: refer to these cells.
LEDGER_SUMMARY_COLUMN = 14
LEDGER_ROWS = {
    "end_value": 2,
    "ncw": 3,
    "pv_costs": 4,
    "pv_revenues": 5,
    "financial_return": 6,
    "gross": 7,
    "last_negative": 8,
    "payback_years": 9,
    "payback_calendar_year": 10,
}


def _ledger_figures() -> list[tuple[str, str, str]]:
    return [
        ("financial_return", _("Financial return for the municipality"), RATIO),
        ("payback_years", _("Payback for the municipality"), YEARS),
        ("payback_calendar_year", _("Payback year for the municipality"), INTEGER),
        ("end_value", _("End value of the exploitation ledger"), EURO),
        ("ncw", _("Net present value (NCW, BBV)"), EURO),
    ]


def _ledger_sheet(sheet: Sheet, results, refs, year_sheet: Sheet, cols: YearColumns) -> None:
    """BW[t] = BW[t−1]·(1+i_f) + K_gem[t] − R_gem[t] with BW[−1] = 0; E = −BW[T−1];
    NCW = E / (1+r_BBV)^T; the municipality's return and payback on R_gem − K_gem."""
    headings = (
        _("Year"),
        "t",
        _("Opening book value"),
        _("Interest"),
        _("Costs"),
        _("Revenues (cashable benefits)"),
        _("Closing book value"),
        _("Net for the municipality"),
        _("Cumulative"),
        _("Discount factor"),
        _("t if the cumulative is below zero (help)"),
    )
    sheet.header(1, headings)
    sheet.sheet.freeze_panes = "B2"
    first, last = 2, 1 + len(results["ledger"]["rows"])
    summary = {key: f"$N${row}" for key, row in LEDGER_ROWS.items()}
    df_column = column_letter(cols.columns["discount_factor"])
    for t, item in enumerate(results["ledger"]["rows"]):
        row = first + t
        sheet.value(row, 1, int(item["year"]), INTEGER)
        sheet.formula(row, 2, f"A{row}-{refs['start_year']}", INTEGER)
        sheet.formula(row, 3, f"G{row - 1}" if t else "0", EURO)
        sheet.formula(row, 4, f"C{row}*{refs['financing_rate']}", EURO)
        sheet.value(row, 5, float(item["costs"]), EURO)
        sheet.value(row, 6, float(item["revenues"]), EURO)
        sheet.formula(row, 7, f"C{row}+D{row}+E{row}-F{row}", EURO)
        sheet.formula(row, 8, f"F{row}-E{row}", EURO)
        sheet.formula(row, 9, f"I{row - 1}+H{row}" if t else f"H{row}", EURO)
        sheet.formula(row, 10, f"'{year_sheet.title}'!{df_column}{cols.first + t}", FACTOR)
        sheet.formula(row, 11, f"IF(I{row}<-{TOLERANCE}*{summary['gross']},B{row},-1)", INTEGER)
    payback = break_even_formula(
        summary["last_negative"],
        summary["gross"],
        f"$I${first}:$I${last}",
        f"$H${first}:$H${last}",
        refs["horizon"],
    )
    figures = {
        "end_value": (_("End value of the exploitation ledger"), f"-G{last}", EURO),
        "ncw": (
            _("Net present value (NCW, BBV)"),
            f"{summary['end_value']}/(1+{refs['bbv_discount_rate']})^{refs['horizon']}",
            EURO,
        ),
        "pv_costs": (
            _("Present value of the municipality's costs"),
            f"SUMPRODUCT($E${first}:$E${last},$J${first}:$J${last})",
            EURO,
        ),
        "pv_revenues": (
            _("Present value of the municipality's cashable benefits"),
            f"SUMPRODUCT($F${first}:$F${last},$J${first}:$J${last})",
            EURO,
        ),
        "financial_return": (
            _("Financial return for the municipality"),
            f'IF({summary["pv_costs"]}=0,"",{summary["pv_revenues"]}/{summary["pv_costs"]})',
            RATIO,
        ),
        "gross": (
            _("Sum of the absolute net flows"),
            f"SUMPRODUCT(ABS($H${first}:$H${last}))",
            EURO,
        ),
        "last_negative": (
            _("Last t in which the cumulative net ends below zero (−1: none)"),
            f"MAX($K${first}:$K${last})",
            INTEGER,
        ),
        "payback_years": (_("Payback for the municipality"), payback, YEARS),
        "payback_calendar_year": (
            _("Payback year for the municipality"),
            f"IF(ISNUMBER({summary['payback_years']}),"
            f'{refs["start_year"]}+{summary["last_negative"]}+1,"")',
            INTEGER,
        ),
    }
    for key, (label, formula, number_format) in figures.items():
        sheet.text(LEDGER_ROWS[key], LEDGER_SUMMARY_COLUMN - 1, label)
        sheet.formula(LEDGER_ROWS[key], LEDGER_SUMMARY_COLUMN, formula, number_format)


# --- the workbook ---------------------------------------------------------------------------------


def run_workbook(results: Mapping[str, Any], info: RunInfo | None = None):
    """The workbook (openpyxl) of a results document, described by ``info``."""
    info = info or RunInfo()
    workbook = xlsx_workbook(write_only=False)
    refs = _parameters_sheet(workbook, results, info)
    key_sheet_title = sheet_title(_("Key figures"))
    for key, row in GROSS_ROWS.items():
        refs[key] = f"'{key_sheet_title}'!$B${row}"
    year_sheet, cols = _year_sheet(workbook, results, refs)
    ledger_title = sheet_title(_("Ledger of the municipality"))
    for key, row in LEDGER_ROWS.items():
        refs[f"ledger:{key}"] = f"'{ledger_title}'!$N${row}"
    key_sheet = Sheet(workbook, key_sheet_title, (70, 20))
    _key_figures(key_sheet, results, refs, year_sheet, cols)
    actors_sheet(workbook, results, year_sheet, cols)
    domains_sheet(workbook, results, year_sheet, cols)
    ledger = Sheet(workbook, ledger_title, (9, 5) + (18,) * 9 + (4, 60, 18))
    _ledger_sheet(ledger, results, refs, year_sheet, cols)
    arena_sheet(workbook, results)
    assumptions_sheet(workbook, results, info.catalogue)
    tables_sheet(workbook, results)
    return workbook


def workbook_filename(run) -> str:
    version = run.scenario_version
    return f"siex-{version.scenario.code}-v{version.number}-berekening{run.pk}.xlsx"
