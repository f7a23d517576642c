"""The comparison as charts (``siex.core.charts``): the difference with the baseline per year,
the cumulative net of each version, the difference per actor and per life domain. A chart's
table is the comparison's table of that part, so the page, the chart and the download hold the
same rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from django.utils.translation import gettext as _

from siex.core.charts import PALETTE, Chart, DataCell, base_layout

from ..results.cells import Cell, Kind
from ..results.figures import figure_cell
from ..results.formats import amount, cell_text, difference_text
from .differences import Compared, Comparison, Line

#: The charts of a comparison, in the order of the page.
CHART_KEYS = ("years", "cumulative", "actors", "domains")


def version_name(version: Compared, baseline: Compared) -> str:
    if version.key == baseline.key:
        return _("%(name)s (baseline)") % {"name": version.label}
    return version.label


def _value_cell(value: float | None, kind: Kind = Kind.MONEY) -> DataCell:
    if value is None:
        return DataCell(None, "")
    cell = Cell(value, kind, kind.default_decimals)
    return DataCell(cell.sheet_value, cell_text(cell), cell.number_format, True)


def _difference_cell(value: float | None, kind: Kind = Kind.MONEY) -> DataCell:
    if value is None:
        return DataCell(None, "")
    cell = Cell(value, kind, kind.default_decimals)
    return DataCell(cell.sheet_value, difference_text(value, kind), cell.number_format, True)


def table(
    comparison: Comparison, lines: Sequence[Line], heading: str, *, differences: bool = True
) -> tuple[tuple[str, ...], tuple[tuple[DataCell, ...], ...]]:
    """The headings and rows of a part: its name, each version's value and, with
    ``differences``, each other version's difference with the baseline."""
    baseline = comparison.baseline
    headers = [heading, *(version_name(v, baseline) for v in comparison.versions)]
    if differences:
        headers += [_("Difference: %(name)s") % {"name": v.label} for v in comparison.others]
    rows = []
    for item in lines:
        row = [DataCell(item.key if isinstance(item.key, int) else item.label, item.label)]
        row += [_value_cell(value, item.kind) for value in item.values]
        if differences:
            row += [_difference_cell(value, item.kind) for value in item.differences[1:]]
        rows.append(tuple(row))
    return tuple(headers), tuple(rows)


def kpi_table(comparison: Comparison) -> tuple[tuple[str, ...], tuple[tuple[DataCell, ...], ...]]:
    """The key figures side by side: each version's value and each other version's difference
    with the baseline, with that difference as a share of the baseline where it means something
    (amounts and counts over a positive baseline)."""
    baseline = comparison.baseline
    headers = (
        _("Key figure"),
        *(version_name(v, baseline) for v in comparison.versions),
        *(_("Difference: %(name)s") % {"name": v.label} for v in comparison.others),
    )
    rows = []
    for item in comparison.kpis:
        row = [DataCell(item.label, item.label)]
        for value in item.values:
            cell = figure_cell(str(item.key), value)
            row.append(DataCell(cell.sheet_value, cell_text(cell), cell.number_format, True))
        for difference, share in zip(item.differences[1:], item.relative[1:], strict=True):
            shown = _difference_cell(difference, item.kind)
            if share is not None:
                shown = replace(shown, text=f"{shown.text} ({difference_text(share, Kind.SHARE)})")
            row.append(shown)
        rows.append(tuple(row))
    return tuple(str(header) for header in headers), tuple(rows)


def _money_axis(**axis) -> dict:
    return {"tickprefix": "EUR ", "tickformat": ",.0f", "zeroline": True, **axis}


def _difference_bars(comparison: Comparison, lines: Sequence[Line], x: list) -> list[dict]:
    return [
        {
            "type": "bar",
            "name": version.label,
            "x": x,
            "y": [item.differences[index] for item in lines],
            "marker": {"color": PALETTE[index % len(PALETTE)]},
            "hovertemplate": f"{version.label}, %{{x}}: EUR %{{y:,.0f}}<extra></extra>",
        }
        for index, version in enumerate(comparison.versions)
        if index > 0
    ]


def _totals(lines: Sequence[Line], index: int) -> float:
    return sum(item.values[index] or 0 for item in lines)


def _largest_gap(comparison: Comparison, lines: Sequence[Line]) -> tuple[int, float]:
    """The other version whose total differs most from the baseline's, and that difference."""
    base = _totals(lines, 0)
    gaps = [(index, _totals(lines, index) - base) for index in range(1, len(comparison.versions))]
    return max(gaps, key=lambda gap: abs(gap[1]))


def years_summary(comparison: Comparison) -> str:
    lines = comparison.years
    index, gap = _largest_gap(comparison, lines)
    values = {
        "version": comparison.versions[index].label,
        "baseline": comparison.baseline.label,
        "amount": amount(abs(gap)),
    }
    if abs(gap) < 0.5:
        return (
            _("Over their horizons the versions yield the same net as the baseline (%(baseline)s).")
            % values
        )
    known = [item for item in lines if item.differences[index] is not None]
    peak = max(known, key=lambda item: abs(item.differences[index] or 0), default=None)
    values["year"] = peak.label if peak else "–"
    if gap > 0:
        return (
            _(
                "%(version)s yields %(amount)s more net over its horizon than the baseline "
                "(%(baseline)s); the largest difference is in %(year)s."
            )
            % values
        )
    return (
        _(
            "%(version)s yields %(amount)s less net over its horizon than the baseline "
            "(%(baseline)s); the largest difference is in %(year)s."
        )
        % values
    )


