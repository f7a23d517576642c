"""The charts of a run's money views (``charts`` registers them): the costs laid where the benefits
arise (per life domain and per actor), the municipality's GREX ledger and its multi-year budget
position ("schuiven met geld"). Each plots the rows of its result table, and its table holds
exactly what it plots."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from siex.core.charts import PALETTE, Chart, DataCell, base_layout
from siex.core.templatetags.siex import short_date

from .cells import Results, ResultTable
from .chart_cells import (
    cell_value,
    column_values,
    money,
    money_axis,
    side_by_side_bars,
    table_rows,
)
from .formats import amount, rate

#: The colours of the money views: benefits and revenues blue, costs vermilion, a position line
#: black, what needs attention (a funding gap, money brought forward) vermilion.
BENEFIT_COLOUR, COST_COLOUR, LINE_COLOUR, ALERT_COLOUR = (
    PALETTE[0],
    PALETTE[3],
    PALETTE[7],
    PALETTE[3],
)
MARGIN = {"l": 160, "r": 24, "t": 32, "b": 96}


def _marker_line(x: float, label: str, colour: str, dash: str = "dash") -> tuple[dict, dict]:
    """A vertical line at ``x`` with its label at the top (a shape and an annotation)."""
    shape = {
        "type": "line",
        "x0": x,
        "x1": x,
        "yref": "paper",
        "y0": 0,
        "y1": 1,
        "line": {"color": colour, "width": 2, "dash": dash},
    }
    note = {
        "x": x,
        "yref": "paper",
        "y": 1,
        "text": label,
        "showarrow": False,
        "xanchor": "left",
        "yanchor": "bottom",
    }
    return shape, note


def _date(iso: str) -> str:
    return short_date(date.fromisoformat(iso))


# --- costs laid where the benefits arise ----------------------------------------------------------


def _allocation(table: ResultTable, key: str, title: str) -> Chart | None:
    """Per row of a cost allocation table: its benefits and the costs laid on it
    (K_d = K_total · B_d / B_total), undiscounted, as bars side by side."""
    if not table.rows:
        return None
    keys = ("name", "benefits", "allocated_costs")
    headers, rows = table_rows(table, keys)
    names = [str(value) for value in column_values(table, "name")]
    benefits = [value or 0 for value in column_values(table, "benefits")]
    costs = [value or 0 for value in column_values(table, "allocated_costs")]
    data = side_by_side_bars(
        names,
        [(headers[1], benefits, BENEFIT_COLOUR), (headers[2], costs, COST_COLOUR)],
        "%{y}: EUR %{x:,.0f}<extra></extra>",
    )
    whole = sum(costs)
    top = costs.index(max(costs))
    summary = _(
        "Laid where the benefits arise, the largest part of the costs falls on %(name)s: "
        "%(costs)s of %(total)s (%(share)s), against %(benefits)s of benefits there."
    ) % {
        "name": names[top],
        "costs": amount(costs[top]),
        "total": amount(whole),
        "share": rate(costs[top] / whole, 0) if whole else "–",
        "benefits": amount(benefits[top]),
    }
    return Chart(
        key=key,
        title=title,
        summary=summary,
        data=data,
        layout=base_layout(
            barmode="group",
            xaxis=money_axis(),
            yaxis={"autorange": "reversed"},
            margin=MARGIN,
        ),
        headers=headers,
        rows=rows,
    )


def allocation_by_domain(results: Results, tables: dict[str, ResultTable]) -> Chart | None:
    return _allocation(
        tables["cost_allocation_by_domain"],
        "allocation_domains",
        _("Costs laid where the benefits arise, per life domain"),
    )


def allocation_by_actor(results: Results, tables: dict[str, ResultTable]) -> Chart | None:
    return _allocation(
        tables["cost_allocation_by_actor"],
        "allocation_actors",
        _("Costs laid where the benefits arise, per actor"),
    )


# --- the GREX ledger ------------------------------------------------------------------------------


def ledger(results: Results, tables: dict[str, ResultTable]) -> Chart | None:
    """The municipality's book value at the end of each year as bars, its end value at the end of
    the horizon and its present value (NCW, BBV) at the start marked; a negative NCW is flagged
    as a funding gap."""
    table = tables["ledger_years"]
    if not table.rows:
        return None
    summary_of = results["ledger"]
    headers, rows = table_rows(table, ("year", "closing_book_value"))
    year_list = [int(year) for year in column_values(table, "year")]
    book_values = [value or 0 for value in column_values(table, "closing_book_value")]
    end_value, ncw = summary_of["end_value"], summary_of["ncw"]
    gap = bool(summary_of["funding_gap"])
    end_label = _("End value on %(date)s") % {"date": _date(summary_of["end_value_date"])}
    ncw_label = _("Net present value (NCW, BBV) on %(date)s") % {
        "date": _date(summary_of["ncw_date"])
    }
    # The two marked figures sit at the moments they are valued: the end of the last year and the
    # start of the first (a bar stands in the middle of its year).
    end_x, ncw_x = year_list[-1] + 0.5, year_list[0] - 0.5
    ncw_colour = ALERT_COLOUR if gap else BENEFIT_COLOUR
    data = [
        {
            "type": "bar",
            "name": headers[1],
            "x": year_list,
            "y": book_values,
            "marker": {"color": PALETTE[4]},
            "hovertemplate": "%{x}: EUR %{y:,.0f}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "markers",
            "name": end_label,
            "x": [end_x],
            "y": [end_value],
            "marker": {"color": LINE_COLOUR, "symbol": "diamond", "size": 14},
            "hovertemplate": "EUR %{y:,.0f}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "markers",
            "name": ncw_label,
            "x": [ncw_x],
            "y": [ncw],
            "marker": {"color": ncw_colour, "symbol": "star", "size": 16},
            "hovertemplate": "EUR %{y:,.0f}<extra></extra>",
        },
    ]
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    if gap:
        shape, note = _marker_line(ncw_x, _("Funding gap: NCW negative"), ALERT_COLOUR)
        shapes.append(shape)
        annotations.append(note)
    rows = (
        *rows,
        (DataCell(end_label, end_label), money(end_value)),
        (DataCell(ncw_label, ncw_label), money(ncw)),
    )
    if gap:
        summary = _(
            "Funding gap: the net present value of the municipality's exploitation is negative "
            "(%(ncw)s); its end value on %(date)s is %(end)s."
        )
    else:
        summary = _(
            "No funding gap: the net present value of the municipality's exploitation is "
            "%(ncw)s; its end value on %(date)s is %(end)s."
        )
    summary %= {
        "ncw": amount(ncw),
        "date": _date(summary_of["end_value_date"]),
        "end": amount(end_value),
    }
    return Chart(
        key="ledger",
        title=_("The municipality's book value per year (GREX ledger)"),
        summary=summary,
        data=data,
        layout=base_layout(
            xaxis={"title": {"text": headers[0]}, "dtick": 1, "tickformat": "d"},
            yaxis=money_axis(),
            shapes=shapes,
            annotations=annotations,
        ),
        headers=(_("Year or moment"), headers[1]),
        rows=rows,
    )


# --- the multi-year budget position ---------------------------------------------------------------


def budget(results: Results, tables: dict[str, ResultTable]) -> Chart | None:
    """The funding position at the end of each year as bars (the years in which money is brought
    forward from later years in vermilion), the budget envelope as a line and the peak
    pre-financing marked. None when the scenario has no budget envelope."""
    table = tables["budget_years"]
    position = results.get("budget_position")
    if not table.rows or not position:
        return None
    keys = ("year", "budget", "closing", "brought_forward")
    headers, rows = table_rows(table, keys)
    year_list = [int(year) for year in column_values(table, "year")]
    closing = [value or 0 for value in column_values(table, "closing")]
    envelope = [value or 0 for value in column_values(table, "budget")]
    forward = [bool(cell_value(row, "brought_forward")) for row in table.rows]
    # Two bar traces, so that the legend names both: the years in which the position is at or
    # above zero, and those in which money is brought forward (vermilion, hatched).
    data = [
        {
            "type": "bar",
            "name": name,
            "x": year_list,
            "y": [
                value if flag is wanted else None
                for value, flag in zip(closing, forward, strict=True)
            ],
            "marker": {"color": colour, "pattern": {"shape": pattern}},
            "hovertemplate": "%{x}: EUR %{y:,.0f}<extra></extra>",
        }
        for name, wanted, colour, pattern in (
            (_("Funding position at the end of the year"), False, BENEFIT_COLOUR, ""),
            (headers[3], True, ALERT_COLOUR, "/"),
        )
    ] + [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": headers[1],
            "x": year_list,
            "y": envelope,
            "line": {"color": LINE_COLOUR, "width": 2, "dash": "dot"},
            "hovertemplate": "%{x}: EUR %{y:,.0f}<extra></extra>",
        },
    ]
    annotations: list[dict[str, Any]] = []
    peak = position["peak_prefinancing"]
    low_year = position.get("low_point_year")
    if any(forward) and low_year is None:  # results of before the low point was stored
        low_year = year_list[closing.index(min(closing))]
    if any(forward):
        annotations.append(
            {
                "x": low_year,
                "y": -peak,
                "text": _("Peak pre-financing: %(amount)s") % {"amount": amount(peak)},
                "showarrow": True,
                "arrowhead": 2,
                "ax": 0,
                "ay": 40,
            }
        )
        repaid = position.get("year_repaid")
        if repaid:
            summary = _(
                "Money must be brought forward from later years in %(years)s; the "
                "pre-financing peaks at %(peak)s in %(year)s, and the position is back at or "
                "above zero in %(repaid)s."
            )
        else:
            summary = _(
                "Money must be brought forward from later years in %(years)s; the "
                "pre-financing peaks at %(peak)s in %(year)s, and the position does not return "
                "to zero within the horizon."
            )
        summary %= {
            "years": ", ".join(
                str(year) for year, flag in zip(year_list, forward, strict=True) if flag
            ),
            "peak": amount(peak),
            "year": low_year,
            "repaid": repaid,
        }
    else:
        summary = _(
            "The budget envelope covers the municipality's costs every year: no money needs to "
            "be brought forward from later years."
        )
    return Chart(
        key="budget",
        title=_("Funding position per year (schuiven met geld)"),
        summary=summary,
        data=data,
        layout=base_layout(
            barmode="overlay",
            xaxis={"title": {"text": headers[0]}, "dtick": 1, "tickformat": "d"},
            yaxis=money_axis(),
            annotations=annotations,
        ),
        headers=headers,
        rows=rows,
    )
