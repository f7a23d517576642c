"""The rows of each result table, read from a results document (``engine.calculate``): the numbers
are the engine's, read and never recomputed, except for sums and shares a table shows beside them;
names are in the reader's language (``labels``). ``tables`` declares which table reads what."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.functional import lazy
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from siex.core.templatetags.siex import count, short_date

from ..labels import (
    PROGRAMME_CATEGORY_LABELS,
    VALUE_TYPE_LABELS,
    group_name,
    group_order,
    name,
    parameter_label,
)
from .cells import Cell, Column, Kind, Label, Results, RowSource, text_cell
from .figures import FIGURES, KEY_FIGURES, figure_cell

#: Amounts smaller than this are rounding noise, not a row worth showing.
CENT = 0.005
#: A count disclosure control hid, as every page shows it ("<10", after the setting's threshold).
SUPPRESSED = lazy(lambda: count(None), str)()

#: A row as read: a column's key → its value (or a ``Cell`` of its own).
Values = dict[str, Any]


def key_figures(results: Results) -> list[Values]:
    kpis = results["kpis"]
    rows = []
    for key in KEY_FIGURES:
        figure = FIGURES[key]
        row = {
            "key": key,
            "measure": figure.label,
            "value": figure_cell(key, kpis.get(key)),
            "hint": figure.hint,
        }
        if figure.calendar_year:
            row["calendar_year"] = kpis.get(figure.calendar_year)
        rows.append(row)
    return rows


def facts_columns() -> tuple[Column, ...]:
    """The columns of a list of measures with a value each (of the kind each row gives)."""
    return (Column("measure", _("Measure"), Kind.TEXT), Column("value", _("Value")))


def _fact(label: Label, value: Any, kind: Kind, decimals: int | None = None, **cell: Any) -> Values:
    places = kind.default_decimals if decimals is None else decimals
    return {"measure": label, "value": Cell(value, kind, places, **cell)}


# --- helpers --------------------------------------------------------------------------------------


def _labels(results: Results) -> dict:
    return results["meta"].get("labels", {})


def _present_value(results: Results, series: Sequence[float]) -> float:
    factors = [row["discount_factor"] for row in results["year_table"]]
    return sum(value * factor for value, factor in zip(series, factors, strict=True))


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _total(label: Label | None = None) -> Values:
    """The first cell of a totals row."""
    return {"name": text_cell(label or _("Total"))}


def name_column(label: Label) -> Column:
    return Column("name", label, Kind.TEXT)


# --- Monte Carlo ----------------------------------------------------------------------------------

PERCENTILES = ("p10", "p50", "p90")


def monte_carlo(results: Results) -> list[Values]:
    mc = results.get("monte_carlo") or {}
    if not mc:
        return []
    return [
        {
            "name": FIGURES[figure].label,
            **{p: figure_cell(figure, mc[measure][p]) for p in PERCENTILES},
        }
        for measure, figure in (
            ("npv", "npv"),
            ("multiplier", "multiplier_discounted"),
            ("break_even_years", "break_even_years"),
        )
    ]


def monte_carlo_probabilities(results: Results) -> list[Values]:
    mc = results.get("monte_carlo") or {}
    if not mc:
        return []
    return [
        _fact(
            _("Probability that the NPV is positive"),
            mc["probability_npv_positive"],
            Kind.SHARE,
            0,
        ),
        _fact(
            _("Probability that break-even is reached"),
            mc["probability_break_even_reached"],
            Kind.SHARE,
            0,
        ),
    ]


# --- years and periods ----------------------------------------------------------------------------


def year_rows(results: Results) -> list[Values]:
    return results["year_table"]


def period_rows(results: Results) -> list[Values]:
    return results["periods"]


def year_totals(results: Results) -> Values:
    kpis = results["kpis"]
    return {
        "year": text_cell(_("Total")),
        "intake": kpis["households"],
        "costs": kpis["costs_undiscounted"],
        "benefits": kpis["benefits_undiscounted"],
        "net": kpis["net_undiscounted"],
        "net_discounted": kpis["npv"],
    }


# --- who benefits ---------------------------------------------------------------------------------


def actors(results: Results) -> list[Values]:
    labels = _labels(results)
    benefits = results["benefits_by_actor"]
    transfers = results["transfers_by_actor"]
    rows = []
    for code in results["meta"]["actors"]:
        total = sum(benefits.get(code, []))
        transferred = sum(transfers.get(code, []))
        rows.append(
            {
                "code": code,
                "name": name(labels, "actors", code),
                "benefits": total,
                "transfers": transferred,
                "society": total - transferred,
                "pv_benefits": _present_value(results, benefits.get(code, [])),
            }
        )
    return rows


def domains(results: Results) -> list[Values]:
    labels = _labels(results)
    by_domain = results["benefits_by_domain"]
    whole = sum(sum(series) for series in by_domain.values())
    return [
        {
            "code": code,
            "name": name(labels, "domains", code),
            "benefits": sum(by_domain.get(code, [])),
            "pv_benefits": _present_value(results, by_domain.get(code, [])),
            "share": _share(sum(by_domain.get(code, [])), whole),
        }
        for code in results["meta"]["domains"]
    ]


def value_types(results: Results) -> list[Values]:
    return [
        {
            "code": code,
            "name": VALUE_TYPE_LABELS.get(code, code),
            "benefits": sum(series),
            "pv_benefits": _present_value(results, series),
        }
        for code, series in results["benefits_by_value_type"].items()
    ]


def _used_domains(results: Results) -> list[int]:
    """The life domains of the actor × domain matrix in which some actor has benefits."""
    matrix = results["actor_domain_matrix"]
    return [
        k
        for k in range(len(matrix["domains"]))
        if any(abs(row[k]) > CENT for row in matrix["undiscounted"])
    ]


def matrix_columns(results: Results) -> tuple[Column, ...]:
    matrix = results["actor_domain_matrix"]
    labels = _labels(results)
    domains = tuple(
        Column(f"domain:{matrix['domains'][k]}", name(labels, "domains", matrix["domains"][k]))
        for k in _used_domains(results)
    )
    return (name_column(_("Actor")), *domains, Column("total", _("Total")))


def matrix(results: Results) -> list[Values]:
    matrix = results["actor_domain_matrix"]
    labels = _labels(results)
    used = _used_domains(results)
    return [
        {
            "code": code,
            "name": name(labels, "actors", code),
            **{f"domain:{matrix['domains'][k]}": row[k] for k in used},
            "total": sum(row),
        }
        for code, row in zip(matrix["actors"], matrix["undiscounted"], strict=True)
        if any(abs(value) > CENT for value in row)
    ]


def matrix_totals(results: Results) -> Values:
    matrix = results["actor_domain_matrix"]
    rows = matrix["undiscounted"]
    return {
        **_total(),
        **{
            f"domain:{matrix['domains'][k]}": sum(row[k] for row in rows)
            for k in _used_domains(results)
        },
        "total": sum(sum(row) for row in rows),
    }


def group_columns(results: Results) -> tuple[Column, ...]:
    return (name_column(_("Group")), *matrix_columns(results)[1:])


def _group_sums(results: Results) -> list[tuple[str, list[float]]]:
    """Per actor group (in the groups' order; actors without a group last), the sum of its
    actors' rows of the actor × domain matrix."""
    matrix = results["actor_domain_matrix"]
    labels = _labels(results)
    sectors = labels.get("actor_sectors") or {}
    width = len(matrix["domains"])
    sums: dict[str, list[float]] = {code: [0.0] * width for code in group_order(labels)}
    for code, row in zip(matrix["actors"], matrix["undiscounted"], strict=True):
        line = sums.setdefault(sectors.get(code) or "", [0.0] * width)
        for k, value in enumerate(row):
            line[k] += value
    return list(sums.items())


def groups(results: Results) -> list[Values]:
    """The effecten-arena by actor group: each group's benefits per life domain, the sum of its
    actors' (``matrix``)."""
    matrix = results["actor_domain_matrix"]
    labels = _labels(results)
    used = _used_domains(results)
    sums = _group_sums(results)
    if not any(code for code, _row in sums):
        return []  # no actor is in a group: the actor × domain matrix says it all
    return [
        {
            "code": code,
            "name": group_name(labels, code),
            **{f"domain:{matrix['domains'][k]}": row[k] for k in used},
            "total": sum(row),
        }
        for code, row in sums
        if any(abs(value) > CENT for value in row)
    ]


# --- who pays -------------------------------------------------------------------------------------


def who_pays(results: Results) -> list[Values]:
    labels = _labels(results)
    return [
        {**row, "name": name(labels, "actors", row["actor"])}
        for row in results["who_pays_who_benefits"]
    ]


def allocation(part: str, group: str) -> RowSource:
    def rows(results: Results) -> list[Values]:
        labels = _labels(results)
        return [
            {**row, "name": name(labels, group, row["code"])}
            for row in results["cost_allocation"][part]
            if abs(row["benefits"]) > CENT or abs(row["allocated_costs"]) > CENT
        ]

    return rows


def allocation_columns(first: Label) -> tuple[Column, ...]:
    return (
        name_column(first),
        Column("benefits", _("Benefits")),
        Column("allocated_costs", _("Allocated costs")),
        Column("benefits_pv", _("Benefits, present value")),
        Column("allocated_costs_pv", _("Allocated costs, present value")),
    )


# --- per intervention -----------------------------------------------------------------------------


def intervention_types(results: Results) -> list[Values]:
    labels = _labels(results)
    return [
        {**row, "name": name(labels, "intervention_types", row["intervention_type"])}
        for row in results["by_intervention_type"]
        # A row whose count disclosure control hid (None) stays, shown as "<10".
        if row["households"] is None or row["households"] or row["costs"] or row["benefits"]
    ]


def programme(results: Results) -> list[Values]:
    return [
        {"code": code, "name": PROGRAMME_CATEGORY_LABELS.get(code, code), "costs": sum(series)}
        for code, series in (results.get("costs_by_programme_category") or {}).items()
        if sum(series)
    ]


# --- the municipality's ledger and budget ---------------------------------------------------------


def _date(iso: str) -> str:
    """A date of the results document (2035-12-31) as every page writes it: 31-12-2035."""
    return short_date(date.fromisoformat(iso))


def ledger_summary(results: Results) -> list[Values]:
    ledger = results["ledger"]
    return [
        _fact(
            _gettext("End value on %(date)s") % {"date": _date(ledger["end_value_date"])},
            ledger["end_value"],
            Kind.MONEY,
        ),
        _fact(
            _gettext("Net present value (NCW, BBV) on %(date)s")
            % {"date": _date(ledger["ncw_date"])},
            ledger["ncw"],
            Kind.MONEY,
        ),
        _fact(_("Funding gap"), ledger["funding_gap"], Kind.FLAG),
    ]


def ledger_rows(results: Results) -> list[Values]:
    return results["ledger"]["rows"]


def budget_rows(results: Results) -> list[Values]:
    return (results.get("budget_position") or {}).get("rows", [])


def budget_summary(results: Results) -> list[Values]:
    budget = results.get("budget_position")
    if not budget:
        return []
    return [
        _fact(
            _("Years in which money is brought forward"),
            budget["years_brought_forward"],
            Kind.YEAR_LIST,
        ),
        _fact(_("Peak pre-financing"), budget["peak_prefinancing"], Kind.MONEY),
        _fact(
            _("Back at or above zero in"),
            budget["year_repaid"] or None,
            Kind.YEAR,
            missing=_("not within the horizon")
            if budget["years_brought_forward"]
            else _("not needed"),
        ),
    ]


# --- sensitivity ----------------------------------------------------------------------------------

#: How the values of a ranged parameter read: a unit cost in euros, a factor as a ratio, the others
#: (rates, probabilities, shares) as a percentage.
PARAMETER_VALUE_KINDS = {
    "unit_cost": Kind.MONEY,
    "cost_factor": Kind.RATIO,
    "benefit_factor": Kind.RATIO,
    "value_factor": Kind.RATIO,
}


#: At most this many decimals of a percentage, however a rate was typed.
MOST_PERCENT_DECIMALS = 3


def parameter_decimals(kind: str, *values: Any) -> int:
    """How many decimals show ``values`` of a parameter as they were given: a discount rate of
    2.25% as 2,25% (as the version's page shows it), not rounded to 2,3%; at least the kind's
    usual number, at most ``MOST_PERCENT_DECIMALS`` for a percentage."""
    shown = PARAMETER_VALUE_KINDS.get(kind, Kind.PERCENT)
    if shown is not Kind.PERCENT:
        return shown.default_decimals
    places = shown.default_decimals
    for value in values:
        if isinstance(value, int | float) and math.isfinite(value):
            exponent = Decimal(repr(round(value * 100, 6))).normalize().as_tuple().exponent
            places = max(places, -int(exponent))
    return min(places, MOST_PERCENT_DECIMALS)


def parameter_cell(value: Any, kind: str, decimals: int | None = None, **cell: Any) -> Cell:
    """A value of a parameter of the engine's ``kind``, in its units."""
    shown = PARAMETER_VALUE_KINDS.get(kind, Kind.PERCENT)
    places = shown.default_decimals if decimals is None else decimals
    return Cell(value, shown, places, **cell)


def tornado(results: Results) -> list[Values]:
    labels = _labels(results)
    rows = []
    for row in results["tornado"]:
        # One number of decimals for the row's three values, enough to show each as given.
        places = parameter_decimals(row["kind"], row["low"], row["base"], row["high"])
        rows.append(
            {
                **row,
                "label": parameter_label(row["parameter"], labels),
                **{
                    key: parameter_cell(row[key], row["kind"], places)
                    for key in ("low", "base", "high")
                },
            }
        )
    return rows


def switching(results: Results) -> list[Values]:
    labels = _labels(results)
    return [
        {
            "parameter": row["parameter"],
            "label": parameter_label(row["parameter"], labels),
            "base": parameter_cell(
                row["base"], row["kind"], parameter_decimals(row["kind"], row["base"])
            ),
            "switching_value": parameter_cell(
                row["switching_value"],
                row["kind"],
                missing=_("the NPV does not change sign within the valid range"),
            ),
        }
        for row in results["switching_values"]
    ]
