"""Reading a CSV file as one table: UTF-8 (with or without a byte order mark) only, the delimiter
(";" as Excel writes it in the Netherlands, or ",") taken from the first line, rows and columns
held to the limits while the rows are read."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.conf import settings
from django.utils.translation import gettext as _

from .cells import normalise_header
from .errors import ImportFileError, file_error
from .limits import max_rows, too_many_columns, too_many_rows
from .table import Table


def csv_table(data: bytes, file_name: str) -> Table:
    """The file as a table whose header is normalised and whose rows are read lazily."""
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

    return Table("", file_name, header, rows(), done=lambda: min(1.0, read[0] / lines))


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
