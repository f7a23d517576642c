"""The map of the wijken coloured by an indicator (``district_map``): each wijk's stored boundary
(``Area.geometry``, GeoJSON in WGS84) filled by the class of its value, the classes and the
indicator's source in the legend and under the map, the wijken without a value grey.

The wijken are drawn as filled ``scatter`` traces on hidden x/y axes, not as a plotly ``choropleth``
on a ``geo`` subplot: plotly.js fetches a world topojson from its CDN for every geo subplot, also
with ``visible: false`` and every location given as GeoJSON, and SIEX draws without a network
(no tile server, no CDN). The boundaries are projected equirectangularly around the municipality's
mean latitude, so at the scale of a municipality the shapes keep their proportions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from siex.core.charts import Chart, DataCell, base_layout

from ..indicators.models import Indicator, Unit
from ..views import shown_value
from .selectors import DistrictValues, district_values

#: How many classes the legend has at most (quantiles: about as many wijken in each).
CLASS_COUNT = 5
#: Viridis in five steps, light (low) to dark (high): sequential, readable with the common forms
#: of colour blindness and in grey print.
CLASS_COLOURS = ("#FDE725", "#5EC962", "#21918C", "#3B528B", "#440154")
#: A wijk without a value: grey, hatched, so it is not read as a low class.
NO_VALUE_COLOUR = "#D0D5DD"
NO_VALUE_PATTERN = {"shape": "/", "fgcolor": "#667085", "bgcolor": NO_VALUE_COLOUR, "size": 8}
OUTLINE_COLOUR = "#344054"

Ring = list[list[float]]


def quantile_classes(values: Sequence[Decimal], count: int = CLASS_COUNT) -> list[int]:
    """The class (0 = lowest) of each of ``values``: by rank into ``count`` groups of about equal
    size (quantiles); equal values share a class, and classes left empty are closed up, so with
    fewer distinct values than ``count`` there are as many classes as distinct values."""
    if not values:
        return []
    ordered = sorted(values)
    first_rank: dict[Decimal, int] = {}
    for rank, value in enumerate(ordered):
        first_rank.setdefault(value, rank)
    raw = {value: rank * count // len(ordered) for value, rank in first_rank.items()}
    renumbered = {number: index for index, number in enumerate(sorted(set(raw.values())))}
    return [renumbered[raw[value]] for value in values]


def class_colours(count: int) -> list[str]:
    """``count`` colours of the scale, spread from its lightest to its darkest."""
    if count <= 1:
        return [CLASS_COLOURS[len(CLASS_COLOURS) // 2]][:count]
    last = len(CLASS_COLOURS) - 1
    return [CLASS_COLOURS[round(index * last / (count - 1))] for index in range(count)]


def english() -> bool:
    return (get_language() or "nl").startswith("en")


def indicator_label(indicator: Indicator) -> str:
    return indicator.label_en if english() else indicator.label_nl


def _polygons(geometry: dict[str, Any] | None) -> list[Ring]:
    """The outer rings of a GeoJSON Polygon or MultiPolygon (holes are left out: an enclave is a
    wijk of its own and is drawn over its surroundings, see ``district_map``)."""
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry.get("type") == "MultiPolygon":
        return [polygon[0] for polygon in geometry["coordinates"]]
    return []


def _projected(rings: list[Ring], scale: float) -> tuple[list[float | None], list[float | None]]:
    """The rings as one line with gaps (plotly fills each part of a ``toself`` trace apart)."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for ring in rings:
        if xs:
            xs.append(None)
            ys.append(None)
        xs.extend(point[0] * scale for point in ring)
        ys.extend(point[1] for point in ring)
    return xs, ys


def _extent(rings: list[Ring]) -> float:
    points = [point for ring in rings for point in ring]
    width = max(p[0] for p in points) - min(p[0] for p in points)
    height = max(p[1] for p in points) - min(p[1] for p in points)
    return width * height


def number_format_of(decimals: int) -> str:
    """The spreadsheet format of a value with ``decimals`` decimal places."""
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def sheet_number(value: Decimal, decimals: int) -> int | float:
    """A value as a spreadsheet holds it, to the indicator's decimal places."""
    return int(value) if decimals == 0 else float(round(value, decimals))


def class_label(low: Decimal, high: Decimal, indicator: Indicator) -> str:
    """A class as the legend shows it: its lowest and highest value, Dutch notation."""
    first = shown_value(low, indicator.unit, indicator.decimals)
    last = shown_value(high, indicator.unit, indicator.decimals)
    return first if low == high else f"{first} – {last}"


def map_summary(found: DistrictValues) -> str:
    """The finding: which wijk has the highest value and which the lowest."""
    indicator = found.indicator
    valued = sorted(
        (
            (value.value, area.name)
            for area, value in found.rows
            if value is not None and value.value is not None
        ),
        key=lambda pair: (-pair[0], pair[1]),
    )
    label = indicator_label(indicator)
    missing = len(found.rows) - len(valued)
    if len(valued) == 1:
        value, name = valued[0]
        sentence = _("%(indicator)s (%(period)s): only %(name)s has a value (%(value)s).") % {
            "indicator": label,
            "period": found.period,
            "name": name,
            "value": shown_value(value, indicator.unit, indicator.decimals),
        }
    else:
        (high, highest), (low, lowest) = valued[0], valued[-1]
        sentence = _(
            "%(indicator)s (%(period)s): highest in %(highest)s (%(high)s), lowest in "
            "%(lowest)s (%(low)s)."
        ) % {
            "indicator": label,
            "period": found.period,
            "highest": highest,
            "high": shown_value(high, indicator.unit, indicator.decimals),
            "lowest": lowest,
            "low": shown_value(low, indicator.unit, indicator.decimals),
        }
    if missing:
        sentence += " " + ngettext(
            "%(count)s wijk has no value (grey).", "%(count)s wijken have no value (grey).", missing
        ) % {"count": missing}
    return sentence


