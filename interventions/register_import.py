"""Bulk import of households and interventions from the spreadsheets policy officers keep (CSV or
XLSX): read and check a file into a dry-run preview, as a job (``import_batch_start``, then
``import_batch_check``) or in one go (``import_batch_preview``), then write it in one transaction,
all rows or none (``import_batch_commit``). A file is bounded (size, rows, columns, unpacked size)
before it is read in full.

Rows are matched on the pseudonym of the municipality's own reference (households) and on
household, intervention and start date (interventions), so importing the same file twice changes
nothing. The raw reference is never shown or logged, and never stored beyond the uploaded file,
which its batch keeps only until the check has ended. Every row is checked with the models' own
``clean_fields()`` and ``clean()``, the rules the forms and the API use, on unsaved instances and
without a query per row. The file format is documented in ``docs/register-import.md``.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import itertools
import json
import logging
import re
import time
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from auditlog import get_logentry_model
from auditlog.cid import get_cid
from auditlog.diff import get_field_value, get_mask_function, is_primitive, track_field
from auditlog.models import DEFAULT_OBJECT_REPR
from auditlog.registry import auditlog
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, connection, transaction
from django.db.models import DateTimeField, JSONField, Min
from django.db.models.signals import pre_save
from django.utils import timezone, translation
from django.utils.encoding import smart_str
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_variables

from interventions.catalogue.models import InterventionType
from interventions.exchange.models import ImportBatch, ImportBatchStatus
from interventions.register.models import (
    DebtSituation,
    Household,
    IncomeSource,
    Intervention,
    InterventionStatus,
    LegalBasis,
    Source,
)
from interventions.register.pseudonyms import (
    looks_like_bsn,
    normalise_reference,
    pseudonymise,
    validate_reference,
)
from interventions.register.services import (
    DUPLICATE_CHECKED_STATUSES,
    HOUSEHOLD_EDITABLE_FIELDS,
    INTERVENTION_EDITABLE_FIELDS,
    duplicate_intervention_message,
)
from monitoring.selectors import current_districts
from siex.core.text import first_control_character, printable

logger = logging.getLogger(__name__)

HOUSEHOLDS = "households"
INTERVENTIONS = "interventions"
KINDS = (HOUSEHOLDS, INTERVENTIONS)
# The sheet names of the template; the file format is Dutch whatever the language of the UI.
SHEET_NAMES = {HOUSEHOLDS: "Huishoudens", INTERVENTIONS: "Interventies"}
EXPLANATION_SHEET = "Toelichting"

MAX_ERRORS_SHOWN = 500
# An XLSX file is a zip; refuse one that unpacks to far more than any real register (zip bomb):
# in all, and per sheet (its XML, or the shared texts) more than this per row that may be read,
# plus what a sheet holds besides its rows. A row of the template takes about 500 bytes.
MAX_UNPACKED_FACTOR = 25
MAX_SHEET_BYTES_PER_ROW = 1024
SHEET_BYTES_BESIDES_ROWS = 64 * 1024
PREVIEW_VALID_FOR = timedelta(hours=24)
PROGRESS_EVERY = 1_000  # rows between two progress reports while a file is read
PROGRESS_INTERVAL = 0.5  # seconds, at least, between two progress updates of a batch
READ_SHARE = 0.8  # the share of a check's time that reading the file takes
#: A check redelivered after its worker died is tried at most this many times in all.
MAX_CHECK_ATTEMPTS = 3
BATCH_SIZE = 5_000
HISTORY_CHUNK = 10_000  # change-history entries written at a time
CHANGE_PERMISSION = "interventions.change_household_data"

# A row whose first cell starts with this is a comment (the explanation rows of the CSV
# templates) and is skipped; no reference can start with it.
COMMENT = "#"

XLSX_SUFFIXES = {".xlsx", ".xlsm"}
CSV_SUFFIXES = {".csv", ".txt"}


class ImportFileError(ValidationError):
    """The file as a whole cannot be read (type, encoding, size, columns): nothing is stored."""


class CellError(Exception):
    """One cell cannot be read; the message says what to do."""


# --- Columns --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of the file format: its Dutch header, the model field it fills, how a cell is
    read, and the explanation in the template's "Toelichting" sheet."""

    header: str
    field: str
    kind: (
        str  # reference, district, intervention_type, integer, decimal, amount, date, choice, text
    )
    required: bool
    description: Any
    example: str = ""
    choices: type | None = None


HOUSEHOLD_COLUMNS = (
    Column(
        "referentie",
        "reference",
        "reference",
        True,
        gettext_lazy(
            "The municipality's own client or case number (for example WIJ-2024-00123). SIEX "
            "turns it into a pseudonym and does not store it. Never a BSN or a name."
        ),
        "WIJ-2024-00123",
    ),
    Column(
        "wijk",
        "area",
        "district",
        True,
        gettext_lazy("The district (wijk): its CBS code or its name, see the list below."),
        "WK001401",
    ),
    Column(
        "volwassenen",
        "adults",
        "integer",
        False,
        gettext_lazy("Number of adults in the household, 1 to 10. Empty: 1."),
        "1",
    ),
    Column(
        "kinderen",
        "children",
        "integer",
        False,
        gettext_lazy("Number of children in the household, 0 to 15. Empty: 0."),
        "2",
    ),
    Column(
        "inkomen_pct_sociaal_minimum",
        "income_pct_social_minimum",
        "decimal",
        False,
        gettext_lazy(
            "Income as a percentage of the social minimum, for example 105 or 98,5. Empty when "
            "unknown."
        ),
        "105",
    ),
    Column(
        "inkomensbron",
        "income_source",
        "choice",
        True,
        gettext_lazy("Main source of income: a code or description from the list below."),
        "bijstand",
        IncomeSource,
    ),
    Column(
        "schuldsituatie",
        "debt_situation",
        "choice",
        True,
        gettext_lazy("Debt situation: a code or description from the list below."),
        "problematic",
        DebtSituation,
    ),
    Column(
        "start_deelname",
        "participation_start",
        "date",
        True,
        gettext_lazy("Start of participation in the programme, as dd-mm-yyyy or yyyy-mm-dd."),
        "01-03-2025",
    ),
    Column(
        "einde_deelname",
        "participation_end",
        "date",
        False,
        gettext_lazy("End of participation; empty while the household takes part."),
        "",
    ),
    Column(
        "grondslag",
        "legal_basis",
        "choice",
        True,
        gettext_lazy(
            "The ground on which SIEX may process this household's data: a code or description "
            "from the list below."
        ),
        "public_task",
        LegalBasis,
    ),
)

INTERVENTION_COLUMNS = (
    Column(
        "referentie",
        "reference",
        "reference",
        True,
        gettext_lazy(
            "The household's own reference, as in the sheet Huishoudens or as registered before."
        ),
        "WIJ-2024-00123",
    ),
    Column(
        "interventie",
        "intervention_type",
        "intervention_type",
        True,
        gettext_lazy("The intervention: its code or Dutch name from the catalogue, see below."),
        "budgetcoaching",
    ),
    Column(
        "startdatum",
        "start_date",
        "date",
        True,
        gettext_lazy(
            "Start date, as dd-mm-yyyy or yyyy-mm-dd; not before the household's participation "
            "started."
        ),
        "15-03-2025",
    ),
    Column(
        "einddatum",
        "end_date",
        "date",
        False,
        gettext_lazy("End date; required when the status is completed, empty while it runs."),
        "",
    ),
    Column(
        "werkelijke_kosten",
        "actual_cost",
        "amount",
        False,
        gettext_lazy(
            "What the intervention really cost in euros, for example 1250 or 1.250,50. Empty "
            "when not known yet."
        ),
        "1250",
    ),
    Column(
        "reden_afwijking",
        "cost_deviation_reason",
        "text",
        False,
        gettext_lazy(
            # xgettext:no-python-format
            "Required when the actual cost differs more than 25% from the unit cost in the "
            "catalogue: why (for example “stopped after three months”)."
        ),
        "",
    ),
    Column(
        "status",
        "status",
        "choice",
        False,
        gettext_lazy("Status: a code or description from the list below. Empty: active."),
        "active",
        InterventionStatus,
    ),
    Column(
        "notities",
        "notes",
        "text",
        False,
        gettext_lazy(
            "What matters for the follow-up, at most 1000 characters. No names, addresses, "
            "telephone numbers, BSN or other details that identify a person."
        ),
        "",
    ),
)

COLUMNS = {HOUSEHOLDS: HOUSEHOLD_COLUMNS, INTERVENTIONS: INTERVENTION_COLUMNS}
# The order of the values of a checked row as it is kept between preview and commit (JSON lists):
# the spreadsheet row number, then the fields, with the pseudonym in place of the reference.
ROW_FIELDS = {
    kind: ("row", "pseudonym", *(c.field for c in columns if c.field != "reference"))
    for kind, columns in COLUMNS.items()
}
COLUMN_OF_FIELD = {
    kind: {c.field: c.header for c in columns} | {"pseudonym": "referentie", "household": None}
    for kind, columns in COLUMNS.items()
}
NOTES_MAX_LENGTH = Intervention._meta.get_field("notes").max_length


def kind_label(kind: str) -> str:
    return {HOUSEHOLDS: _("households"), INTERVENTIONS: _("interventions")}[kind]


# --- Errors ---------------------------------------------------------------------------------------


@dataclass
class RowProblem:
    kind: str
    sheet: str
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


def _sort_key(problem: dict) -> tuple:
    kind_order = KINDS.index(problem["kind"]) if problem["kind"] in KINDS else -1
    headers = [c.header for c in COLUMNS.get(problem["kind"], ())]
    column = headers.index(problem["column"]) if problem["column"] in headers else -1
    return (kind_order, problem["row"] or 0, column)


