"""CSV and Excel downloads of the audit pages, written by the one spreadsheet writer
(``siex.core.spreadsheets``): log values come from users (a username, a search term), so texts that
a spreadsheet would run as a formula are neutralised and characters a workbook cannot hold left
out there. CSV uses a semicolon and a byte-order mark, as Dutch Excel expects; times are in the
municipality's time zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.http import HttpResponse
from django.utils import timezone

from siex.core.spreadsheets import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    csv_text,
    neutralised,
    xlsx_append,
    xlsx_bytes,
    xlsx_sheet,
    xlsx_workbook,
)

__all__ = ["FORMATS", "download", "neutralised"]

FORMATS = ("csv", "xlsx")
DATETIME_FORMAT = "%d-%m-%Y %H:%M:%S"


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def download(
    *, headers: list[str], rows: Iterable[list], file_format: str, filename: str, title: str
) -> HttpResponse:
    """A download of ``rows`` under ``headers`` as "csv" or "xlsx"; ``filename`` without suffix."""
    if file_format == "xlsx":
        content, content_type = _xlsx(headers, rows, title), XLSX_CONTENT_TYPE
    else:
        content, content_type = _csv(headers, rows).encode("utf-8"), CSV_CONTENT_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response


def _csv(headers: list[str], rows: Iterable[list]) -> str:
    return csv_text(headers, ([_csv_value(value) for value in row] for row in rows))


def _csv_value(value):
    if isinstance(value, datetime):
        return _local(value).strftime(DATETIME_FORMAT)
    if value is None or isinstance(value, int | float):
        return value
    return str(value)


def _xlsx(headers: list[str], rows: Iterable[list], title: str) -> bytes:
    workbook = xlsx_workbook()
    sheet = xlsx_sheet(workbook, title, headers)
    for row in rows:
        xlsx_append(sheet, [_xlsx_value(value) for value in row])
    return xlsx_bytes(workbook)


def _xlsx_value(value):
    if isinstance(value, bool):
        return str(value)
    if value is None or isinstance(value, datetime | int | float):
        return value
    return str(value)