def years_chart(comparison: Comparison) -> Chart:
    """Grouped bars: per calendar year each version's difference with the baseline's net."""
    lines = comparison.years
    headers, rows = table(comparison, lines, _("Year"))
    return Chart(
        key="years",
        title=_("Net per year: the difference with the baseline"),
        summary=years_summary(comparison),
        data=_difference_bars(comparison, lines, [item.key for item in lines]),
        layout=base_layout(
            barmode="group",
            xaxis={"title": {"text": _("Year")}, "dtick": 1, "tickformat": "d"},
            yaxis=_money_axis(),
        ),
        headers=headers,
        rows=rows,
    )


def _last(values: Sequence[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return known[-1] if known else None


def cumulative_summary(comparison: Comparison) -> str:
    ends = [
        (_last([item.values[index] for item in comparison.cumulative]), version.label)
        for index, version in enumerate(comparison.versions)
    ]
    known = [(value, label) for value, label in ends if value is not None]
    if not known:
        return _("None of the versions has a year table.")
    best, worst = max(known), min(known)
    return _(
        "At the end of its horizon %(best)s has the highest cumulative net (%(best_amount)s), "
        "%(worst)s the lowest (%(worst_amount)s)."
    ) % {
        "best": best[1],
        "best_amount": amount(best[0]),
        "worst": worst[1],
        "worst_amount": amount(worst[0]),
    }


def cumulative_chart(comparison: Comparison) -> Chart:
    """A line per version: its cumulative net per calendar year, from its own start."""
    lines = comparison.cumulative
    headers, rows = table(comparison, lines, _("Year"), differences=False)
    x = [item.key for item in lines]
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": version_name(version, comparison.baseline),
            "x": x,
            "y": [item.values[index] for item in lines],
            "line": {"color": PALETTE[index % len(PALETTE)], "width": 3 if index == 0 else 2},
            "hovertemplate": f"{version.label}, %{{x}}: EUR %{{y:,.0f}}<extra></extra>",
        }
        for index, version in enumerate(comparison.versions)
    ]
    return Chart(
        key="cumulative",
        title=_("Cumulative net per version"),
        summary=cumulative_summary(comparison),
        data=data,
        layout=base_layout(
            xaxis={"title": {"text": _("Year")}, "dtick": 1, "tickformat": "d"},
            yaxis=_money_axis(),
        ),
        headers=headers,
        rows=rows,
    )


def _benefits_summary(comparison: Comparison, lines: Sequence[Line]) -> str:
    if not lines:
        return _("None of the versions has benefits here.")
    index, gap = _largest_gap(comparison, lines)
    if abs(gap) < 0.5:
        return _("Every version brings the same benefits here as the baseline (%(baseline)s).") % {
            "baseline": comparison.baseline.label
        }
    most = max(lines, key=lambda item: (item.differences[index] or 0) * (1 if gap > 0 else -1))
    values = {
        "version": comparison.versions[index].label,
        "baseline": comparison.baseline.label,
        "amount": amount(abs(gap)),
        "name": most.label,
        "part": amount(abs(most.differences[index] or 0)),
    }
    if gap > 0:
        return (
            _(
                "%(version)s brings %(amount)s more benefits than the baseline (%(baseline)s), "
                "most of all for %(name)s (%(part)s more)."
            )
            % values
        )
    return (
        _(
            "%(version)s brings %(amount)s fewer benefits than the baseline (%(baseline)s), "
            "most of all for %(name)s (%(part)s fewer)."
        )
        % values
    )


def _per_code_chart(
    comparison: Comparison, lines: Sequence[Line], key: str, title: str, heading: str
) -> Chart:
    headers, rows = table(comparison, lines, heading)
    return Chart(
        key=key,
        title=title,
        summary=_benefits_summary(comparison, lines),
        data=_difference_bars(comparison, lines, [item.label for item in lines]),
        layout=base_layout(barmode="group", xaxis={"type": "category"}, yaxis=_money_axis()),
        headers=headers,
        rows=rows,
    )


def actors_chart(comparison: Comparison) -> Chart:
    return _per_code_chart(
        comparison,
        comparison.actors,
        "actors",
        _("Benefits per actor: the difference with the baseline"),
        _("Actor"),
    )


def domains_chart(comparison: Comparison) -> Chart:
    return _per_code_chart(
        comparison,
        comparison.domains,
        "domains",
        _("Benefits per life domain: the difference with the baseline"),
        _("Life domain"),
    )


BUILDERS = {
    "years": years_chart,
    "cumulative": cumulative_chart,
    "actors": actors_chart,
    "domains": domains_chart,
}


def comparison_charts(
    comparison: Comparison, keys: Sequence[str] = CHART_KEYS, file_stem: str = ""
) -> dict[str, Chart]:
    """The charts of ``keys`` of a comparison."""
    charts = {}
    for key in keys:
        chart = BUILDERS[key](comparison)
        charts[key] = replace(chart, file_stem=file_stem) if file_stem else chart
    return charts
