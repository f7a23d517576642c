"""What the charts of a run (``charts``, ``finance_charts``) share: a result table's cells as a
chart's table holds them, the rows and values of its columns, and the axis of amounts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from siex.core.charts import Chart, DataCell

from .cells import Cell, Kind, Results, ResultTable, Row
from .formats import cell_text

ChartBuilder = Callable[[Results, dict[str, ResultTable]], Chart | None]


def data_cell(cell: Cell | None) -> DataCell:
    """A cell of a result table as a chart's table holds it."""
    if cell is None:
        return DataCell(None, "")
    return DataCell(cell.sheet_value, cell_text(cell), cell.number_format, cell.kind.is_number)


def money(value: Any) -> DataCell:
    return data_cell(Cell(value, Kind.MONEY))


def table_rows(
    table: ResultTable, keys: Sequence[str], rows: Sequence[Row] | None = None
) -> tuple[tuple[str, ...], tuple[tuple[DataCell, ...], ...]]:
    """The headings and cells of ``keys`` (columns of ``table``) for its rows."""
    columns = {column.key: column for column in table.columns}
    headers = tuple(str(columns[key].label) for key in keys)
    body = tuple(
        tuple(data_cell(row.by_column.get(key)) for key in keys)
        for row in (table.rows if rows is None else rows)
    )
    return headers, body


def cell_value(row: Row, key: str) -> Any:
    cell = row.by_column.get(key)
    return None if cell is None else cell.value


def column_values(table: ResultTable, key: str) -> list[Any]:
    return [cell_value(row, key) for row in table.rows]


def money_axis(**axis: Any) -> dict[str, Any]:
    return {"tickprefix": "EUR ", "tickformat": ",.0f", "zeroline": True, **axis}


def side_by_side_bars(
    names: list[str], series: Sequence[tuple[str, list, str]], hovertemplate: str
) -> list[dict[str, Any]]:
    """Horizontal bars side by side per name (``barmode="group"``): one trace per (legend name,
    values, colour) of ``series``."""
    return [
        {
            "type": "bar",
            "orientation": "h",
            "name": label,
            "y": names,
            "x": values,
            "marker": {"color": colour},
            "hovertemplate": hovertemplate,
        }
        for label, values, colour in series
    ]
