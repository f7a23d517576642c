"""The sheets of an uploaded file as tables of one kind each, and the limits every file is held
to (rows, columns); a CSV file is read here, a workbook in ``workbooks``."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from .cells import cell_text
from .columns import HOUSEHOLD_COLUMNS, HOUSEHOLDS, INTERVENTION_COLUMNS, INTERVENTIONS
from .problems import ImportFileError, file_error


@dataclass
class Table:
    """One sheet (or CSV file) of one kind: its header cells and its rows with their numbers as
    the officer sees them in the spreadsheet (the header is row 1)."""

    kind: str
    sheet: str
    header: list[str]
    rows: Iterable[tuple[int, tuple]]
    close: Callable[[], None] = lambda: None
    done: Callable[[], float] = lambda: 0.0  # the share of the sheet read so far


def normalise_header(value: Any) -> str:
    return re.sub(r"[\s-]+", "_", cell_text(value).casefold()).strip("_")


def kind_of_header(header: list[str]) -> str | None:
    names = set(header)
    if "interventie" in names:
        return INTERVENTIONS
    if names & {"wijk", "inkomensbron", "schuldsituatie", "start_deelname"}:
        return HOUSEHOLDS
    return None


def unknown_header_error() -> ImportFileError:
    return file_error(
        _(
            "The first row must hold the column names of the template: “%(households)s” for "
            "households or “%(interventions)s” for interventions. Download the template to see "
            "the format."
        )
        % {
            "households": ", ".join(c.header for c in HOUSEHOLD_COLUMNS),
            "interventions": ", ".join(c.header for c in INTERVENTION_COLUMNS),
        },
        "unknown_format",
    )


def file_size_mb(size: int) -> str:
    """A size in MB as a Dutch reader writes it (20, 2,5)."""
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value >= 10 or value.is_integer() else f"{value:.1f}".replace(".", ",")


def max_rows() -> int:
    """Rows below the column names that a sheet or CSV file may hold."""
    return settings.SIEX_IMPORT_MAX_ROWS


def dutch_number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def too_many_rows(sheet: str) -> ImportFileError:
    return file_error(
        _(
            "%(sheet)s has more than %(max)s rows below the column names. Split it into smaller "
            "files."
        )
        % {"sheet": sheet, "max": dutch_number(max_rows())},
        "too_many_rows",
    )


def too_many_columns(sheet: str) -> ImportFileError:
    limit = settings.SIEX_IMPORT_MAX_COLUMNS
    return file_error(
        _(
            "%(sheet)s has values in more than %(max)s columns. Keep only the columns of the "
            "template and remove the others."
        )
        % {"sheet": sheet, "max": limit},
        "too_many_columns",
    )


def csv_tables(data: bytes, file_name: str) -> list[Table]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise file_error(_encoding_message(), "encoding")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise file_error(_encoding_message(), "encoding") from None
    if "\x00" in text:
        raise file_error(
            _(
                "The file is not a CSV text file. Upload a CSV (UTF-8) or an Excel workbook "
                "(.xlsx)."
            ),
            "not_text",
        )
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    # Empty rows at the end (Excel writes ";;;;" for a row it thinks is used) do not count.
    text = text.rstrip(f"\r\n\t {delimiter}")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise _csv_error(error, 1) from None
    if not header or not any(cell.strip() for cell in header):
        raise file_error(_("The file contains no rows to import."), "no_rows")
    width = settings.SIEX_IMPORT_MAX_COLUMNS
    if len(header) > width and any(cell.strip() for cell in header[width:]):
        raise too_many_columns(file_name)
    header = [normalise_header(cell) for cell in header[:width]]
    kind = kind_of_header(header)
    if kind is None:
        raise unknown_header_error()
    last_row = max_rows() + 1
    lines = text.count("\n") + 1
    read = [1]

    def rows() -> Iterator[tuple[int, tuple]]:
        number = 1
        try:
            for record in reader:
                number += 1
                read[0] = number
                # The empty rows at the end are gone: a row past the limit means more data.
                if number > last_row:
                    raise too_many_rows(file_name)
                if len(record) > width:
                    if any(cell.strip() for cell in record[width:]):
                        raise too_many_columns(file_name)
                    record = record[:width]
                yield number, tuple(record)
        except csv.Error as error:
            raise _csv_error(error, number + 1) from None

    return [Table(kind, file_name, header, rows(), done=lambda: min(1.0, read[0] / lines))]


def _encoding_message() -> str:
    return _(
        "The file is not saved as UTF-8. In Excel choose “Save as” and then “CSV UTF-8 (comma "
        "delimited)”, or upload the workbook itself (.xlsx)."
    )


def _csv_error(error: csv.Error, row: int) -> ImportFileError:
    return file_error(
        _("The CSV file cannot be read at row %(row)s (%(problem)s). Check the quotes in that row.")
        % {"row": row, "problem": error},
        "bad_csv",
    )
