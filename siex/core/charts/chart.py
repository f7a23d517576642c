"""A chart as a page, a screen reader and a spreadsheet see it (see the package)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.utils.text import slugify

from .. import spreadsheets

#: Okabe–Ito: eight colours that people with the common forms of colour blindness tell apart. Every
#: chart takes its colours from here, in this order.
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermilion
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow
    "#000000",  # black
)
#: A sequential scale for heat maps: white to Okabe–Ito blue.
SEQUENTIAL = [[0.0, "#FFFFFF"], [1.0, PALETTE[0]]]
#: Text and grid colours with enough contrast on white.
TEXT_COLOUR = "#1d2939"
GRID_COLOUR = "#d0d5dd"


def base_layout(**layout: Any) -> dict[str, Any]:
    """A figure layout in the house style: Dutch number formats (decimal comma, thousands dot),
    the palette, the legend above the plot, no title (the page's heading is the title)."""
    base: dict[str, Any] = {
        "separators": ",.",
        "colorway": list(PALETTE),
        "font": {"family": "system-ui, sans-serif", "size": 14, "color": TEXT_COLOUR},
        "paper_bgcolor": "#FFFFFF",
        "plot_bgcolor": "#FFFFFF",
        "margin": {"l": 80, "r": 24, "t": 32, "b": 64},
        # Above the plot: below it, long or slanted category labels run into it.
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        "hovermode": "closest",
    }
    for key, value in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(value, dict):
            # Room for the tick labels of amounts, whatever their length.
            value = {"automargin": True, **value}
        base[key] = value
    base.setdefault("xaxis", {"automargin": True})
    base.setdefault("yaxis", {"automargin": True})
    return base


@dataclass(frozen=True)
class DataCell:
    """A value of a chart's table: as a spreadsheet holds it, as the reader sees it (Dutch
    formats) and the spreadsheet's number format."""

    value: Any
    text: str
    number_format: str | None = None
    numeric: bool = False


@dataclass(frozen=True)
class Chart:
    """A chart: its key (unique on a page, part of its download's address), heading, a one-sentence
    summary of the finding, the plotly figure (``data`` and ``layout``) and the rows it plots;
    ``source``: where the figures come from, shown under the chart."""

    key: str
    title: str
    summary: str
    data: list[dict[str, Any]]
    layout: dict[str, Any]
    headers: tuple[str, ...]
    rows: tuple[tuple[DataCell, ...], ...]
    file_stem: str = ""
    source: str = ""
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def figure(self) -> dict[str, Any]:
        """What ``static/js/charts.js`` hands to ``Plotly.newPlot``."""
        return {
            "data": self.data,
            "layout": self.layout,
            "config": {
                "responsive": True,
                "displaylogo": False,
                "displayModeBar": False,
                **self.config,
            },
        }

    @property
    def element_id(self) -> str:
        return "chart-" + slugify(self.key)

    @property
    def figure_element_id(self) -> str:
        """The id of the ``json_script`` element that holds the figure."""
        return self.element_id + "-figure"

    def sheet_rows(self) -> list[list[Any]]:
        return [[cell.value for cell in row] for row in self.rows]

    def file_name(self, extension: str) -> str:
        return f"{self.file_stem or 'siex'}-{slugify(self.key)}.{extension}"


def chart_download(chart: Chart, file_format: str) -> HttpResponse:
    """Exactly the rows the chart plots, as CSV or XLSX (through ``siex.core.spreadsheets``)."""
    if file_format == "csv":
        response = HttpResponse(
            spreadsheets.csv_text(chart.headers, chart.sheet_rows()),
            content_type=spreadsheets.CSV_CONTENT_TYPE,
        )
    elif file_format == "xlsx":
        workbook = spreadsheets.xlsx_workbook()
        sheet = spreadsheets.xlsx_sheet(workbook, chart.title, chart.headers)
        for row in chart.rows:
            sheet.append(
                [
                    spreadsheets.xlsx_cell(sheet, cell.value, number_format=cell.number_format)
                    for cell in row
                ]
            )
        response = HttpResponse(
            spreadsheets.xlsx_bytes(workbook), content_type=spreadsheets.XLSX_CONTENT_TYPE
        )
    else:
        raise ValueError(file_format)
    response["Content-Disposition"] = f'attachment; filename="{chart.file_name(file_format)}"'
    return response
