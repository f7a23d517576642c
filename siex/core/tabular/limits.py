"""The limits every uploaded file is held to (bytes, rows, columns) and the check of its type
from its content, with the Dutch messages that say what to do."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import ImportFileError, file_error

XLSX_SUFFIXES = {".xlsx", ".xlsm"}
CSV_SUFFIXES = {".csv", ".txt"}


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


def check_size(data: bytes) -> None:
    limit = settings.SIEX_IMPORT_MAX_BYTES
    if not data:
        raise file_error(_("The file is empty."), "empty")
    if len(data) > limit:
        raise file_error(
            _("The file is larger than %(mb)s MB. Split it into smaller files.")
            % {"mb": file_size_mb(limit)},
            "too_large",
        )


def file_type(data: bytes, file_name: str) -> str:
    """ "xlsx" or "csv", from the content; the name's extension must agree with it."""
    suffix = PurePath(file_name or "").suffix.casefold()
    if suffix not in XLSX_SUFFIXES | CSV_SUFFIXES:
        raise file_error(
            _("Upload a CSV file (.csv) or an Excel workbook (.xlsx); “%(suffix)s” is not one.")
            % {"suffix": suffix or file_name},
            "wrong_type",
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise file_error(
            _(
                "This is an old Excel file (.xls). Save it in Excel as “Excel Workbook (.xlsx)” "
                "or as “CSV UTF-8” and upload that."
            ),
            "wrong_type",
        )
    is_zip = data.startswith(b"PK\x03\x04")
    if suffix in XLSX_SUFFIXES and not is_zip:
        raise file_error(
            _("The file is called .xlsx but is not an Excel workbook. Save it again in Excel."),
            "wrong_type",
        )
    if suffix in CSV_SUFFIXES and is_zip:
        raise file_error(
            _("The file is called .csv but is a workbook or another zip file. Rename it to .xlsx."),
            "wrong_type",
        )
    if data.startswith(b"%PDF"):
        raise file_error(_("This is a PDF, not a CSV file."), "wrong_type")
    return "xlsx" if is_zip else "csv"
