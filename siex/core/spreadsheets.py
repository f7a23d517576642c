"""The one writer of the spreadsheets SIEX hands out (CSV and XLSX): every export, template and
download writes its cells through it, so that what a user typed can neither run as a formula nor
break the file.

- A text that a spreadsheet program would run as a formula (it starts with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return: CSV/formula injection) gets a leading apostrophe.
- A control character (``siex.core.text``) is refused at every entrance, but text stored before that
  rule, or written around it, may still hold one. openpyxl refuses to write it (its
  ``IllegalCharacterError`` turned every XLSX export into an error page), so it is left out here.
- CSV as Dutch Excel reads it: UTF-8 with a byte order mark, ``;`` between the cells, CRLF.
- In a workbook a date is a date cell shown as dd-mm-yyyy, a time stamp a date-time cell in the
  municipality's time zone.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.utils import timezone
from django.utils.functional import Promise

from .text import printable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ";"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BYTE_ORDER_MARK = "\ufeff"
DATE_FORMAT = "DD-MM-YYYY"
DATETIME_FORMAT = "DD-MM-YYYY HH:MM:SS"
AMOUNT_FORMAT = "#,##0.00"
_SHEET_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def neutralised(value: Any) -> Any:
    """``value`` as a cell may hold it: a text without control characters and with a leading
    apostrophe where a spreadsheet would take it for a formula; any other value as it is."""
    if isinstance(value, Promise):
        value = str(value)
    if not isinstance(value, str):
        return value
    value = printable(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


# --- CSV ------------------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write() hands the line back, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value: Any, decimal_separator: str) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
        # A number cannot run as a formula: written as it is, with the decimal separator.
        text = format(value, "f") if isinstance(value, Decimal) else str(value)
        return text.replace(".", decimal_separator)
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d-%m-%Y %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return neutralised(value if isinstance(value, str | Promise) else str(value))


def csv_lines(
    rows: Iterable[Iterable[Any]],
    *,
    delimiter: str = CSV_DELIMITER,
    decimal_separator: str | None = None,
) -> Iterator[str]:
    """Each row as one CSV line: texts neutralised, numbers with a decimal comma (with ``;``
    between the cells, as Dutch Excel reads them; a point with ``,``), dates as dd-mm-yyyy and
    time stamps in local time."""
    separator = decimal_separator or ("," if delimiter == ";" else ".")
    writer = csv.writer(_Echo(), delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        yield writer.writerow([_csv_cell(value, separator) for value in row])


def csv_text(
    headers: Iterable[Any],
    rows: Iterable[Iterable[Any]],
    *,
    delimiter: str = CSV_DELIMITER,
    decimal_separator: str | None = None,
) -> str:
    """A whole CSV file: the byte order mark (so that Excel reads UTF-8), the header, the rows."""
    lines = csv_lines([headers, *rows], delimiter=delimiter, decimal_separator=decimal_separator)
    return BYTE_ORDER_MARK + "".join(lines)


def csv_stream(
    headers: Iterable[Any],
    rows: Iterable[Iterable[Any]],
    *,
    delimiter: str = CSV_DELIMITER,
    lines_per_chunk: int = 1000,
) -> Iterator[bytes]:
    """The same CSV file as chunks of bytes, written while the rows are read (for a streamed
    response: a municipality's whole register never sits in memory)."""
    lines = csv_lines(rows, delimiter=delimiter)
    yield (BYTE_ORDER_MARK + next(csv_lines([headers], delimiter=delimiter))).encode("utf-8")
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= lines_per_chunk:
            yield "".join(chunk).encode("utf-8")
            chunk = []
    if chunk:
        yield "".join(chunk).encode("utf-8")


# --- XLSX -----------------------------------------------------------------------------------------


def xlsx_workbook(*, write_only: bool = True):
    """An empty workbook. Write-only (streamed to disk row by row) unless a sheet needs to be
    changed after it was written."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=write_only)
    if not write_only:
        workbook.remove(workbook.active)
    return workbook


def sheet_title(title: Any) -> str:
    """A text as the name of a sheet: at most 31 characters, none that Excel forbids there."""
    return printable(str(title)).translate(_SHEET_TITLE_FORBIDDEN).strip()[:31] or "Blad"


def xlsx_cell(sheet, value: Any, *, number_format: str | None = None, font=None, alignment=None):
    """One cell of ``sheet`` holding ``value`` made safe (see the module), with its style. Dates
    are shown as dd-mm-yyyy, time stamps in local time, unless ``number_format`` says otherwise."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.replace(tzinfo=None)
        number_format = number_format or DATETIME_FORMAT
    elif isinstance(value, date):
        number_format = number_format or DATE_FORMAT
    cell = WriteOnlyCell(sheet, value=neutralised(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"  # never a formula, whatever the text
    if number_format:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    return cell


def xlsx_row(sheet, values: Iterable[Any]) -> list:
    """The cells of one row: plain numbers and empty cells as they are (quick), texts made safe,
    dates as date cells; a cell made by ``xlsx_cell`` is kept."""
    from openpyxl.cell import Cell

    row = []
    for value in values:
        if value is None or isinstance(value, Cell) or type(value) in (int, float):
            row.append(value)
        elif isinstance(value, str | Promise):
            row.append(neutralised(value))
        elif isinstance(value, date):
            row.append(xlsx_cell(sheet, value))
        else:
            row.append(neutralised(value))
    return row


def xlsx_append(sheet, values: Iterable[Any]) -> None:
    """Add a row to ``sheet`` (write-only or not), every value made safe."""
    sheet.append(xlsx_row(sheet, values))


def xlsx_sheet(workbook, title: Any, headers: Iterable[Any], *, widths: Iterable[int] = ()):
    """A new sheet with a bold header row that stays in view, and its column widths."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(sheet_title(title))
    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([xlsx_cell(sheet, header, font=bold) for header in headers])
    return sheet


def xlsx_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_temporary_file(workbook) -> IO[bytes]:
    """The workbook saved to a temporary file, rewound: for a response that streams it (the file
    is deleted when the response closes it)."""
    target = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response
    workbook.save(target)
    target.seek(0)
    return target
