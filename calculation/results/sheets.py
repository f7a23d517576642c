"""The sheets of a run's workbook (``workbook``) beyond the year table and the key figures: a
writer of cells (texts made safe, numbers with their format, formulas as formulas), and the per
actor, per life domain, effecten-arena (per actor and per actor group), assumptions and all-tables
sheets."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from siex.core.spreadsheets import neutralised, sheet_title

from ..labels import group_name, group_order, name
from .cells import Cell
from .readers import CENT
from .tables import table_rows

EURO = '"EUR "#,##0;"EUR "-#,##0'
RATE = "0.00%"
FACTOR = "0.0000"
RATIO = "0.00"
YEARS = "0.0"
NUMBER = "#,##0.0"
INTEGER = "0"
#: The cumulative net counts as below zero under minus this share of the year flows (the
#: engine's rounding tolerance, ``engine.BREAK_EVEN_TOLERANCE``).
TOLERANCE = "1E-10"


def column_letter(number: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(number)


class Sheet:
    """A sheet written cell by cell: texts made safe, numbers with their format, formulas as
    formulas."""

    def __init__(self, workbook, title: str, widths: Sequence[int] = ()):
        self.sheet = workbook.create_sheet(sheet_title(title))
        self.title = self.sheet.title
        for position, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[column_letter(position)].width = width

    def text(self, row: int, column: int, value: Any, *, bold: bool = False):
        from openpyxl.styles import Font

        cell = self.sheet.cell(row=row, column=column)
        cell.value = neutralised("" if value is None else str(value))
        cell.data_type = "s"  # a catalogue's or user's text never runs as a formula
        if bold:
            cell.font = Font(bold=True)
        return cell

    def value(self, row: int, column: int, value: Any, number_format: str | None = None):
        if isinstance(value, str):
            return self.text(row, column, value)
        cell = self.sheet.cell(row=row, column=column, value=value)
        if number_format:
            cell.number_format = number_format
        return cell

    def formula(self, row: int, column: int, formula: str, number_format: str | None = None):
        cell = self.sheet.cell(row=row, column=column, value="=" + formula)
        if number_format:
            cell.number_format = number_format
        return cell

    def header(self, row: int, labels: Iterable[Any], *, first: int = 1) -> None:
        for offset, label in enumerate(labels):
            self.text(row, first + offset, label, bold=True)

    def ref(self, row: int, column: int, *, absolute: bool = True, sheet: bool = True) -> str:
        dollar = "$" if absolute else ""
        address = f"{dollar}{column_letter(column)}{dollar}{row}"
        return f"'{self.title}'!{address}" if sheet else address

    def span(self, column: int, first: int, last: int) -> str:
        """A column's rows ``first``..``last`` as an absolute range on this sheet."""
        letter = column_letter(column)
        return f"'{self.title}'!${letter}${first}:${letter}${last}"


def formula_sum(cells: Sequence[str]) -> str:
    return "SUM(" + ",".join(cells) + ")" if cells else "0"


def actors_with(series: Mapping[str, Sequence[float]], actors: Sequence[str]) -> list[str]:
    return [code for code in actors if any(abs(v) > CENT for v in series.get(code, ()))]


@dataclass
class YearColumns:
    """Where the year table's columns are, for the formulas of the other sheets."""

    first: int = 2
    last: int = 2
    costs_by_actor: dict[str, int] = field(default_factory=dict)
    benefits_by_actor: dict[str, int] = field(default_factory=dict)
    columns: dict[str, int] = field(default_factory=dict)

    def span(self, sheet: Sheet, key: str) -> str:
        return sheet.span(self.columns[key], self.first, self.last)


# --- per actor, per life domain, effecten-arena --------------------------------------------------


def actors_sheet(workbook, results, year_sheet: Sheet, cols: YearColumns) -> None:
    meta = results["meta"]
    labels = meta.get("labels", {})
    sheet = Sheet(workbook, _("Actors"), (30, 18, 18, 18, 18, 18, 18, 18))
    sheet.header(
        1,
        (
            _("Actor"),
            _("Costs"),
            _("Benefits, own view"),
            _("Of which transfers"),
            _("Benefits to society"),
            _("Net, own view"),
            _("Present value of the costs"),
            _("Present value, own view"),
        ),
    )
    sheet.sheet.freeze_panes = "B2"
    df = cols.span(year_sheet, "discount_factor")
    row = 1
    for code in meta["actors"]:
        row += 1
        sheet.text(row, 1, name(labels, "actors", code))
        for column, by_actor in ((2, cols.costs_by_actor), (3, cols.benefits_by_actor)):
            if code in by_actor:
                series = year_sheet.span(by_actor[code], cols.first, cols.last)
                sheet.formula(row, column, f"SUM({series})", EURO)
                sheet.formula(row, column + 5, f"SUMPRODUCT({series},{df})", EURO)
            else:
                sheet.value(row, column, 0, EURO)
                sheet.value(row, column + 5, 0, EURO)
        sheet.value(row, 4, float(sum(results["transfers_by_actor"].get(code, ()))), EURO)
        sheet.formula(row, 5, f"C{row}-D{row}", EURO)
        sheet.formula(row, 6, f"C{row}-B{row}", EURO)
    sheet.text(row + 1, 1, _("Total"), bold=True)
    for column in range(2, 9):
        letter = column_letter(column)
        sheet.formula(row + 1, column, f"SUM({letter}2:{letter}{row})", EURO)


