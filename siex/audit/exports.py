"""CSV and Excel downloads of the audit pages.

Spreadsheet programs run a cell that starts with = + - @ (or a tab or carriage return) as a
formula, and log values come from users (a username, a search term): every such text cell gets a
leading apostrophe, in both formats. CSV uses a semicolon and a byte-order mark, as Dutch Excel
expects; times are in the municipality's time zone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATETIME_FORMAT = "%d-%m-%Y %H:%M:%S"
XLSX_DATETIME_FORMAT = "dd-mm-yyyy hh:mm:ss"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralised(value):
    """A text that a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def download(
    *, headers: list[str], rows: Iterable[list], file_format: str, filename: str, title: str
) -> HttpResponse:
    """A download of ``rows`` under ``headers`` as "csv" or "xlsx"; ``filename`` without suffix."""
    if file_format == "xlsx":
        content, content_type = _xlsx(headers, rows, title), XLSX_TYPE
    else:
        content, content_type = _csv(headers, rows).encode("utf-8"), "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response


def _csv(headers: list[str], rows: Iterable[list]) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralised(str(header)) for header in headers])
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return buffer.getvalue()


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _local(value).strftime(DATETIME_FORMAT)
    return neutralised(value if isinstance(value, int | float) else str(value))


def _xlsx(headers: list[str], rows: Iterable[list], title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=neutralised(str(header)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_value(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(sheet, value):
    if value is None or isinstance(value, bool):
        return None if value is None else str(value)
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=_local(value).replace(tzinfo=None))
        cell.number_format = XLSX_DATETIME_FORMAT
        return cell
    if isinstance(value, int | float):
        return value
    # A string cell explicitly: openpyxl would otherwise store "=..." as a formula.
    cell = WriteOnlyCell(sheet, value=neutralised(str(value)))
    cell.data_type = "s"
    return cell
