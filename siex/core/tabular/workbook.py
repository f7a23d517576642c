"""Reading an Excel workbook (.xlsx) with openpyxl, bounded before it is parsed: the unpacked
size of the zip file, the declared size of a sheet, and while its XML is read the rows and columns
(``SIEX_IMPORT_MAX_ROWS``, ``SIEX_IMPORT_MAX_COLUMNS``)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from .cells import normalise_header
from .errors import ImportFileError, file_error
from .limits import dutch_number, max_rows, too_many_columns, too_many_rows
from .table import Table

# An XLSX file is a zip; refuse one that unpacks to far more than any real register (zip bomb):
# in all, and per sheet (its XML, or the shared texts) more than this per row that may be read,
# plus what a sheet holds besides its rows. A row of the template takes about 500 bytes.
MAX_UNPACKED_FACTOR = 25
MAX_SHEET_BYTES_PER_ROW = 1024
SHEET_BYTES_BESIDES_ROWS = 64 * 1024


def _xlsx_text(value: Any) -> Any:
    """A cell's text as typed: Excel writes a character that XML cannot hold (a control character)
    as ``_xHHHH_``, which openpyxl leaves as it is; unescaped, the cell checks can see it."""
    if isinstance(value, str) and "_x" in value:
        from openpyxl.utils.escape import unescape

        return unescape(value)
    return value


def _not_a_workbook() -> ImportFileError:
    return file_error(
        _(
            "The file is not an Excel workbook (.xlsx). Save it in Excel as “Excel Workbook "
            "(.xlsx)” or as “CSV UTF-8”."
        ),
        "not_xlsx",
    )


def check_workbook_archive(data: bytes) -> None:
    """Refuse a workbook that unpacks to far more than a register can be, before it is parsed
    (openpyxl reads a sheet without a declared size in full as soon as the workbook is opened):
    from the sizes its zip file declares, so in a fraction of a second."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _not_a_workbook() from None
    if "xl/workbook.xml" not in {member.filename for member in members}:
        raise _not_a_workbook()
    too_large = file_error(
        _("The workbook is too large once unpacked. Split it into smaller files."), "too_large"
    )
    if sum(member.file_size for member in members) > (
        MAX_UNPACKED_FACTOR * settings.SIEX_IMPORT_MAX_BYTES
    ):
        raise too_large
    per_sheet = MAX_SHEET_BYTES_PER_ROW * (max_rows() + 1) + SHEET_BYTES_BESIDES_ROWS
    for member in members:
        name = member.filename
        if (name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml") and (
            member.file_size > per_sheet
        ):
            raise too_large


def _check_declared_size(sheet) -> None:
    """Refuse a sheet whose declared size (its used range, as Excel records it) is beyond the
    limits, before a row of it is read."""
    rows, columns = sheet.max_row, sheet.max_column  # None when the sheet declares none
    if rows is not None and rows > max_rows() + 1:
        raise file_error(
            _(
                "%(sheet)s holds %(rows)s rows below the column names, according to the "
                "workbook; at most %(max)s are read. Split it into smaller files. If the rows "
                "below your data are empty, select them in Excel, delete them and save the file "
                "again."
            )
            % {
                "sheet": sheet.title,
                "rows": dutch_number(rows - 1),
                "max": dutch_number(max_rows()),
            },
            "too_many_rows",
        )
    if columns is not None and columns > settings.SIEX_IMPORT_MAX_COLUMNS:
        raise too_many_columns(sheet.title)


@dataclass
class _Position:
    """How far the XML of a sheet has been read (for the progress of the check)."""

    source: Any = None
    size: int = 0

    def done(self) -> float:
        return self.source.tell() / self.size if self.source is not None and self.size else 0.0


def _sheet_rows(workbook, sheet, position: _Position) -> Iterator[tuple[int, tuple]]:
    """The rows the sheet's XML holds, as (row number, values), without empty rows.

    Read with the parser that openpyxl's read-only worksheet uses itself, because that worksheet
    fills in every row missing from the XML (one row numbered 8,000,000 becomes eight million
    empty rows) and widens each row to its last cell (one cell in column XFD makes 16,384
    values). So the work is bounded by the size of the XML (``check_workbook_archive``), the
    columns by SIEX_IMPORT_MAX_COLUMNS and the rows by SIEX_IMPORT_MAX_ROWS: reading stops at the
    first value past a limit."""
    from openpyxl.worksheet._reader import WorkSheetParser

    width, last_row = settings.SIEX_IMPORT_MAX_COLUMNS, max_rows() + 1
    with sheet._get_source() as source:
        position.source = source
        position.size = workbook._archive.getinfo(sheet._worksheet_path).file_size
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            if not cells:
                continue
            if cells[0]["column"] == 1 and cells[-1]["column"] == len(cells) <= width:
                # The usual row: one cell for each column from A on.
                row = [_xlsx_text(cell["value"]) for cell in cells]
            else:
                row = [None] * width
                for cell in cells:
                    value = cell["value"]
                    if cell["column"] > width:
                        if value is None or value == "":
                            continue  # an empty cell with a style, say, far to the right
                        raise too_many_columns(sheet.title)
                    row[cell["column"] - 1] = _xlsx_text(value)
            while row and (row[-1] is None or row[-1] == ""):
                row.pop()
            if not row:
                continue
            if number > last_row:
                raise too_many_rows(sheet.title)
            yield number, tuple(row)


def open_workbook(data: bytes):
    """The workbook opened read-only, after its archive was checked; the caller closes it."""
    check_workbook_archive(data)
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of errors on a broken file
        raise _not_a_workbook() from None


def sheet_table(workbook, sheet) -> Table | None:
    """The sheet as a table whose rows are read lazily, or None when row 1 holds no column names
    (an empty sheet). Closing the table closes the workbook."""
    unreadable = file_error(
        _(
            "The workbook cannot be read: it may be damaged. Open it in Excel, save it again as "
            "“Excel Workbook (.xlsx)” and upload that."
        ),
        "bad_xlsx",
    )

    def guarded(rows: Iterator[tuple[int, tuple]]) -> Iterator[tuple[int, tuple]]:
        try:
            yield from rows
        except ImportFileError:
            raise
        except Exception:  # noqa: BLE001 - a damaged sheet fails in many ways while it is read
            raise unreadable from None

    _check_declared_size(sheet)
    position = _Position()
    rows = guarded(_sheet_rows(workbook, sheet, position))
    first = next(rows, None)
    header_cells = first[1] if first is not None and first[0] == 1 else ()
    header = [normalise_header(cell) for cell in header_cells]
    while header and not header[-1]:
        header.pop()
    if not header:
        return None
    return Table("", sheet.title, header, rows, close=workbook.close, done=position.done)