def domains_sheet(workbook, results, year_sheet: Sheet, cols: YearColumns) -> None:
    meta = results["meta"]
    labels = meta.get("labels", {})
    domains = meta["domains"]
    by_domain = results["benefits_by_domain"]
    sheet = Sheet(workbook, _("Life domains"), [9] + [16] * (len(domains) + 1))
    sheet.header(1, [_("Year"), *(name(labels, "domains", code) for code in domains), _("Total")])
    sheet.sheet.freeze_panes = "B2"
    last_column = len(domains) + 2
    for t, year in enumerate(meta["years"]):
        row = 2 + t
        sheet.value(row, 1, int(year), INTEGER)
        for k, code in enumerate(domains):
            sheet.value(row, 2 + k, float(by_domain.get(code, [0] * len(meta["years"]))[t]), EURO)
        sheet.formula(
            row, last_column, formula_sum([f"B{row}:{column_letter(last_column - 1)}{row}"]), EURO
        )
    first, last = 2, 1 + len(meta["years"])
    df = cols.span(year_sheet, "discount_factor")
    total, present, share = last + 1, last + 2, last + 3
    sheet.text(total, 1, _("Total"), bold=True)
    sheet.text(present, 1, _("Present value"), bold=True)
    sheet.text(share, 1, _("Share"), bold=True)
    whole = f"${column_letter(last_column)}${total}"
    for column in range(2, last_column + 1):
        letter = column_letter(column)
        sheet.formula(total, column, f"SUM({letter}{first}:{letter}{last})", EURO)
        sheet.formula(present, column, f"SUMPRODUCT({letter}{first}:{letter}{last},{df})", EURO)
        sheet.formula(share, column, f'IF({whole}=0,"",{letter}{total}/{whole})', "0.0%")


def arena_sheet(workbook, results) -> None:
    """The effecten-arena: benefits to society per actor and life domain over the horizon,
    undiscounted; actors and domains without benefits are left out."""
    labels = results["meta"].get("labels", {})
    matrix = results["actor_domain_matrix"]
    values = matrix["undiscounted"]
    used = [k for k in range(len(matrix["domains"])) if any(abs(r[k]) > CENT for r in values)]
    actors = [a for a, r in enumerate(values) if any(abs(v) > CENT for v in r)]
    sheet = Sheet(workbook, _("Effecten-arena"), [30] + [16] * (len(used) + 1))
    columns = [*(name(labels, "domains", matrix["domains"][k]) for k in used), _("Total")]
    sheet.header(1, [_("Actor"), *columns])
    sheet.sheet.freeze_panes = "B2"
    last_column = len(used) + 2
    for n, a in enumerate(actors):
        row = 2 + n
        sheet.text(row, 1, name(labels, "actors", matrix["actors"][a]))
        for m, k in enumerate(used):
            sheet.value(row, 2 + m, float(values[a][k]), EURO)
        end = column_letter(last_column - 1)
        sheet.formula(row, last_column, f"SUM(B{row}:{end}{row})" if used else "0", EURO)
    total = 2 + len(actors)
    sheet.text(total, 1, _("Total"), bold=True)
    for column in range(2, last_column + 1):
        letter = column_letter(column)
        formula = f"SUM({letter}2:{letter}{total - 1})" if actors else "0"
        sheet.formula(total, column, formula, EURO)
    _arena_groups(sheet, results, [matrix["actors"][a] for a in actors], total + 2, columns)