def map_source(found: DistrictValues) -> str:
    """The source of the values shown: the imports' sources, else the indicator's."""
    sources = sorted({value.source for _area, value in found.rows if value and value.source})
    text = "; ".join(sources) or found.indicator.source
    # The template says "Source:" itself; CBS's attribution starts with it.
    return re.sub(r"^\s*(Bron|Source)\s*:\s*", "", text, flags=re.IGNORECASE)


def district_map(indicator: Indicator | str, on_date: date, *, file_stem: str = "") -> Chart | None:
    """The map of the municipality's current wijken coloured by ``indicator`` (an indicator or
    its code) in the latest period at or before ``on_date``'s year; None when no wijk has a
    boundary or a value. The chart's table holds every wijk drawn: its value and class."""
    code = indicator if isinstance(indicator, str) else indicator.code
    found = district_values(indicator_code=code, year=on_date.year)
    if found is None:
        return None
    drawn = [(area, value, _polygons(area.geometry)) for area, value in found.rows]
    drawn = [(area, value, rings) for area, value, rings in drawn if rings]
    if not drawn:
        return None
    # The finding and the source speak of the wijken drawn (a wijk without a boundary is not).
    found = replace(found, rows=[(area, value) for area, value, _rings in drawn])
    shown = found.indicator
    numbers = {
        area.code: value.value
        for area, value, _rings in drawn
        if value is not None and value.value is not None
    }
    codes = list(numbers)
    classes = dict(zip(codes, quantile_classes([numbers[c] for c in codes]), strict=True))
    class_count = len(set(classes.values()))
    colours = class_colours(class_count)
    labels = [
        class_label(
            min(numbers[c] for c in codes if classes[c] == index),
            max(numbers[c] for c in codes if classes[c] == index),
            shown,
        )
        for index in range(class_count)
    ]
    no_value, secret = _("no data"), _("secret")
    latitudes = [point[1] for _a, _v, rings in drawn for ring in rings for point in ring]
    scale = math.cos(math.radians(sum(latitudes) / len(latitudes)))
    data: list[dict[str, Any]] = []
    legend_seen: set[int] = set()
    # The largest first, so that a wijk lying inside another is drawn over it.
    for area, value, rings in sorted(drawn, key=lambda item: -_extent(item[2])):
        xs, ys = _projected(rings, scale)
        index = classes.get(area.code)
        if index is None:
            rank, name = class_count, no_value
            text = secret if value is not None and value.withheld else no_value
            style: dict[str, Any] = {"fillcolor": NO_VALUE_COLOUR, "fillpattern": NO_VALUE_PATTERN}
        else:
            rank, name = index, labels[index]
            text = shown_value(numbers[area.code], shown.unit, shown.decimals)
            style = {"fillcolor": colours[index]}
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": xs,
                "y": ys,
                "fill": "toself",
                "line": {"color": OUTLINE_COLOUR, "width": 1},
                "name": name,
                "legendgroup": f"class-{rank}",
                "legendrank": rank + 1,
                "showlegend": rank not in legend_seen,
                "hoveron": "fills",
                "text": f"{area.name}: {text}",
                **style,
            }
        )
        legend_seen.add(rank)
    headers = (_("Wijk"), indicator_label(shown), _("Class"))
    rows = _table_rows(drawn, shown, classes, labels, numbers)
    return Chart(
        key="wijkkaart",
        title=_("%(indicator)s per wijk, %(period)s")
        % {"indicator": indicator_label(shown), "period": found.period},
        summary=map_summary(found),
        data=data,
        layout=base_layout(
            height=560,
            margin={"l": 8, "r": 8, "t": 8, "b": 8},
            xaxis={"visible": False, "fixedrange": True},
            yaxis={"visible": False, "fixedrange": True, "scaleanchor": "x", "scaleratio": 1},
            legend={
                "orientation": "v",
                "x": 1,
                "xanchor": "left",
                "y": 1,
                "title": {"text": _("Classes (quantiles)")},
            },
        ),
        headers=headers,
        rows=rows,
        file_stem=file_stem,
        source=map_source(found),
    )


def _table_rows(
    drawn: list[tuple[Any, Any, list[Ring]]],
    shown: Indicator,
    classes: dict[str, int],
    labels: list[str],
    numbers: dict[str, Decimal],
) -> tuple[tuple[DataCell, ...], ...]:
    """Every wijk drawn, the highest value first, the wijken without a value last (by name)."""
    ordered = sorted(
        drawn,
        key=lambda item: (
            item[0].code not in numbers,
            -numbers.get(item[0].code, Decimal(0)),
            item[0].name,
        ),
    )
    rows = []
    for area, value, _rings in ordered:
        number = numbers.get(area.code)
        if number is None:
            withheld = value is not None and value.withheld
            text = _("secret") if withheld else _("no data")
            rows.append(
                (DataCell(area.name, area.name), DataCell(None, text), DataCell(text, text))
            )
            continue
        cell = DataCell(
            sheet_number(number, shown.decimals),
            shown_value(number, shown.unit, shown.decimals),
            number_format_of(shown.decimals) + ("\\%" if shown.unit == Unit.PERCENTAGE else ""),
            numeric=True,
        )
        label = labels[classes[area.code]]
        rows.append((DataCell(area.name, area.name), cell, DataCell(label, label)))
    return tuple(rows)
