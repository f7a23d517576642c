"""Plan versus actual as a CSV or XLSX download, written by the one spreadsheet writer
(``siex.core.spreadsheets``): CSV holds the table per year, the workbook both tables."""

from __future__ import annotations

from django.http import HttpResponse

from siex.core.spreadsheets import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    csv_text,
    xlsx_append,
    xlsx_bytes,
    xlsx_cell,
    xlsx_sheet,
    xlsx_workbook,
)

from ..models import ScenarioVersion
from ..results.cells import ResultTable

FORMATS = ("csv", "xlsx")


def _values(row) -> list:
    return [None if cell is None else cell.sheet_value for cell in row]


def csv_content(tables: dict[str, ResultTable]) -> str:
    table = tables["plan_actual_years"]
    rows = list(table.sheet_rows())
    return csv_text(_values(rows[0]), [_values(row) for row in rows[1:]])


def xlsx_content(tables: dict[str, ResultTable]) -> bytes:
    workbook = xlsx_workbook()
    for table in tables.values():
        rows = list(table.sheet_rows())
        sheet = xlsx_sheet(workbook, table.title, _values(rows[0]), widths=[28] + [16] * 10)
        for row in rows[1:]:
            xlsx_append(
                sheet,
                [
                    None
                    if cell is None
                    else xlsx_cell(sheet, cell.sheet_value, number_format=cell.number_format)
                    for cell in row
                ],
            )
    return xlsx_bytes(workbook)


def response(version: ScenarioVersion, tables: dict[str, ResultTable], kind: str) -> HttpResponse:
    filename = f"siex-plan-werkelijkheid-{version.scenario.code}-v{version.number}.{kind}"
    if kind == "csv":
        answer = HttpResponse(csv_content(tables), content_type=CSV_CONTENT_TYPE)
    else:
        answer = HttpResponse(xlsx_content(tables), content_type=XLSX_CONTENT_TYPE)
    answer["Content-Disposition"] = f'attachment; filename="{filename}"'
    return answer
