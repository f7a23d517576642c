"""The charts of an area's neighbourhood photo, drawn from the photo document itself (so a chart,
its table and its download hold the photo's figures): the area's value of an indicator against
the municipality, the Netherlands and the peer municipalities, and its trend over the periods
with the definition breaks and the context notes marked."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from siex.core.charts import PALETTE, Chart, DataCell, base_layout
from siex.core.charts.chart import GRID_COLOUR

from ..indicators.models import Theme, Unit
from ..views import shown_value
from .map import english, number_format_of, sheet_number

#: The keys of the area's charts (part of their download's address).
CHART_KEYS = ("vergelijking", "trend")


def _label(entry: dict[str, Any]) -> str:
    return entry["label_en"] if english() else entry["label_nl"]


def default_indicator(content: dict[str, Any]) -> str | None:
    """The indicator the charts show when none is chosen: the first poverty indicator with a
    value, else the first with one."""
    entries = [e for e in content["indicators"] if e["latest"]["value"] is not None]
    poverty = [e for e in entries if e["theme"] == Theme.POVERTY]
    chosen = (poverty or entries or [None])[0]
    return chosen["code"] if chosen else None


def indicator_choices(content: dict[str, Any]) -> list[tuple[str, str]]:
    return [(entry["code"], _label(entry)) for entry in content["indicators"]]


def _entry(content: dict[str, Any], code: str | None) -> dict[str, Any] | None:
    return next((e for e in content["indicators"] if e["code"] == code), None)


def _cell(value: Decimal | None, entry: dict[str, Any], *, withheld: bool = False) -> DataCell:
    unit, decimals = entry["unit"], entry["decimals"]
    if value is None:
        return DataCell(None, _("secret") if withheld else "–")
    fmt = number_format_of(decimals) + ("\\%" if unit == Unit.PERCENTAGE else "")
    return DataCell(
        sheet_number(value, decimals), shown_value(value, unit, decimals), fmt, numeric=True
    )


def _unit_axis(unit: str) -> dict[str, Any]:
    """A percentage's axis says so on its ticks."""
    return {"ticksuffix": "%"} if unit == Unit.PERCENTAGE else {}


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def benchmark_chart(
    content: dict[str, Any], code: str | None, *, file_stem: str = ""
) -> Chart | None:
    """Bars: the area's latest value of the indicator, the municipality's and the Netherlands' of
    the same period and the mean of the peer municipalities (of an earlier period when theirs is
    not out yet, said in its label). Only what has a number is drawn and listed."""
    entry = _entry(content, code)
    if entry is None or entry["latest"]["value"] is None:
        return None
    period = entry["latest"]["period"]
    marks = entry["benchmarks"]
    bars: list[tuple[str, Decimal]] = [(content["area"]["name"], Decimal(entry["latest"]["value"]))]
    for key, name in (("municipality", _("Municipality")), ("country", _("Netherlands"))):
        mark = marks.get(key)
        if mark and mark["value"] is not None:
            bars.append((name, Decimal(mark["value"])))
    peers = marks.get("peers")
    if peers and peers.get("value") is not None:
        name = _("Peer municipalities (mean)")
        if peers.get("period") not in (None, period):
            name = f"{name}, {peers['period']}"
        bars.append((name, Decimal(peers["value"])))
    unit, decimals = entry["unit"], entry["decimals"]
    texts = [shown_value(value, unit, decimals) for _name, value in bars]
    label = _label(entry)
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "x": [float(value) for _name, value in bars],
            "y": [name for name, _value in bars],
            "text": texts,
            "textposition": "auto",
            "hovertext": [f"{name}: {text}" for (name, _v), text in zip(bars, texts, strict=True)],
            "hoverinfo": "text",
            "marker": {"color": [PALETTE[0], *([PALETTE[4]] * (len(bars) - 1))]},
            "showlegend": False,
        }
    ]
    ranked = sorted(range(len(bars)), key=lambda i: -bars[i][1])
    if len(bars) == 1:
        summary = _(
            "%(indicator)s (%(period)s): no benchmark has a value; %(area)s: %(value)s."
        ) % {
            "indicator": label,
            "period": period,
            "area": bars[0][0],
            "value": texts[0],
        }
    else:
        high, low = ranked[0], ranked[-1]
        summary = _(
            "%(indicator)s (%(period)s): %(area)s %(value)s; the highest is %(highest)s "
            "(%(high)s), the lowest %(lowest)s (%(low)s)."
        ) % {
            "indicator": label,
            "period": period,
            "area": bars[0][0],
            "value": texts[0],
            "highest": bars[high][0],
            "high": texts[high],
            "lowest": bars[low][0],
            "low": texts[low],
        }
    rows = tuple((DataCell(name, name), _cell(value, entry)) for name, value in bars)
    return Chart(
        key="vergelijking",
        title=_("%(indicator)s against the benchmarks, %(period)s")
        % {"indicator": label, "period": period},
        summary=summary,
        data=data,
        layout=base_layout(
            margin={"l": 16, "r": 24, "t": 16, "b": 48},
            xaxis={"rangemode": "tozero", "gridcolor": GRID_COLOUR, **_unit_axis(unit)},
            yaxis={"autorange": "reversed"},
        ),
        headers=(_("Area"), label),
        rows=rows,
        file_stem=file_stem,
    )