def _arena_groups(
    sheet: Sheet, results, actors: list[str], first: int, columns: Sequence[str]
) -> None:
    """Below the arena per actor, the arena per actor group: each group's cells are formulas
    adding up its actors' rows above (row 2 on), so a reader sees which actors make a group."""
    labels = results["meta"].get("labels", {})
    sectors = labels.get("actor_sectors") or {}
    members: dict[str, list[int]] = {code: [] for code in group_order(labels)}
    for n, actor in enumerate(actors):
        members.setdefault(sectors.get(actor) or "", []).append(2 + n)
    groups = [(code, rows) for code, rows in members.items() if rows]
    if not any(code for code, _rows in groups):
        return  # no actor is in a group
    sheet.header(first, [_("Group"), *columns])
    last_column = len(columns) + 1
    for n, (code, rows) in enumerate(groups):
        row = first + 1 + n
        sheet.text(row, 1, group_name(labels, code))
        for column in range(2, last_column + 1):
            letter = column_letter(column)
            sheet.formula(row, column, "+".join(f"{letter}{r}" for r in rows), EURO)
    total = first + 1 + len(groups)
    sheet.text(total, 1, _("Total"), bold=True)
    for column in range(2, last_column + 1):
        letter = column_letter(column)
        sheet.formula(total, column, f"SUM({letter}{first + 1}:{letter}{total - 1})", EURO)


# --- assumptions and all tables -------------------------------------------------------------------


def _grade_label(grade: Any) -> str:
    from interventions.catalogue.models import ConfidenceGrade

    try:
        return str(ConfidenceGrade(int(grade)).label)
    except (TypeError, ValueError):
        return ""


def assumptions_sheet(workbook, results, catalogue: Mapping[str, Any]) -> None:
    labels = results["meta"].get("labels", {})
    sheet = Sheet(workbook, _("Assumptions"), (24, 40, 16, 8, 8, 8, 8, 8, 8, 8, 40, 80))
    sheet.header(
        1,
        (
            _("Code"),
            _("Outcome"),
            _("Life domain"),
            _("Lag (years)"),
            _("Duration (years)"),
            _("Drop-off (%)"),
            _("Deadweight (%)"),
            _("Attribution (%)"),
            _("Displacement (%)"),
            _("Confidence grade"),
            _("Meaning"),
            _("Source"),
        ),
    )
    sheet.sheet.freeze_panes = "C2"
    row = 1
    for item in catalogue.get("outcomes", ()):
        row += 1
        sheet.text(row, 1, item.get("code"))
        sheet.text(row, 2, name(labels, "outcomes", item.get("code")) or item.get("name_nl"))
        sheet.text(row, 3, name(labels, "domains", item.get("life_domain")))
        for column, key in enumerate(
            (
                "lag_years",
                "duration_years",
                "drop_off_pct",
                "deadweight_pct",
                "attribution_pct",
                "displacement_pct",
                "confidence_grade",
            ),
            start=4,
        ):
            value = item.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool):
                sheet.value(row, column, value, "0.##")
        sheet.text(row, 11, _grade_label(item.get("confidence_grade")))
        sheet.text(row, 12, item.get("source"))
    row += 2
    sheet.header(
        row,
        (
            _("Code"),
            _("Intervention"),
            _("Unit cost"),
            _("Confidence grade"),
            "",
            "",
            "",
            "",
            "",
            "",
            _("Meaning"),
            _("Source"),
        ),
    )
    for item in catalogue.get("intervention_types", ()):
        row += 1
        sheet.text(row, 1, item.get("code"))
        sheet.text(
            row, 2, name(labels, "intervention_types", item.get("code")) or item.get("name_nl")
        )
        if isinstance(item.get("unit_cost"), int | float):
            sheet.value(row, 3, item["unit_cost"], EURO)
        if isinstance(item.get("cost_confidence_grade"), int):
            sheet.value(row, 4, item["cost_confidence_grade"], INTEGER)
        sheet.text(row, 11, _grade_label(item.get("cost_confidence_grade")))
        sheet.text(row, 12, item.get("cost_source"))


def tables_sheet(workbook, results) -> None:
    """Every result table as the engine computed it (values), one block per table."""
    sheet = Sheet(workbook, _("All tables"), [40] + [18] * 11)
    row = 0
    for table, rows in table_rows(results):
        if not table.rows and table.empty is None:
            continue
        row += 1
        sheet.text(row, 1, table.title, bold=True)
        row += 1
        sheet.text(row, 1, table.explanation)
        if not table.rows:
            row += 1
            sheet.text(row, 1, table.empty)
        else:
            for n, cells in enumerate(rows):
                row += 1
                for column, cell in enumerate(cells, start=1):
                    _table_cell(sheet, row, column, cell, bold=n == 0)
        row += 1


def _table_cell(sheet: Sheet, row: int, column: int, cell: Cell | None, *, bold: bool) -> None:
    if cell is None:
        return
    value = cell.sheet_value
    if value is None:
        return
    if isinstance(value, str) or bold:
        sheet.text(row, column, value, bold=bold)
    else:
        sheet.value(row, column, value, cell.number_format)