def _model_problems(kind: str, sheet: str, row: int, error: ValidationError) -> list[RowProblem]:
    columns = COLUMN_OF_FIELD[kind]
    found = []
    for name, messages in error.message_dict.items():
        column = columns.get(name) if name != "__all__" else None
        found.extend(RowProblem(kind, sheet, row, column, str(message)) for message in messages)
    return found


# --- Reading cells --------------------------------------------------------------------------------

_DUTCH_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_SHORT_YEAR = re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2}$")
_PLAIN_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")
_DUTCH_GROUPED = re.compile(r"^-?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_ENGLISH_GROUPED = re.compile(r"^-?\d{1,3}(?:,\d{3})+\.\d+$|^-?\d{1,3}(?:,\d{3}){2,}$")
_AMBIGUOUS = re.compile(r"^-?\d{1,3}[.,]\d{3}$")
_CURRENCY = re.compile(r"(?i)^(?:€|eur)\s*|\s*(?:€|eur)$")
_INTEGER = re.compile(r"^-?\d+$")


CHOICES = (IncomeSource, DebtSituation, LegalBasis, InterventionStatus)


def dutch_labels(choices: type) -> dict[str, str]:
    """Code -> Dutch label of a choice: the file format is Dutch whatever the language of the UI."""
    with translation.override("nl"):
        return {value: str(label) for value, label in choices.choices}


def _text(value: Any) -> str:
    """A cell as text: numbers from a spreadsheet without a trailing ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    return str(value).strip()


class _Reader:
    """Reads cells into the values the models take. Lookups (districts, catalogue, choices) are
    loaded once; repeated values (dates, references) are read once."""

    def __init__(self) -> None:
        self.districts: dict[str, str] = {}
        for code, name in current_districts().values_list("code", "name"):
            self.districts[code.upper()] = code
            self.districts.setdefault(name.strip().casefold(), code)
        self.district_example = next(iter(sorted(set(self.districts.values()))), "WK001401")
        self.types: dict[str, str] = {}
        for code, name_nl in InterventionType.objects.values_list("code", "name_nl"):
            self.types[code.casefold()] = code
            self.types.setdefault(name_nl.strip().casefold(), code)
        # A choice is read from its Dutch label (what the template, the export and officers
        # write), its English label or its code, in any case.
        self.choices: dict[type, dict[str, str]] = {}
        self.choice_labels: dict[type, list[str]] = {}
        for choices in CHOICES:
            accepted = {}
            for language in ("nl", "en"):
                with translation.override(language):
                    for value, label in choices.choices:
                        accepted.setdefault(str(label).casefold(), value)
            accepted.update({value.casefold(): value for value in choices.values})
            self.choices[choices] = accepted
            self.choice_labels[choices] = list(dutch_labels(choices).values())
        self._dates: dict[str, str] = {}
        self._pseudonyms: dict[str, str] = {}
        self._pseudonym_errors: dict[str, str] = {}
        self._references: set[str] = set()  # in memory only, while the file is read

    def _show(self, value: Any) -> str:
        """A cell value quoted in a message, cut short; never a reference of this file or
        something that looks like a BSN (a column mix-up must not put one in the stored check)."""
        text = _text(value)
        if looks_like_bsn(text) or normalise_reference(text) in self._references:
            return _("[hidden]")
        return text if len(text) <= 40 else text[:37] + "..."

    @sensitive_variables()
    def reference(self, value: Any) -> str:
        text = _text(value)
        self._references.add(normalise_reference(text))
        pseudonym = self._pseudonyms.get(text)
        if pseudonym is not None:
            return pseudonym
        if text in self._pseudonym_errors:
            raise CellError(self._pseudonym_errors[text])
        try:
            pseudonym = pseudonymise(validate_reference(text))
        except ValidationError as error:
            message = " ".join(error.messages)
            self._pseudonym_errors[text] = message
            raise CellError(message) from None
        self._pseudonyms[text] = pseudonym
        return pseudonym

    def district(self, value: Any) -> str:
        text = _text(value)
        code = self.districts.get(text.upper()) or self.districts.get(text.casefold())
        if code is None:
            raise CellError(
                _(
                    "“%(value)s” is not a district (wijk) of the municipality. Use its CBS code, "
                    "such as %(example)s, or its name; the template lists them."
                )
                % {"value": self._show(value), "example": self.district_example}
            )
        return code

    def intervention_type(self, value: Any) -> str:
        text = _text(value)
        code = self.types.get(text.casefold())
        if code is None:
            raise CellError(
                _(
                    "“%(value)s” is not an intervention in the catalogue. Use its code or Dutch "
                    "name; the template lists them."
                )
                % {"value": self._show(value)}
            )
        return code

    def integer(self, value: Any) -> int:
        if isinstance(value, bool):
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": self._show(value)})
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        text = _text(value)
        if not _INTEGER.match(text):
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": self._show(value)})
        return int(text)

    def number(self, value: Any) -> str:
        """A decimal number written the Dutch way (1.234,56), with a point (1234.56) or as a
        spreadsheet number; returned as text for the model's DecimalField."""
        if isinstance(value, bool):
            raise CellError(self._not_a_number(value))
        if isinstance(value, int | Decimal):
            return str(value)
        if isinstance(value, float):
            return repr(value)
        text = _CURRENCY.sub("", _text(value)).replace(" ", "").replace("\u00a0", "")
        text = text.rstrip("%").strip()
        if _AMBIGUOUS.match(text):
            raise CellError(
                _(
                    "“%(value)s” can be read in two ways. Write a thousand without a separator "
                    "(1250) or with a decimal comma (1.250,00), and a decimal number with a "
                    "comma (12,50)."
                )
                % {"value": self._show(value)}
            )
        if _PLAIN_NUMBER.match(text):
            return text.replace(",", ".")
        if _DUTCH_GROUPED.match(text):
            return text.replace(".", "").replace(",", ".")
        if _ENGLISH_GROUPED.match(text):
            return text.replace(",", "")
        raise CellError(self._not_a_number(value))

    def _not_a_number(self, value: Any) -> str:
        return _("“%(value)s” is not a number: write for example 1250 or 1.250,50.") % {
            "value": self._show(value)
        }

    def date(self, value: Any) -> str:
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        text = _text(value)
        known = self._dates.get(text)
        if known is not None:
            return known
        match = _DUTCH_DATE.match(text)
        if match:
            day, month, year = (int(part) for part in match.groups())
        else:
            match = _ISO_DATE.match(text)
            if not match:
                if _SHORT_YEAR.match(text):
                    raise CellError(
                        _("Write the year in four digits: “%(value)s” could mean two centuries.")
                        % {"value": self._show(value)}
                    )
                raise CellError(
                    _(
                        "“%(value)s” is not a date: write it as dd-mm-yyyy (for example "
                        "31-01-2025) or yyyy-mm-dd."
                    )
                    % {"value": self._show(value)}
                )
            year, month, day = (int(part) for part in match.groups())
        try:
            parsed = date(year, month, day).isoformat()
        except ValueError:
            raise CellError(
                _("“%(value)s” is not an existing date.") % {"value": self._show(value)}
            ) from None
        self._dates[text] = parsed
        return parsed

    def choice(self, value: Any, choices: type) -> str:
        code = self.choices[choices].get(_text(value).casefold())
        if code is None:
            allowed = ", ".join(f"“{label}”" for label in self.choice_labels[choices])
            raise CellError(
                _("“%(value)s” is not one of the possible values. Choose from: %(allowed)s.")
                % {"value": self._show(value), "allowed": allowed}
            )
        return code

    @staticmethod
    def text(value: Any) -> str:
        return _text(value)


def _default(kind: str, field_name: str) -> Any:
    model = Household if kind == HOUSEHOLDS else Intervention
    default = model._meta.get_field(field_name).get_default()
    return default if default not in (None, "") else None


# --- Reading the file -----------------------------------------------------------------------------


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


@dataclass
class ParsedFile:
    sheets: dict[str, str] = field(default_factory=dict)  # kind -> sheet name or file name
    rows: dict[str, list[list]] = field(default_factory=dict)  # kind -> checked rows
    problems: list[RowProblem] = field(default_factory=list)
    # Pseudonyms of household rows with a problem: their interventions say so.
    refused_households: set[str] = field(default_factory=set)
    # kind -> fields whose (optional) column is not in the file: existing records keep them.
    absent: dict[str, list[str]] = field(default_factory=dict)


def _normalise_header(value: Any) -> str:
    return re.sub(r"[\s-]+", "_", _text(value).casefold()).strip("_")


def _kind_of_header(header: list[str]) -> str | None:
    names = set(header)
    if "interventie" in names:
        return INTERVENTIONS
    if names & {"wijk", "inkomensbron", "schuldsituatie", "start_deelname"}:
        return HOUSEHOLDS
    return None


def _refuse(message: str, code: str) -> ImportFileError:
    return ImportFileError(message, code=code)


def _unknown_header_error() -> ImportFileError:
    return _refuse(
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


def _check_size(data: bytes) -> None:
    limit = settings.SIEX_IMPORT_MAX_BYTES
    if not data:
        raise _refuse(_("The file is empty."), "empty")
    if len(data) > limit:
        raise _refuse(
            _("The file is larger than %(mb)s MB. Split it into smaller files.")
            % {"mb": file_size_mb(limit)},
            "too_large",
        )


def file_size_mb(size: int) -> str:
    """A size in MB as a Dutch reader writes it (20, 2,5)."""
    value = size / (1024 * 1024)
    return f"{value:.0f}" if value >= 10 or value.is_integer() else f"{value:.1f}".replace(".", ",")


def max_rows() -> int:
    """Rows below the column names that a sheet or CSV file may hold."""
    return settings.SIEX_IMPORT_MAX_ROWS


def _dutch_number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _too_many_rows(sheet: str) -> ImportFileError:
    return _refuse(
        _(
            "%(sheet)s has more than %(max)s rows below the column names. Split it into smaller "
            "files."
        )
        % {"sheet": sheet, "max": _dutch_number(max_rows())},
        "too_many_rows",
    )


def _too_many_columns(sheet: str) -> ImportFileError:
    limit = settings.SIEX_IMPORT_MAX_COLUMNS
    return _refuse(
        _(
            "%(sheet)s has values in more than %(max)s columns. Keep only the columns of the "
            "template and remove the others."
        )
        % {"sheet": sheet, "max": limit},
        "too_many_columns",
    )


def _tables_from_csv(data: bytes, file_name: str) -> list[Table]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise _refuse(_encoding_message(), "encoding")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(_encoding_message(), "encoding") from None
    if "\x00" in text:
        raise _refuse(
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
        raise _refuse(_("The file contains no rows to import."), "no_rows")
    width = settings.SIEX_IMPORT_MAX_COLUMNS
    if len(header) > width and any(cell.strip() for cell in header[width:]):
        raise _too_many_columns(file_name)
    header = [_normalise_header(cell) for cell in header[:width]]
    kind = _kind_of_header(header)
    if kind is None:
        raise _unknown_header_error()
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
                    raise _too_many_rows(file_name)
                if len(record) > width:
                    if any(cell.strip() for cell in record[width:]):
                        raise _too_many_columns(file_name)
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
    return _refuse(
        _("The CSV file cannot be read at row %(row)s (%(problem)s). Check the quotes in that row.")
        % {"row": row, "problem": error},
        "bad_csv",
    )


def _xlsx_text(value: Any) -> Any:
    """A cell's text as typed: Excel writes a character that XML cannot hold (a control character)
    as ``_xHHHH_``, which openpyxl leaves as it is; unescaped, the cell checks can see it."""
    if isinstance(value, str) and "_x" in value:
        from openpyxl.utils.escape import unescape

        return unescape(value)
    return value


def _not_a_workbook() -> ImportFileError:
    return _refuse(
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
    too_large = _refuse(
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


def _chosen_sheets(workbook) -> list[tuple[str | None, Any]]:
    """The sheets to read: "Huishoudens" and "Interventies", or else the first sheet that is not
    the explanation (an officer's own workbook, recognised by its header row as a CSV is)."""
    by_name = {sheet.title.strip().casefold(): sheet for sheet in workbook.worksheets}
    chosen = [
        (kind, by_name[SHEET_NAMES[kind].casefold()])
        for kind in KINDS
        if SHEET_NAMES[kind].casefold() in by_name
    ]
    if not chosen:
        explanation = EXPLANATION_SHEET.casefold()
        candidates = [s for s in workbook.worksheets if s.title.strip().casefold() != explanation]
        if not candidates:
            raise _unknown_header_error()
        chosen.append((None, candidates[0]))
    return chosen


def _check_declared_size(sheet) -> None:
    """Refuse a sheet whose declared size (its used range, as Excel records it) is beyond the
    limits, before a row of it is read."""
    rows, columns = sheet.max_row, sheet.max_column  # None when the sheet declares none
    if rows is not None and rows > max_rows() + 1:
        raise _refuse(
            _(
                "%(sheet)s holds %(rows)s rows below the column names, according to the "
                "workbook; at most %(max)s are read. Split it into smaller files. If the rows "
                "below your data are empty, select them in Excel, delete them and save the file "
                "again."
            )
            % {
                "sheet": sheet.title,
                "rows": _dutch_number(rows - 1),
                "max": _dutch_number(max_rows()),
            },
            "too_many_rows",
        )
    if columns is not None and columns > settings.SIEX_IMPORT_MAX_COLUMNS:
        raise _too_many_columns(sheet.title)


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
                        raise _too_many_columns(sheet.title)
                    row[cell["column"] - 1] = _xlsx_text(value)
            while row and (row[-1] is None or row[-1] == ""):
                row.pop()
            if not row:
                continue
            if number > last_row:
                raise _too_many_rows(sheet.title)
            yield number, tuple(row)


def _tables_from_xlsx(data: bytes) -> list[Table]:
    check_workbook_archive(data)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of errors on a broken file
        raise _not_a_workbook() from None
    try:
        return _xlsx_tables(workbook)
    except BaseException:
        workbook.close()
        raise


def _xlsx_tables(workbook) -> list[Table]:
    unreadable = _refuse(
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

    tables = []
    for kind, sheet in _chosen_sheets(workbook):
        _check_declared_size(sheet)
        position = _Position()
        rows = guarded(_sheet_rows(workbook, sheet, position))
        first = next(rows, None)
        # The column names are in row 1; a sheet without them is an empty sheet of the template.
        header_cells = first[1] if first is not None and first[0] == 1 else ()
        header = [_normalise_header(cell) for cell in header_cells]
        while header and not header[-1]:
            header.pop()
        if not header:
            continue
        found = _kind_of_header(header)
        if kind is None:
            if found is None:
                raise _unknown_header_error()
            kind = found
        tables.append(
            Table(kind, sheet.title, header, rows, close=workbook.close, done=position.done)
        )
    if not tables:
        raise _refuse(_("The file contains no rows to import."), "no_rows")
    return tables


def _file_type(data: bytes, file_name: str) -> str:
    """ "xlsx" or "csv", from the content; the name's extension must agree with it."""
    suffix = PurePath(file_name or "").suffix.casefold()
    if suffix not in XLSX_SUFFIXES | CSV_SUFFIXES:
        raise _refuse(
            _("Upload a CSV file (.csv) or an Excel workbook (.xlsx); “%(suffix)s” is not one.")
            % {"suffix": suffix or file_name},
            "wrong_type",
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _refuse(
            _(
                "This is an old Excel file (.xls). Save it in Excel as “Excel Workbook (.xlsx)” "
                "or as “CSV UTF-8” and upload that."
            ),
            "wrong_type",
        )
    is_zip = data.startswith(b"PK\x03\x04")
    if suffix in XLSX_SUFFIXES and not is_zip:
        raise _refuse(
            _("The file is called .xlsx but is not an Excel workbook. Save it again in Excel."),
            "wrong_type",
        )
    if suffix in CSV_SUFFIXES and is_zip:
        raise _refuse(
            _("The file is called .csv but is a workbook or another zip file. Rename it to .xlsx."),
            "wrong_type",
        )
    if data.startswith(b"%PDF"):
        raise _refuse(_("This is a PDF, not a CSV file."), "wrong_type")
    return "xlsx" if is_zip else "csv"


def read_tables(data: bytes, file_name: str) -> list[Table]:
    """The sheets of one kind each in an uploaded file, or an ImportFileError."""
    _check_size(data)
    if _file_type(data, file_name) == "xlsx":
        return _tables_from_xlsx(data)
    return _tables_from_csv(data, file_name)


def _check_header(table: Table) -> dict[str, int]:
    """Column header -> position. Unknown or repeated columns and missing required ones refuse
    the file; an optional column may be left out (existing records then keep their value)."""
    expected = [c.header for c in COLUMNS[table.kind]]
    required = [c.header for c in COLUMNS[table.kind] if c.required]
    positions: dict[str, int] = {}
    repeated, unknown, invisible = [], [], []
    for position, name in enumerate(table.header):
        if not name:
            continue
        if first_control_character(name) is not None:
            invisible.append(printable(name))
            continue
        if name in positions:
            repeated.append(name)
        elif name not in expected:
            unknown.append(name)
        positions.setdefault(name, position)
    missing = [name for name in required if name not in positions]
    problems = []
    where = {"sheet": table.sheet}
    if unknown:
        problems.append(
            _(
                "%(sheet)s: unknown column(s) %(columns)s. Remove them or rename them to a "
                "column of the template (%(expected)s); names and other details that identify a "
                "person have no place in SIEX."
            )
            % {**where, "columns": ", ".join(unknown), "expected": ", ".join(expected)}
        )
    if invisible:
        problems.append(
            _(
                "%(sheet)s: the name of the column(s) %(columns)s contains a control character "
                "(an invisible character). Retype the column name in the first row."
            )
            % {**where, "columns": ", ".join(invisible)}
        )
    if missing:
        problems.append(
            _("%(sheet)s: the required column(s) %(columns)s are missing. Add them.")
            % {**where, "columns": ", ".join(missing)}
        )
    if repeated:
        problems.append(
            _("%(sheet)s: the column(s) %(columns)s appear more than once.")
            % {**where, "columns": ", ".join(repeated)}
        )
    if problems:
        raise _refuse(problems, "columns")
    return positions


@sensitive_variables()
def _read_rows(
    table: Table, reader: _Reader, parsed: ParsedFile, progress: Callable[[float], None]
) -> None:
    positions = _check_header(table)
    columns = COLUMNS[table.kind]
    parsed.absent[table.kind] = [c.field for c in columns if c.header not in positions]
    positions.update({c.header: -1 for c in columns if c.header not in positions})
    layout = [(c, positions[c.header]) for c in columns]
    width = len(table.header)
    unnamed = {position for position, name in enumerate(table.header) if not name}
    defaults = {
        c.field: "" if c.kind == "text" else _default(table.kind, c.field)
        for c in columns
        if not c.required
    }
    problems = parsed.problems
    checked = parsed.rows.setdefault(table.kind, [])
    count, limit = 0, max_rows()
    for number, cells in table.rows:
        if number % PROGRESS_EVERY == 0:
            progress(table.done())
        if not any(cell is not None and _text(cell) != "" for cell in cells):
            continue  # a fully empty row
        if isinstance(cells[0], str) and cells[0].lstrip().startswith(COMMENT):
            continue  # a comment, such as the example row of a template
        count += 1
        if count > limit:  # the readers stop earlier; a last guard for any other Table
            raise _too_many_rows(table.sheet)
        row_problems = []
        if (len(cells) > width or unnamed) and any(
            _text(cells[i]) for i in range(len(cells)) if i >= width or i in unnamed
        ):
            row_problems.append(
                RowProblem(
                    table.kind,
                    table.sheet,
                    number,
                    None,
                    _(
                        "This row has a value in a column without a name. In a CSV file: put a "
                        "text that contains a ; or , between double quotes."
                    ),
                )
            )
        values: list[Any] = [number]
        for column, position in layout:
            raw = cells[position] if 0 <= position < len(cells) else None
            empty = raw is None or _text(raw) == ""
            if empty:
                if column.required:
                    row_problems.append(
                        RowProblem(
                            table.kind,
                            table.sheet,
                            number,
                            column.header,
                            _("This cell is empty; fill it in."),
                        )
                    )
                    values.append(None)
                else:
                    values.append(defaults[column.field])
                continue
            try:
                values.append(_read_cell(reader, column, raw))
            except CellError as error:
                row_problems.append(
                    RowProblem(table.kind, table.sheet, number, column.header, str(error))
                )
                values.append(None)
        if row_problems:
            problems.extend(row_problems)
            if table.kind == HOUSEHOLDS and isinstance(values[1], str):
                parsed.refused_households.add(values[1])
        else:
            checked.append(values)


def _read_cell(reader: _Reader, column: Column, raw: Any) -> Any:
    if isinstance(raw, str):
        position = first_control_character(raw)
        if position is not None:
            raise CellError(
                _(
                    "This cell contains a control character (an invisible character such as a "
                    "bell or a NUL, at position %(position)s). Retype the text of the cell in "
                    "your spreadsheet and upload the file again."
                )
                % {"position": position}
            )
    kind = column.kind
    if kind == "choice":
        return reader.choice(raw, column.choices)
    if kind == "decimal" or kind == "amount":
        return reader.number(raw)
    return getattr(reader, kind)(raw)


def _no_progress(fraction: float) -> None:
    pass


def parse_file(
    *, data: bytes, file_name: str, progress: Callable[[float], None] = _no_progress
) -> ParsedFile:
    """Read and check the cells of an uploaded file, without the database's register: every cell
    problem is collected; a problem with the file as a whole raises ImportFileError. ``progress``
    hears now and then which share of the file has been read."""
    tables = read_tables(data, file_name)
    reader = _Reader()
    parsed = ParsedFile()
    try:
        ordered = sorted(tables, key=lambda t: KINDS.index(t.kind))
        for index, table in enumerate(ordered):
            parsed.sheets[table.kind] = table.sheet
            _read_rows(
                table,
                reader,
                parsed,
                lambda done, index=index: progress((index + done) / len(ordered)),
            )
    finally:
        for table in tables:
            table.close()
    rows_read = sum(len(rows) for rows in parsed.rows.values()) + len(
        {(p.kind, p.row) for p in parsed.problems}
    )
    if not rows_read:
        raise _refuse(_("The file contains no rows to import."), "no_rows")
    return parsed


# --- Checking against the register ----------------------------------------------------------------


@dataclass
class Plan:
    """What an import would do: per kind the new, changed and unchanged rows, and the problems."""

    problems: list[RowProblem] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    new_households: list[Household] = field(default_factory=list)
    changed_households: list[Household] = field(default_factory=list)
    new_interventions: list[Intervention] = field(default_factory=list)
    changed_interventions: list[Intervention] = field(default_factory=list)
    # The values a changed record had before the import, by id: its change history shows them.
    households_before: dict[int, Household] = field(default_factory=dict)
    interventions_before: dict[int, dict[str, Any]] = field(default_factory=dict)


HOUSEHOLD_COMPARED = tuple(sorted(HOUSEHOLD_EDITABLE_FIELDS - {"area"})) + ("area_id",)
INTERVENTION_COMPARED = ("end_date", "actual_cost", "cost_deviation_reason", "status", "notes")
# What is read of a registered intervention besides its key: the compared fields and who changed it
# last (a changed intervention's "last changed by" becomes the officer: its history shows that).
INTERVENTION_STORED = ("updated_by_id", *INTERVENTION_COMPARED)
assert set(INTERVENTION_COMPARED) | {"intervention_type", "start_date"} == set(
    INTERVENTION_EDITABLE_FIELDS
)


def _not_from_the_file(model, checked: set[str]) -> set[str]:
    """The fields ``clean_fields`` can skip: those the import sets itself (ids, version, source,
    time stamps, who) and the foreign keys, which come from the lookups and so need no query."""
    return {f.name for f in model._meta.fields} - checked


HOUSEHOLD_NOT_CHECKED = _not_from_the_file(Household, set(HOUSEHOLD_EDITABLE_FIELDS) - {"area"})
INTERVENTION_NOT_CHECKED = _not_from_the_file(
    Intervention, set(INTERVENTION_EDITABLE_FIELDS) - {"intervention_type"}
)


class _Builder:
    """Builds unsaved model instances quickly: positional arguments in the order of the model's
    concrete fields (Django's fast path, the one ``from_db`` uses), with the related objects put
    in the instance's cache so ``clean()`` reads them without a query. For 100,000 rows this
    halves the time of ``Model(**kwargs)`` with related objects."""

    def __init__(self, model, relations: tuple[str, ...]):
        self.model = model
        fields = model._meta.concrete_fields
        self.attnames = [f.attname for f in fields]
        self.defaults = {f.attname: f.get_default() for f in fields}
        self.relations = [(model._meta.get_field(name), name) for name in relations]

    def __call__(self, values: dict, related: dict):
        values = {**self.defaults, **values}
        for relation, name in self.relations:
            values[relation.attname] = related[name].pk
        instance = self.model(*[values[attname] for attname in self.attnames])
        for relation, name in self.relations:
            relation.set_cached_value(instance, related[name])
        return instance


_HOUSEHOLD = _Builder(Household, ("area",))
_INTERVENTION = _Builder(Intervention, ("household", "intervention_type"))


def _chunks(values: list) -> Iterator[list]:
    """Slices small enough for one ``IN (...)`` (SQLite allows 999 parameters a query)."""
    limit = connection.features.max_query_params
    size = BATCH_SIZE if limit is None else min(BATCH_SIZE, limit - 10)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _as_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _as_decimal(value: str | None) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


class _Planner:
    def __init__(
        self,
        rows: dict[str, list[list]],
        sheets: dict[str, str],
        user,
        lock: bool,
        refused: set[str],
        absent: dict[str, list[str]],
    ):
        self.rows = rows
        self.sheets = sheets
        self.user = user
        self.lock = lock
        self.refused = refused
        self.absent = {kind: set(fields) for kind, fields in absent.items()}
        self.plan = Plan()
        self.areas = {area.code: area for area in current_districts()}
        self.types = {t.code: t for t in InterventionType.objects.all()}

    def problem(self, kind: str, row: int, column: str | None, message: str) -> None:
        self.plan.problems.append(RowProblem(kind, self.sheets[kind], row, column, message))

    def run(self) -> Plan:
        household_rows = self.rows.get(HOUSEHOLDS, [])
        intervention_rows = self.rows.get(INTERVENTIONS, [])
        pseudonyms = {row[1] for row in household_rows} | {row[1] for row in intervention_rows}
        self.registered = self.existing_households(pseudonyms)
        self.in_file: dict[str, Household] = {}
        if HOUSEHOLDS in self.rows:
            self.plan_households(household_rows)
        if INTERVENTIONS in self.rows:
            self.plan_interventions(intervention_rows)
        return self.plan

    def existing_households(self, pseudonyms: set[str]) -> dict[str, Household]:
        """The registered households the file names. At commit they are locked (PostgreSQL) until
        the transaction ends, so no one changes them, nor adds the same intervention twice
        through a second import, while this one is written."""
        found: dict[str, Household] = {}
        queryset = Household.objects.order_by("pk")
        if self.lock:
            queryset = queryset.select_for_update()
        for chunk in _chunks(sorted(pseudonyms)):
            for household in queryset.filter(pseudonym__in=chunk):
                found[household.pseudonym] = household
        return found

    # -- households --

    def plan_households(self, rows: list[list]) -> None:
        kind = HOUSEHOLDS
        counts = {"rows": len(rows), "new": 0, "changed": 0, "unchanged": 0}
        absent = self.absent.get(kind, set())
        first_row: dict[str, int] = {}
        changed: list[tuple[int, Household]] = []
        provisional_id = 0
        for values in rows:
            row = dict(zip(ROW_FIELDS[kind], values, strict=True))
            number, pseudonym = row["row"], row["pseudonym"]
            if pseudonym in first_row:
                self.refused.add(pseudonym)
                self.problem(
                    kind,
                    number,
                    "referentie",
                    _(
                        "This reference is also on row %(row)s. A household can be in the file "
                        "only once: combine the rows."
                    )
                    % {"row": first_row[pseudonym]},
                )
                continue
            first_row[pseudonym] = number
            area = self.areas.get(row["area"])
            if area is None:
                self.refused.add(pseudonym)
                self.problem(
                    kind,
                    number,
                    "wijk",
                    _("The district %(code)s no longer exists. Check the file again.")
                    % {"code": row["area"]},
                )
                continue
            values_now = {
                "area": area,
                "adults": row["adults"],
                "children": row["children"],
                "income_pct_social_minimum": _as_decimal(row["income_pct_social_minimum"]),
                "income_source": row["income_source"],
                "debt_situation": row["debt_situation"],
                "participation_start": _as_date(row["participation_start"]),
                "participation_end": _as_date(row["participation_end"]),
                "legal_basis": row["legal_basis"],
            }
            household = self.registered.get(pseudonym)
            if household is not None:
                for name in absent:
                    values_now[name] = getattr(household, name)
            if household is None:
                provisional_id -= 1
                # A provisional (negative) id lets Intervention.clean() see this household before
                # it is saved; _write() clears it before the household is inserted.
                household = _HOUSEHOLD(
                    {
                        "id": provisional_id,
                        "pseudonym": pseudonym,
                        "source": Source.IMPORT,
                        "created_by_id": self.user.pk,
                        **{k: v for k, v in values_now.items() if k != "area"},
                    },
                    {"area": area},
                )
                outcome = "new"
            else:
                if household.area_id == area.pk and all(
                    getattr(household, name) == value
                    for name, value in values_now.items()
                    if name != "area"
                ):
                    counts["unchanged"] += 1
                    self.in_file[pseudonym] = household
                    continue
                before = household
                household = copy.copy(household)
                for name, value in values_now.items():
                    setattr(household, name, value)
                self.plan.households_before[household.pk] = before
                outcome = "changed"
            try:
                household.clean_fields(exclude=HOUSEHOLD_NOT_CHECKED)
                household.clean()
            except ValidationError as error:
                self.refused.add(pseudonym)
                self.plan.problems.extend(_model_problems(kind, self.sheets[kind], number, error))
                continue
            counts[outcome] += 1
            self.in_file[pseudonym] = household
            if outcome == "new":
                self.plan.new_households.append(household)
            else:
                changed.append((number, household))
        self._no_intervention_before_participation(changed)
        self.plan.counts[kind] = counts

    def _no_intervention_before_participation(self, changed: list[tuple[int, Household]]) -> None:
        """The rule of ``household_update``: a changed start of participation may not lie after
        an intervention the household already has."""
        first_start: dict[int, date] = {}
        for chunk in _chunks([household.pk for _number, household in changed]):
            first_start.update(
                Intervention.objects.filter(household_id__in=chunk)
                .values("household_id")
                .annotate(first=Min("start_date"))
                .values_list("household_id", "first")
            )
        for number, household in changed:
            first = first_start.get(household.pk)
            if first and first < household.participation_start:
                self.refused.add(household.pseudonym)
                self.problem(
                    HOUSEHOLDS,
                    number,
                    "start_deelname",
                    _(
                        "The household has an intervention that starts on %(date)s, before this "
                        "start of participation."
                    )
                    % {"date": first},
                )
            else:
                self.plan.changed_households.append(household)

    # -- interventions --

    def existing_interventions(self, household_ids: list[int]) -> dict[tuple, list[tuple]]:
        found: dict[tuple, list[tuple]] = defaultdict(list)
        fields = ("id", "version", "household_id", "intervention_type_id", "start_date")
        for chunk in _chunks(sorted(household_ids)):
            for values in Intervention.objects.filter(household_id__in=chunk).values_list(
                *fields, *INTERVENTION_STORED
            ):
                found[(values[2], values[3], values[4])].append(values)
        return found

    def plan_interventions(self, rows: list[list]) -> None:
        kind = INTERVENTIONS
        sheet = self.sheets[kind]
        counts = {"rows": len(rows), "new": 0, "changed": 0, "unchanged": 0}
        absent = self.absent.get(kind, set())
        households = {**self.registered, **self.in_file}
        existing = self.existing_interventions(
            [h.pk for h in self.registered.values() if h.pseudonym not in self.refused]
        )
        first_row: dict[tuple, int] = {}
        read_versions: dict[int, tuple[int, int]] = {}  # id -> (version read, row)
        new_rows: list[tuple[int, Intervention]] = []
        status_now: dict[int, str] = {}  # id -> status after the import, of a changed row
        field_names = ROW_FIELDS[kind]
        for values in rows:
            row = dict(zip(field_names, values, strict=True))
            number, pseudonym = row["row"], row["pseudonym"]
            household = households.get(pseudonym)
            if pseudonym in self.refused:
                self.problem(
                    kind,
                    number,
                    "referentie",
                    _(
                        "The row of this household in the sheet “%(sheet)s” has a problem; "
                        "correct that row first."
                    )
                    % {"sheet": self.sheets.get(HOUSEHOLDS, SHEET_NAMES[HOUSEHOLDS])},
                )
                continue
            if household is None:
                self.problem(
                    kind,
                    number,
                    "referentie",
                    _(
                        "There is no household with this reference. Register it first, or add it "
                        "to the sheet “%(sheet)s” of the same workbook."
                    )
                    % {"sheet": SHEET_NAMES[HOUSEHOLDS]},
                )
                continue
            intervention_type = self.types.get(row["intervention_type"])
            if intervention_type is None:
                self.problem(
                    kind,
                    number,
                    "interventie",
                    _("The intervention %(code)s is no longer in the catalogue.")
                    % {"code": row["intervention_type"]},
                )
                continue
            start = _as_date(row["start_date"])
            key = (pseudonym, intervention_type.pk, start)
            if key in first_row:
                self.problem(
                    kind,
                    number,
                    "startdatum",
                    _(
                        "Row %(row)s has the same household, intervention and start date. An "
                        "intervention can be in the file only once: combine the rows."
                    )
                    % {"row": first_row[key]},
                )
                continue
            first_row[key] = number
            fields_now = {
                "end_date": _as_date(row["end_date"]),
                "actual_cost": _as_decimal(row["actual_cost"]),
                "cost_deviation_reason": row["cost_deviation_reason"] or "",
                "status": row["status"],
                "notes": row["notes"] or "",
            }
            matches = existing.get((household.pk, intervention_type.pk, start), ())
            if len(matches) > 1:
                self.problem(
                    kind,
                    number,
                    "startdatum",
                    _(
                        "The register holds %(n)s registrations of this intervention for this "
                        "household with this start date, so the row cannot be matched. Correct "
                        "them on the household's page first."
                    )
                    % {"n": len(matches)},
                )
                continue
            if matches:
                stored = matches[0]
                before = dict(zip(INTERVENTION_STORED, stored[5:], strict=True))
                for name in INTERVENTION_COMPARED:
                    if name in absent:
                        fields_now[name] = before[name]
                if all(before[name] == fields_now[name] for name in INTERVENTION_COMPARED):
                    counts["unchanged"] += 1
                    continue
                intervention = _INTERVENTION(
                    {
                        "id": stored[0],
                        "version": stored[1] + 1,
                        "start_date": start,
                        "updated_by_id": self.user.pk,
                        **fields_now,
                    },
                    {"household": household, "intervention_type": intervention_type},
                )
                read_versions[stored[0]] = (stored[1], number)
                self.plan.interventions_before[stored[0]] = before
                status_now[stored[0]] = fields_now["status"]
                outcome = "changed"
            else:
                if not intervention_type.is_active:
                    self.problem(
                        kind,
                        number,
                        "interventie",
                        _(
                            "The intervention “%(name)s” is no longer in use: new registrations "
                            "of it are not possible."
                        )
                        % {"name": intervention_type.name_nl},
                    )
                    continue
                intervention = _INTERVENTION(
                    {
                        "start_date": start,
                        "source": Source.IMPORT,
                        "created_by_id": self.user.pk,
                        "updated_by_id": self.user.pk,
                        **fields_now,
                    },
                    {"household": household, "intervention_type": intervention_type},
                )
                outcome = "new"
            problems = self.validate_intervention(intervention, sheet, number)
            if problems:
                self.plan.problems.extend(problems)
                continue
            counts[outcome] += 1
            if outcome == "new":
                self.plan.new_interventions.append(intervention)
                new_rows.append((number, intervention))
            else:
                self.plan.changed_interventions.append(intervention)
        counts["new"] -= self._no_second_running(new_rows, existing, status_now)
        if self.lock and read_versions:
            self._still_as_read(read_versions)
        self.plan.counts[kind] = counts

    def _no_second_running(
        self,
        new_rows: list[tuple[int, Intervention]],
        existing: dict[tuple, list[tuple]],
        status_now: dict[int, str],
    ) -> int:
        """The rule of ``intervention_create``: a new intervention of a type the household
        already receives (one that runs after the import, registered or earlier in the file) is
        a problem, as an import cannot confirm that a second one is intended. Returns how many
        new rows were refused."""
        status_at = 5 + INTERVENTION_STORED.index("status")  # id, version, household, type, start
        running: dict[tuple[int, int], date] = {}
        for (household_id, type_id, start), matches in existing.items():
            for stored in matches:
                if status_now.get(stored[0], stored[status_at]) == InterventionStatus.ACTIVE:
                    key = (household_id, type_id)
                    running[key] = min(start, running.get(key, start))
        refused = []
        for number, intervention in new_rows:
            if intervention.status not in DUPLICATE_CHECKED_STATUSES:
                continue
            key = (intervention.household_id, intervention.intervention_type_id)
            since = running.get(key)
            if since is None:
                if intervention.status == InterventionStatus.ACTIVE:
                    running[key] = intervention.start_date
                continue
            self.problem(
                INTERVENTIONS,
                number,
                "interventie",
                duplicate_intervention_message(intervention.intervention_type, since)
                + " "
                + _(
                    "An import cannot confirm that: register the second one on the household's "
                    "page."
                ),
            )
            refused.append(intervention)
        if refused:
            left_out = {id(intervention) for intervention in refused}
            self.plan.new_interventions = [
                intervention
                for intervention in self.plan.new_interventions
                if id(intervention) not in left_out
            ]
        return len(refused)

    @staticmethod
    def validate_intervention(intervention: Intervention, sheet: str, number: int) -> list:
        """The model's own field and record rules (those of the forms and the API); the foreign
        keys come from the lookups above, so they need no query."""
        problems = []
        for check in (
            lambda: intervention.clean_fields(exclude=INTERVENTION_NOT_CHECKED),
            intervention.clean,
        ):
            try:
                check()
            except ValidationError as error:
                problems.extend(_model_problems(INTERVENTIONS, sheet, number, error))
        notes = intervention.notes
        if len(notes) > NOTES_MAX_LENGTH:
            try:
                MaxLengthValidator(NOTES_MAX_LENGTH)(notes)
            except ValidationError as error:
                problems.extend(
                    RowProblem(INTERVENTIONS, sheet, number, "notities", message)
                    for message in error.messages
                )
        return problems

    def _still_as_read(self, read_versions: dict[int, tuple[int, int]]) -> None:
        """Optimistic locking for the interventions the import changes: lock them and check that
        no one saved them since they were read."""
        now: dict[int, int] = {}
        for chunk in _chunks(sorted(read_versions)):
            now.update(
                Intervention.objects.select_for_update()
                .filter(pk__in=chunk)
                .values_list("pk", "version")
            )
        for pk, (version, number) in read_versions.items():
            if now.get(pk) != version:
                self.problem(
                    INTERVENTIONS,
                    number,
                    None,
                    _(
                        "This intervention was changed by someone else in the meantime. Upload "
                        "the file again to check it against the register as it is now."
                    ),
                )


def plan_import(
    *,
    rows: dict[str, list[list]],
    sheets: dict[str, str],
    user,
    lock: bool = False,
    refused_households: set[str] | None = None,
    absent: dict[str, list[str]] | None = None,
) -> Plan:
    """Match checked rows with the register and validate them as the forms and the API do."""
    return _Planner(rows, sheets, user, lock, set(refused_households or ()), absent or {}).run()


# --- Services -------------------------------------------------------------------------------------


def _require_change_permission(user) -> None:
    if user is None or not user.has_perm(CHANGE_PERMISSION):
        raise PermissionDenied


def _problems_for_storage(problems: list[RowProblem]) -> list[dict]:
    found = sorted((p.as_dict() for p in problems), key=_sort_key)
    return found[:MAX_ERRORS_SHOWN]


def import_batches_expire(*, now: datetime | None = None) -> int:
    """Previews older than PREVIEW_VALID_FOR can no longer be committed: their checked rows are
    dropped (they hold pseudonymised register data that no longer needs to be kept). A check that
    never ran (no worker took it) is given up after the same time, and its file deleted."""
    now = now or timezone.now()
    old = ImportBatch.objects.filter(created_at__lt=now - PREVIEW_VALID_FOR)
    given_up = old.filter(status=ImportBatchStatus.CHECKING).update(
        status=ImportBatchStatus.FAILED,
        upload=None,
        error_count=1,
        errors=[_file_problem(gettext_lazy("The check did not run. Upload the file again."))],
    )
    return given_up + old.filter(status=ImportBatchStatus.PREVIEWED).update(
        status=ImportBatchStatus.DISCARDED, rows={}
    )


def _clean_file_name(file_name: str) -> str:
    return PurePath(printable(file_name or "").replace("\\", "/")).name[:255] or "upload"


def _file_problem(message) -> dict:
    """A problem with the file as a whole, stored as the problems of its rows are."""
    return RowProblem("", "", None, None, str(message)).as_dict()


def _checked(*, data: bytes, file_name: str, user, progress=_no_progress) -> dict:
    """Read and check the file against the register: the fields of its batch (kinds, counts,
    problems and, when there are none, the checked rows kept for the commit). A problem with
    the file as a whole raises ImportFileError. ``progress`` hears the share done (0 to 1):
    reading the file takes most of the time, checking it against the register the rest."""
    parsed = parse_file(
        data=data, file_name=file_name, progress=lambda done: progress(done * READ_SHARE)
    )
    progress(READ_SHARE)
    problems = list(parsed.problems)
    rows = parsed.rows
    plan = plan_import(
        rows=rows,
        sheets=parsed.sheets,
        user=user,
        refused_households=parsed.refused_households,
        absent=parsed.absent,
    )
    problems.extend(plan.problems)
    counts = {
        kind: {
            **plan.counts.get(kind, {}),
            "sheet": parsed.sheets[kind],
            "absent": [COLUMN_OF_FIELD[kind][name] for name in parsed.absent.get(kind, ())],
        }
        for kind in KINDS
        if kind in parsed.sheets
    }
    for kind, kind_counts in counts.items():
        kind_counts["rows"] = len(rows.get(kind, ())) + len(
            {p.row for p in parsed.problems if p.kind == kind}
        )
    return {
        "kinds": [kind for kind in KINDS if kind in parsed.sheets],
        "counts": counts,
        "error_count": len(problems),
        "errors": _problems_for_storage(problems),
        "rows": {"sheets": parsed.sheets, "absent": parsed.absent, **rows} if not problems else {},
    }


def import_batch_preview(*, data: bytes, file_name: str, user) -> ImportBatch:
    """Dry run in one go (the check a job runs, for scripts and tests): read and check the file
    against the register and keep the checked, pseudonymised rows for the commit. A problem with
    the file as a whole raises ImportFileError and stores nothing; problems in rows are listed on
    the batch (which then cannot be committed)."""
    _require_change_permission(user)
    file_name = _clean_file_name(file_name)
    checked = _checked(data=data, file_name=file_name, user=user)
    import_batches_expire()
    return ImportBatch.objects.create(
        uploaded_by=user,
        uploaded_by_username=user.get_username(),
        file_name=file_name,
        file_sha256=hashlib.sha256(data).hexdigest(),
        **checked,
    )


def import_file_precheck(*, data: bytes, file_name: str) -> None:
    """What can be said of an upload at once, before it is stored to be checked: its size and
    type, a CSV file's encoding and column names, a workbook's unpacked size. Bounded work (no
    rows are read); raises ImportFileError."""
    _check_size(data)
    if _file_type(data, file_name) == "xlsx":
        check_workbook_archive(data)
    else:
        _tables_from_csv(data, file_name)


def import_batch_start(*, data: bytes, file_name: str, user) -> ImportBatch:
    """Store an upload as a batch "being checked" and queue its check (``import_batch_check``,
    the job ``interventions.import_check``), sent once the transaction commits. The file is kept
    in the batch only until the check ends. Raises ImportFileError, storing nothing, for what
    ``import_file_precheck`` finds at once."""
    from .tasks import check_import_batch

    _require_change_permission(user)
    file_name = _clean_file_name(file_name)
    import_file_precheck(data=data, file_name=file_name)
    import_batches_expire()
    batch = ImportBatch.objects.create(
        uploaded_by=user,
        uploaded_by_username=user.get_username(),
        file_name=file_name,
        file_sha256=hashlib.sha256(data).hexdigest(),
        status=ImportBatchStatus.CHECKING,
        upload=data,
    )
    # The check writes its messages in the language of the officer's page.
    language = translation.get_language()
    transaction.on_commit(lambda: check_import_batch.delay(batch.pk, language))
    return batch


def import_batch_check(*, batch_id: int) -> str:
    """The body of the check job: idempotent, safe to receive twice. A batch that is no longer
    being checked is left alone; one redelivered after its worker died is tried again until
    MAX_CHECK_ATTEMPTS. Whatever the outcome, the uploaded file is deleted."""
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update()
            .defer("upload", "rows")
            .filter(pk=batch_id)
            .first()
        )
        if batch is None or batch.status != ImportBatchStatus.CHECKING:
            return batch.status if batch else "missing"
        if batch.attempts >= MAX_CHECK_ATTEMPTS:
            return _check_failed(
                batch_id,
                [
                    _(
                        "The check stopped %(n)s times before it could finish. Upload the file "
                        "again; if that happens again, split the file or ask the administrator."
                    )
                    % {"n": batch.attempts}
                ],
            )
        batch.attempts += 1
        batch.progress = 0
        batch.save(update_fields=["attempts", "progress"])
    user = batch.uploaded_by
    if user is None or not user.has_perm(CHANGE_PERMISSION):
        return _check_failed(batch_id, [_("You may no longer import into the register.")])
    data = bytes(ImportBatch.objects.values_list("upload", flat=True).get(pk=batch_id) or b"")
    last_write = [0.0]

    def progress(fraction: float) -> None:
        now = time.monotonic()
        if now - last_write[0] >= PROGRESS_INTERVAL:
            last_write[0] = now
            ImportBatch.objects.filter(pk=batch_id, status=ImportBatchStatus.CHECKING).update(
                progress=min(99, int(fraction * 100))
            )

    try:
        checked = _checked(data=data, file_name=batch.file_name, user=user, progress=progress)
    except ImportFileError as error:
        return _check_failed(batch_id, error.messages)
    except SoftTimeLimitExceeded:
        return _check_failed(
            batch_id,
            [_("The check took too long. Split the file into smaller files and upload those.")],
        )
    except Exception:  # the job must record every failure, not only the expected ones
        logger.exception("The check of import batch %s failed", batch_id)
        return _check_failed(
            batch_id,
            [
                _(
                    "The file could not be checked because of an error in SIEX. Upload it "
                    "again; if that happens again, ask the administrator."
                )
            ],
        )
    with transaction.atomic():
        updated = ImportBatch.objects.filter(pk=batch_id, status=ImportBatchStatus.CHECKING).update(
            status=ImportBatchStatus.PREVIEWED, progress=100, upload=None, **checked
        )
    return ImportBatchStatus.PREVIEWED if updated else ImportBatchStatus.CHECKING


def _check_failed(batch_id: int, messages: list[str]) -> str:
    ImportBatch.objects.filter(pk=batch_id, status=ImportBatchStatus.CHECKING).update(
        status=ImportBatchStatus.FAILED,
        upload=None,
        rows={},
        error_count=len(messages),
        errors=[_file_problem(message) for message in messages][:MAX_ERRORS_SHOWN],
    )
    return ImportBatchStatus.FAILED


def import_batch_for(*, batch_id: int, user, for_update: bool = False) -> ImportBatch:
    """The user's own batch (without its rows or file); another user's batch does not exist for
    them."""
    queryset = ImportBatch.objects.filter(uploaded_by=user)
    if for_update:
        queryset = queryset.select_for_update()
    return queryset.defer("rows", "upload").get(pk=batch_id)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value: Any) -> str:
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    return str(value)


def _copy_json(encoder) -> Callable[[Any], str]:
    """The COPY text of a JSONField's value: JSON, as the field itself serialises it."""

    def convert(value: Any) -> str:
        if value is None:
            return "\\N"
        return json.dumps(value, cls=encoder).translate(_COPY_ESCAPES)

    return convert


def _copy_converter(field) -> Callable[[Any], str]:
    return _copy_json(field.encoder) if isinstance(field, JSONField) else _copy_value


def copy_values(
    rows: Iterable[dict], fields: list, common: dict | None = None
) -> tuple[list[str], io.StringIO]:
    """The columns and the COPY text of ``fields`` of ``rows`` (each a dict by attribute name).
    The values in ``common`` (by attribute name) are those of every row: written once, repeated."""
    common = common or {}
    varying = [f for f in fields if f.attname not in common]
    fixed = [f for f in fields if f.attname in common]
    layout = [(f.attname, _copy_converter(f)) for f in varying]
    end = "".join(f"\t{_copy_converter(f)(common[f.attname])}" for f in fixed) + "\n"
    buffer = io.StringIO()
    for values in rows:
        buffer.write("\t".join([convert(values[name]) for name, convert in layout]))
        buffer.write(end)
    buffer.seek(0)
    return [f.column for f in (*varying, *fixed)], buffer


def copy_rows(model, instances: list, fields: list) -> tuple[list[str], io.StringIO]:
    """The columns and the COPY text of ``fields`` of ``instances``."""
    return copy_values((instance.__dict__ for instance in instances), fields)


def _copy_in(model, columns: list[str], buffer: io.StringIO) -> None:
    quote = connection.ops.quote_name
    statement = (
        f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    )
    with connection.cursor() as cursor:
        cursor.copy_expert(statement, buffer)


def _insert(model, instances: list, now: datetime) -> None:
    """``bulk_create``, but on PostgreSQL with ``COPY ... FROM STDIN``, its own bulk loading:
    for 100,000 interventions about three times faster, because bulk_create prepares every value
    of every row through its model field in Python. The ids are taken from the table's sequence
    first, in one query, so every new record has its id (its change history names it), as after
    bulk_create."""
    if not instances:
        return
    meta = model._meta
    if connection.vendor != "postgresql":
        model.objects.bulk_create(instances, batch_size=BATCH_SIZE)
        if any(instance.pk is None for instance in instances):  # pragma: no cover - old SQLite
            _read_ids_back(model, instances)
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [quote(meta.db_table), meta.pk.column, len(instances)],
        )
        for instance, (pk,) in zip(instances, cursor.fetchall(), strict=True):
            instance.pk = pk
    for field_ in meta.concrete_fields:
        if getattr(field_, "auto_now", False) or getattr(field_, "auto_now_add", False):
            for instance in instances:
                setattr(instance, field_.attname, now)
    _copy_in(model, *copy_rows(model, instances, meta.concrete_fields))


def _read_ids_back(model, instances: list) -> None:  # pragma: no cover - SQLite before 3.35
    """The ids of new interventions where the database does not return them: read back by the
    key the import matches on (household, intervention, start date), which is unique among them."""
    key = ("household_id", "intervention_type_id", "start_date")
    ids = {}
    for chunk in _chunks(sorted({instance.household_id for instance in instances})):
        for *values, pk in model.objects.filter(household_id__in=chunk).values_list(*key, "id"):
            ids[tuple(values)] = pk
    for instance in instances:
        instance.pk = ids[tuple(getattr(instance, name) for name in key)]


def _update(model, instances: list, names: list[str]) -> None:
    """``bulk_update``, but on PostgreSQL through a temporary table filled with COPY and one
    ``UPDATE ... FROM``: bulk_update's ``CASE WHEN id = ...`` takes time that grows with the
    square of the batch (33 s for 12,000 interventions, against well under a second)."""
    if not instances:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(instances, names, batch_size=500)
        return
    meta = model._meta
    fields = [meta.pk, *(meta.get_field(name) for name in names)]
    columns, buffer = copy_rows(model, instances, fields)
    quote = connection.ops.quote_name
    table, temporary = quote(meta.db_table), quote(f"siex_import_{meta.model_name}")
    listed = ", ".join(quote(c) for c in columns)
    assignments = ", ".join(f"{quote(c)} = s.{quote(c)}" for c in columns[1:])
    pk = quote(meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {temporary} ON COMMIT DROP AS "  # noqa: S608 - names only
            f"SELECT {listed} FROM {table} WITH NO DATA"
        )
        cursor.copy_expert(f"COPY {temporary} ({listed}) FROM STDIN", buffer)
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments} FROM {temporary} AS s "  # noqa: S608
            f"WHERE t.{pk} = s.{pk}"
        )
        cursor.execute(f"DROP TABLE {temporary}")


HOUSEHOLD_WRITTEN = (*sorted(HOUSEHOLD_EDITABLE_FIELDS), "version", "updated_at")
INTERVENTION_WRITTEN = (*INTERVENTION_COMPARED, "version", "updated_by", "updated_at")


def _write(plan: Plan, *, batch: ImportBatch, user, now: datetime) -> None:
    households = plan.new_households
    for household in households:
        household.pk = None
    Household.objects.bulk_create(households, batch_size=BATCH_SIZE)
    if any(household.pk is None for household in households):  # pragma: no cover - old SQLite
        by_pseudonym = dict(
            Household.objects.filter(pseudonym__in=[h.pseudonym for h in households]).values_list(
                "pseudonym", "id"
            )
        )
        for household in households:
            household.pk = by_pseudonym[household.pseudonym]
    for household in plan.changed_households:
        household.version += 1
        household.updated_at = now
    _update(Household, plan.changed_households, list(HOUSEHOLD_WRITTEN))
    for intervention in plan.new_interventions:
        # Re-attach: the household may have had a provisional id while it was checked.
        intervention.household = intervention.household
    _insert(Intervention, plan.new_interventions, now)
    for intervention in plan.changed_interventions:
        intervention.updated_at = now
    _update(Intervention, plan.changed_interventions, list(INTERVENTION_WRITTEN))
    _change_history_write(plan, batch=batch, user=user, now=now)


# --- Change history -------------------------------------------------------------------------------


class _Audited:
    """How django-auditlog sees one registered model when it logs a save (``model_instance_diff``
    in auditlog/diff.py): the fields it compares, with the registration's include and exclude
    fields applied (for households and interventions: all but ``updated_at`` and ``version``),
    every value as its ``get_field_value`` reads it, and the pair of values as the diff writes it
    (text, ``"None"`` for nothing, a foreign key as its id). The usual kinds of field are read
    straight from the instance, exactly as get_field_value reads them: for 100,000 interventions
    ``model_instance_diff`` itself takes about 5 seconds, this about one. Any other kind (a reverse
    relation, a JSON field, a foreign key logged as text) goes through get_field_value itself."""

    def __init__(self, model):
        registration = auditlog.get_model_fields(model)
        include, exclude = registration["include_fields"], registration["exclude_fields"]
        self.use_json = settings.AUDITLOG_STORE_JSON_CHANGES
        self.masked = set(registration["mask_fields"])
        self.mask = get_mask_function(registration.get("mask_callable"))
        tracked = [
            f
            for f in model._meta.get_fields()
            if track_field(f) and (not include or f.name in include) and f.name not in exclude
        ]
        # A new record is compared with no record at all ("None"); a changed one field by field.
        self.on_create = []
        for f in tracked:
            nothing = get_field_value(None, f, self.use_json)
            (nothing_logged,) = self._pair(f.name, nothing)
            plain = not self.use_json and f.name not in self.masked
            self.on_create.append((f.name, self._reader(f), nothing, nothing_logged, plain))
        self.concrete = [(f, self._reader(f)) for f in tracked if f in model._meta.fields]
        self._compared: dict[tuple[str, ...], list] = {}
        self.content_type_id = ContentType.objects.get_for_model(model).pk
        self.serialize = auditlog.get_serialize_options(model)["serialize_data"]

    def _reader(self, field) -> Callable[[Any], Any]:
        use_json = self.use_json
        if field.concrete and not use_json and not isinstance(field, JSONField):
            attname = field.attname
            if isinstance(field, DateTimeField):

                def read_datetime(instance):
                    value = field.to_python(getattr(instance, attname))
                    if value is not None and settings.USE_TZ and not timezone.is_naive(value):
                        value = timezone.make_naive(value, UTC)
                    return value

                return read_datetime
            if field.many_to_one or field.one_to_one:
                if not settings.AUDITLOG_USE_FK_STRING_REPRESENTATION:

                    def read_id(instance):
                        value = getattr(instance, attname)
                        if value is None or type(value) is int:
                            return value
                        return smart_str(value, strings_only=True)

                    return read_id
            elif not field.is_relation:

                def read_value(instance):
                    value = _logged_text(getattr(instance, attname))
                    return str(value) if isinstance(value, Promise) else value

                return read_value
        return lambda instance: get_field_value(instance, field, use_json)

    def _pair(self, name: str, *values: Any) -> list:
        """Values as the diff writes them (``_pair(name, value)`` makes a pair's half)."""
        if name in self.masked:
            return [self.mask(smart_str(value)) for value in values]
        if not self.use_json:
            return [_logged_text(value) for value in values]
        return [value if is_primitive(value) else smart_str(value) for value in values]

    def created(self, instance) -> dict:
        """The changes auditlog logs when ``instance`` is created."""
        changes = {}
        for name, read, nothing, nothing_logged, plain in self.on_create:
            value = read(instance)
            if nothing != value:
                if plain:
                    changes[name] = [nothing_logged, _logged_text(value)]
                else:
                    changes[name] = [nothing_logged, *self._pair(name, value)]
        return changes

    def updated(self, before, after, written: tuple[str, ...]) -> dict:
        """The changes auditlog logs when ``after`` is saved over ``before`` with
        ``update_fields=written``; a value written another way (1250 over 1250.00) is no change."""
        compared = self._compared.get(written)
        if compared is None:
            compared = self._compared[written] = [
                (f.name, f.attname, read)
                for f, read in self.concrete
                if f.name in written or f.attname in written
            ]
        changes = {}
        for name, attname, read in compared:
            if getattr(before, attname) == getattr(after, attname):
                continue
            old, new = read(before), read(after)
            if old != new:
                changes[name] = self._pair(name, old, new)
        return changes

    def entry(self, instance, action: int, changes: dict) -> dict:
        """A LogEntry's own values, by attribute name, as ``LogEntry.objects.log_create`` fills
        them (those of the import as a whole: ``_history_common``)."""
        pk = instance.pk
        try:
            text = smart_str(instance)
        except ObjectDoesNotExist:  # pragma: no cover - as auditlog does
            text = DEFAULT_OBJECT_REPR
        return {
            "content_type_id": self.content_type_id,
            "object_pk": smart_str(pk),
            "object_id": pk if isinstance(pk, int) else None,
            "object_repr": text,
            "serialized_data": (
                get_logentry_model().objects._get_serialized_data_or_none(instance)
                if self.serialize
                else None
            ),
            "action": action,
            "changes": changes,
        }


_STR_IS_SMART_STR = frozenset({int, bool, float, Decimal, date, datetime, type(None)})


def _logged_text(value: Any) -> Any:
    """``smart_str(value)``, as auditlog writes a value, without its cost for the kinds of value
    that fields hold (for 100,000 records its checks take seconds)."""
    if isinstance(value, str):
        return value
    if type(value) in _STR_IS_SMART_STR:
        return str(value)
    return smart_str(value)


def _history_common(*, batch: ImportBatch, user, now: datetime) -> dict:
    """What every change-history entry of the import holds: the officer as the actor, the time
    of the commit, the batch (id and file name) in additional_data, and what auditlog adds to an
    entry it writes during a request (correlation id, the client's address and port)."""
    log_entry = get_logentry_model()
    template = log_entry(
        actor=user,
        actor_email=getattr(user, "email", None),
        cid=get_cid(),
        timestamp=now,
        additional_data={"import_batch": {"id": batch.pk, "file_name": batch.file_name}},
    )
    # What auditlog's middleware knows of the request (the client's address and port) reaches an
    # entry through auditlog's pre_save receiver, while the request lasts; a bulk write sends no
    # signal, so this one unsaved entry receives it and every entry of the import copies it.
    pre_save.send(sender=log_entry, instance=template, raw=False, using=connection.alias)
    return {
        f.attname: getattr(template, f.attname)
        for f in log_entry._meta.concrete_fields
        if not f.primary_key and f.attname not in _PER_RECORD
    }


# The fields of a LogEntry that differ per record (``_Audited.entry``); the others are the same
# for every record of an import (``_history_common``).
_PER_RECORD = frozenset(
    {"content_type_id", "object_pk", "object_id", "object_repr", "serialized_data"}
    | {"action", "changes"}
)


def _change_history(plan: Plan) -> Iterator[dict]:
    """django-auditlog's entries for what the import wrote: a "create" for every new household and
    intervention, an "update" with the changed fields for every changed one (unchanged rows were
    not written, so they get none), each as auditlog writes it for the same save through a form.
    """
    log_entry = get_logentry_model()
    create, update = log_entry.Action.CREATE, log_entry.Action.UPDATE
    for model, new, changed, before, written in (
        (
            Household,
            plan.new_households,
            plan.changed_households,
            plan.households_before,
            HOUSEHOLD_WRITTEN,
        ),
        (
            Intervention,
            plan.new_interventions,
            plan.changed_interventions,
            plan.interventions_before,
            INTERVENTION_WRITTEN,
        ),
    ):
        if not auditlog.contains(model):
            continue
        audited = _Audited(model)
        for instance in new:
            yield audited.entry(instance, create, audited.created(instance))
        for instance in changed:
            old = before[instance.pk]
            if isinstance(old, dict):  # an intervention: the values read from the register
                values, old = old, model.__new__(model)  # a copy, quicker than copy.copy
                old.__dict__.update(instance.__dict__)
                old.__dict__.update(values)
            changes = audited.updated(old, instance, written)
            if changes:
                yield audited.entry(instance, update, changes)


def _change_history_write(plan: Plan, *, batch: ImportBatch, user, now: datetime) -> None:
    """Write the change history of the import, in its transaction, a chunk at a time: on
    PostgreSQL with COPY, every entry turned into COPY text as soon as it is made (100,000 entries
    kept as Python objects until written would cost memory and, through the garbage collector
    going over them again and again, twice the time); elsewhere with bulk_create."""
    log_entry = get_logentry_model()
    fields = [f for f in log_entry._meta.concrete_fields if not f.primary_key]
    common = _history_common(batch=batch, user=user, now=now)
    entries = _change_history(plan)
    for first in entries:
        chunk = itertools.chain([first], itertools.islice(entries, HISTORY_CHUNK - 1))
        if connection.vendor == "postgresql":
            _copy_in(log_entry, *copy_values(chunk, fields, common))
        else:
            log_entry.objects.bulk_create(
                [log_entry(**common, **values) for values in chunk], batch_size=BATCH_SIZE
            )


def import_batch_commit(*, batch_id: int, user) -> ImportBatch:
    """Write a previewed batch: checked again against the register as it is now, then written in
    one transaction, all rows or none. Only the user who uploaded it, only once, only while the
    preview is fresh. Raises ImportBatch.DoesNotExist for an unknown or another user's batch and
    ValidationError when the batch cannot be committed; when rows have become invalid since the
    preview, nothing is written and the batch lists the new problems."""
    _require_change_permission(user)
    with transaction.atomic():
        batch = import_batch_for(batch_id=batch_id, user=user, for_update=True)
        if batch.status == ImportBatchStatus.COMMITTED:
            raise ValidationError(_("This file has already been imported."), code="committed")
        if batch.status == ImportBatchStatus.DISCARDED:
            raise ValidationError(
                _("This check was discarded. Upload the file again."), code="discarded"
            )
        if batch.status == ImportBatchStatus.CHECKING:
            raise ValidationError(
                _("The file is still being checked. Import it when the check has finished."),
                code="checking",
            )
        if batch.created_at < timezone.now() - PREVIEW_VALID_FOR:
            raise ValidationError(
                _(
                    "This check is more than %(hours)s hours old. Upload the file again, so it "
                    "is checked against the register as it is now."
                )
                % {"hours": int(PREVIEW_VALID_FOR.total_seconds() // 3600)},
                code="stale",
            )
        if batch.error_count:
            raise ValidationError(
                _("The file has problems. Correct them and upload the file again."),
                code="has_errors",
            )
        stored = ImportBatch.objects.values_list("rows", flat=True).get(pk=batch.pk)
        sheets = stored.pop("sheets", {})
        absent = stored.pop("absent", {})
        plan = plan_import(rows=stored, sheets=sheets, user=user, lock=True, absent=absent)
        if plan.problems:
            # Something changed in the register since the preview: nothing is written.
            batch.error_count = len(plan.problems)
            batch.errors = _problems_for_storage(plan.problems)
            batch.rows = {}
            batch.save(update_fields=["error_count", "errors", "rows"])
            return batch
        now = timezone.now()
        try:
            with transaction.atomic():
                _write(plan, batch=batch, user=user, now=now)
        except IntegrityError as error:
            raise ValidationError(
                _(
                    "The register changed while the file was being imported; nothing was saved. "
                    "Upload the file again."
                ),
                code="conflict",
            ) from error
        batch.status = ImportBatchStatus.COMMITTED
        batch.committed_at = now
        batch.counts = {
            kind: {**batch.counts.get(kind, {}), **plan.counts.get(kind, {})}
            for kind in batch.kinds
        }
        batch.rows = {}
        batch.save(update_fields=["status", "committed_at", "counts", "rows"])
    return batch


def import_batch_discard(*, batch_id: int, user) -> ImportBatch:
    """Drop a preview that will not be imported (its checked rows are deleted)."""
    _require_change_permission(user)
    with transaction.atomic():
        batch = import_batch_for(batch_id=batch_id, user=user, for_update=True)
        if batch.status != ImportBatchStatus.PREVIEWED:
            raise ValidationError(
                _("Only a file that has not been imported can be discarded."), code="not_preview"
            )
        batch.status = ImportBatchStatus.DISCARDED
        batch.rows = {}
        batch.save(update_fields=["status", "rows"])
    return batch


# --- Reads ----------------------------------------------------------------------------------------


def import_batches_recent(*, limit: int = 20):
    """The latest uploads of every officer (who, when, which file, counts), without their rows."""
    return ImportBatch.objects.defer("rows", "errors", "upload").order_by("-created_at", "-id")[
        :limit
    ]


def import_batch_committed_before(batch: ImportBatch) -> ImportBatch | None:
    """An earlier committed import of the same file (same SHA-256), if any."""
    return (
        ImportBatch.objects.filter(
            file_sha256=batch.file_sha256, status=ImportBatchStatus.COMMITTED
        )
        .exclude(pk=batch.pk)
        .defer("rows", "errors", "upload")
        .order_by("-committed_at")
        .first()
    )


def column_specs() -> dict[str, tuple[Column, ...]]:
    return COLUMNS