def _segments(trend: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The trend cut at its breaks: each part one definition of one area version."""
    parts: list[list[dict[str, Any]]] = []
    for point in trend:
        if point["break_before"] or not parts:
            parts.append([])
        parts[-1].append(point)
    return parts


def _notes_in(content: dict[str, Any], first: int, last: int) -> list[dict[str, Any]]:
    return [
        note
        for note in content["context_notes"]
        if note["period_from"] <= last and (note["period_to"] or last) >= first
    ]


def trend_chart(content: dict[str, Any], code: str | None, *, file_stem: str = "") -> Chart | None:
    """The area's values of the indicator over the periods: a line per definition (a break cuts
    the line and is marked with a dashed line), the periods of the context notes shaded."""
    entry = _entry(content, code)
    if entry is None or all(point["value"] is None for point in entry["trend"]):
        return None
    trend = entry["trend"]
    unit, decimals = entry["unit"], entry["decimals"]
    first, last = trend[0]["period"], trend[-1]["period"]
    data = []
    for index, part in enumerate(_segments(trend)):
        name = _("Definition %(number)s (%(first)s–%(last)s)") % {
            "number": part[0]["version"],
            "first": part[0]["period"],
            "last": part[-1]["period"],
        }
        texts = [shown_value(_decimal(p["value"]), unit, decimals) or _("secret") for p in part]
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": name,
                "x": [p["period"] for p in part],
                "y": [None if p["value"] is None else float(p["value"]) for p in part],
                "text": texts,
                "hovertemplate": "%{x}: %{text}<extra></extra>",
                "line": {"color": PALETTE[index % len(PALETTE)], "width": 3},
                "marker": {"size": 9},
            }
        )
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    breaks = [point["period"] for point in trend if point["break_before"]]
    for period in breaks:
        shapes.append(
            {
                "type": "line",
                "x0": period - 0.5,
                "x1": period - 0.5,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": PALETTE[3], "width": 2, "dash": "dash"},
            }
        )
        annotations.append(
            {
                "x": period - 0.5,
                "yref": "paper",
                "y": 1,
                "text": _("Definition break"),
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "bottom",
            }
        )
    notes = _notes_in(content, first, last)
    for index, note in enumerate(notes):
        start = max(note["period_from"], first) - 0.5
        end = min(note["period_to"] or last, last) + 0.5
        shapes.append(
            {
                "type": "rect",
                "x0": start,
                "x1": end,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "fillcolor": GRID_COLOUR,
                "opacity": 0.35,
                "line": {"width": 0},
                "layer": "below",
            }
        )
        annotations.append(
            {
                "x": start,
                "yref": "paper",
                "y": 0.98 - 0.08 * index,
                "text": note["title"],
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "top",
                "font": {"size": 12},
            }
        )
    headers = (_("Period"), _label(entry), _("Remark"))
    rows = []
    for point in trend:
        remarks = [_("definition break")] if point["break_before"] else []
        remarks += [
            note["title"]
            for note in notes
            if note["period_from"] <= point["period"] <= (note["period_to"] or last)
        ]
        remark = "; ".join(remarks)
        rows.append(
            (
                DataCell(point["period"], str(point["period"])),
                _cell(_decimal(point["value"]), entry, withheld=point["withheld"]),
                DataCell(remark, remark),
            )
        )
    return Chart(
        key="trend",
        title=_("%(indicator)s over the periods") % {"indicator": _label(entry)},
        summary=trend_summary(content, entry, breaks),
        data=data,
        layout=base_layout(
            height=420,
            margin={"l": 16, "r": 24, "t": 40, "b": 96},
            xaxis={
                "title": {"text": _("Period")},
                "dtick": 1,
                "tickformat": "d",
                "range": [first - 0.6, last + 0.6],
            },
            yaxis={"gridcolor": GRID_COLOUR, "rangemode": "tozero", **_unit_axis(unit)},
            shapes=shapes,
            annotations=annotations,
        ),
        headers=headers,
        rows=tuple(rows),
        file_stem=file_stem,
    )


def trend_summary(content: dict[str, Any], entry: dict[str, Any], breaks: list[int]) -> str:
    """The change over the last unbroken part of the series, and where it breaks."""
    unit, decimals = entry["unit"], entry["decimals"]
    part = [p for p in _segments(entry["trend"])[-1] if p["value"] is not None]
    values = {
        "indicator": _label(entry),
        "area": content["area"]["name"],
    }
    if len(part) < 2:
        point = part[-1] if part else next(p for p in entry["trend"] if p["value"] is not None)
        sentence = _(
            "%(indicator)s in %(area)s: %(value)s in %(period)s, no earlier value to compare "
            "with in the same definition."
        ) % {
            **values,
            "value": shown_value(_decimal(point["value"]), unit, decimals),
            "period": point["period"],
        }
    else:
        sentence = _(
            "%(indicator)s in %(area)s went from %(old)s in %(first)s to %(new)s in %(last)s."
        ) % {
            **values,
            "old": shown_value(_decimal(part[0]["value"]), unit, decimals),
            "first": part[0]["period"],
            "new": shown_value(_decimal(part[-1]["value"]), unit, decimals),
            "last": part[-1]["period"],
        }
    if breaks:
        sentence += " " + _(
            "The series breaks in %(period)s: values before it do not compare with those after."
        ) % {"period": breaks[-1]}
    return sentence


def area_charts(
    content: dict[str, Any], code: str | None, *, file_stem: str = ""
) -> dict[str, Chart]:
    """The charts of the photo for the indicator ``code``, by key (those that have values)."""
    built = {
        "vergelijking": benchmark_chart(content, code, file_stem=file_stem),
        "trend": trend_chart(content, code, file_stem=file_stem),
    }
    return {key: chart for key, chart in built.items() if chart is not None}
