"""The tables of plan versus actual and of the ex-post result, declared once (as the result
tables are, ``calculation.results``): the page, the API and the CSV/XLSX downloads render them."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from ..results.cells import Cell, Column, Kind, ResultTable, Table
from ..results.figures import FIGURES, figure_cell
from .selectors import EX_POST_KEYS
from .variance import TypeVariance


def _money(key: str, label) -> Column:
    return Column(key, label, Kind.MONEY, decimals=2)


VARIANCE_COLUMNS = (
    _money("planned_cost", _("Planned cost")),
    _money("actual_cost", _("Actual cost")),
    _money("difference", _("Difference")),
    _money("volume", _("Volume variance")),
    _money("price", _("Price variance")),
    _money("timing", _("Timing variance")),
)
VARIANCE_FIELDS = tuple(column.key for column in VARIANCE_COLUMNS)


#: The figures that follow from the actual costs or counts: hidden with a small cell.
ACTUAL_FIELDS = ("actual_volume", "actual_unit_cost", "actual_cost", *VARIANCE_FIELDS[2:])
_MONEY_FIELDS = {"actual_unit_cost", *VARIANCE_FIELDS}


def _small_cell_text() -> str:
    return f"<{settings.SIEX_SMALL_CELL_THRESHOLD}"


SUPPRESSED = lazy(_small_cell_text, str)()


def _hide(values: dict, hide: bool) -> dict:
    """``values`` with the actual figures shown as "<10" when ``hide``."""
    if hide:
        for key in ACTUAL_FIELDS:
            if key in values:
                kind, decimals = (Kind.MONEY, 2) if key in _MONEY_FIELDS else (Kind.NUMBER, 1)
                values[key] = Cell(None, kind, decimals, missing=SUPPRESSED)
    return values


def _types(document: Mapping[str, Any]) -> list[TypeVariance]:
    return list(document["types"])


def _year_rows(document: Mapping[str, Any]) -> list[dict]:
    hidden = document.get("hidden") or set()
    return [
        _hide(
            {
                "type": variance.name,
                "code": f"{variance.code}-{row.year}",
                "year": row.year,
                "planned_volume": row.planned_volume,
                "actual_volume": row.actual_volume,
                **{key: getattr(row, key) for key in VARIANCE_FIELDS},
            },
            (variance.code, row.year) in hidden,
        )
        for variance in _types(document)
        for row in variance.years
    ]


def _type_rows(document: Mapping[str, Any]) -> list[dict]:
    hidden = document.get("hidden_types") or set()
    return [
        _hide(
            {
                "type": variance.name,
                "code": variance.code,
                "planned_volume": variance.planned_volume,
                "actual_volume": variance.actual_volume,
                "planned_unit_cost": variance.planned_unit_cost,
                "actual_unit_cost": variance.actual_unit_cost,
                **{key: getattr(variance, key) for key in VARIANCE_FIELDS},
            },
            variance.code in hidden,
        )
        for variance in _types(document)
    ]


def _totals(document: Mapping[str, Any]) -> dict:
    variances = _types(document)
    totals: dict[str, Any] = {"type": _("Total")}
    for key in ("planned_volume", "actual_volume", *VARIANCE_FIELDS):
        totals[key] = sum((getattr(variance, key) for variance in variances), Decimal(0))
    return _hide(totals, bool(document.get("hidden_total")))


def _ex_post_rows(document: Mapping[str, Any]) -> list[dict]:
    kpis = document["kpis"]
    rows = []
    for key in EX_POST_KEYS:
        values = {part: (kpis[part] or {}).get(key) for part in ("original", "revision", "final")}
        difference = None
        if values["final"] is not None and values["original"] is not None:
            difference = values["final"] - values["original"]
        rows.append(
            {
                "measure": FIGURES[key].label,
                "key": key,
                "original": _figure(key, values["original"], NOT_CALCULATED),
                "revision": _figure(
                    key, values["revision"], NOT_CALCULATED if document["revision"] else _("none")
                ),
                "final": _figure(key, values["final"], NOT_CALCULATED),
                "difference": _figure(key, difference),
            }
        )
    return rows


NOT_CALCULATED = _("not calculated")


def _figure(key: str, value: Any, missing=None) -> Cell:
    if value is None:
        return Cell(None, FIGURES[key].kind, missing=missing)
    return figure_cell(key, value)


YEARS_TABLE = Table(
    key="plan_actual_years",
    title=_("Plan versus actual per year"),
    explanation=_(
        "Costs of the interventions started per type and year, planned and actual, with the "
        "difference split into volume, price and timing"
    ),
    columns=(
        Column("type", _("Intervention type"), Kind.TEXT),
        Column("year", _("Year"), Kind.YEAR),
        Column("planned_volume", _("Planned volume"), Kind.NUMBER),
        Column("actual_volume", _("Actual volume"), Kind.NUMBER),
        *VARIANCE_COLUMNS,
    ),
    rows=_year_rows,
    totals=_totals,
    empty=_("No year of this version carries actuals yet."),
    row_key="code",
)
TYPES_TABLE = Table(
    key="plan_actual_types",
    title=_("Plan versus actual per intervention type"),
    explanation=_(
        "Per intervention type over the years with actuals: volumes, unit costs and the split "
        "of the difference (volume + price + timing = difference; timing sums to zero)"
    ),
    columns=(
        Column("type", _("Intervention type"), Kind.TEXT),
        Column("planned_volume", _("Planned volume"), Kind.NUMBER),
        Column("actual_volume", _("Actual volume"), Kind.NUMBER),
        _money("planned_unit_cost", _("Planned unit cost")),
        _money("actual_unit_cost", _("Actual unit cost")),
        *VARIANCE_COLUMNS,
    ),
    rows=_type_rows,
    totals=_totals,
    empty=_("No year of this version carries actuals yet."),
    row_key="code",
)
EX_POST_TABLE = Table(
    key="ex_post",
    title=_("Ex-post result"),
    explanation=_(
        "The result of the final version (all actuals) against the original plan and the last "
        "revision, each from its newest finished calculation"
    ),
    columns=(
        Column("measure", _("Key figure"), Kind.TEXT),
        Column("original", _("Original plan")),
        Column("revision", _("Last revision")),
        Column("final", _("Final (actual)")),
        Column("difference", _("Final minus original plan")),
    ),
    rows=_ex_post_rows,
    row_key="key",
)


def plan_actual_tables(document: Mapping[str, Any]) -> dict[str, ResultTable]:
    return {table.key: table.build(document) for table in (TYPES_TABLE, YEARS_TABLE)}


def ex_post_table(document: Mapping[str, Any]) -> ResultTable:
    return EX_POST_TABLE.build(document)
