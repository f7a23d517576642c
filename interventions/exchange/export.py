"""Export of the register to CSV and XLSX, and the import templates (sjablonen).

Exports are streamed: rows are read from the database in chunks (``.iterator()``), a CSV is sent
while it is written, and an XLSX is written by openpyxl's write-only mode to a temporary file
that is then streamed, so a municipality's whole register (30,000 households, 150,000
interventions) never sits in memory at once. The columns are those of the import template, with
the pseudonym in place of the municipality's own reference, which SIEX does not store.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import IO

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from interventions.catalogue.models import InterventionType
from interventions.register.models import Household, Intervention
from monitoring.selectors import current_districts
from siex.core import spreadsheets
from siex.core.spreadsheets import (
    csv_text,
    xlsx_append,
    xlsx_bytes,
    xlsx_sheet,
    xlsx_temporary_file,
    xlsx_workbook,
)

from .columns import (
    CHOICES,
    COLUMNS,
    COMMENT,
    EXPLANATION_SHEET,
    HOUSEHOLDS,
    INTERVENTIONS,
    KINDS,
    SHEET_NAMES,
    Column,
    dutch_labels,
)

CHUNK = 2_000

EXPORT_HEADERS = {
    kind: ["pseudoniem" if c.header == "referentie" else c.header for c in columns]
    for kind, columns in COLUMNS.items()
}
FILE_NAMES = {HOUSEHOLDS: "huishoudens", INTERVENTIONS: "interventies"}


# --- Selectors ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportQuery:
    """What to export: which kinds, of the households ``visible`` to the user
    (``scopes.households_visible_to``), optionally only those of one district (wijk)."""

    kinds: tuple[str, ...]
    visible: QuerySet[Household] = field(compare=False)
    area_code: str = ""

    def as_log_query(self, file_format: str) -> dict:
        return {"format": file_format, "kinds": list(self.kinds), "wijk": self.area_code or None}


def households_for_export(query: ExportQuery) -> QuerySet[Household]:
    households = query.visible
    if query.area_code:
        households = households.filter(area__code=query.area_code)
    return households


def interventions_for_export(query: ExportQuery) -> QuerySet[Intervention]:
    interventions = Intervention.objects.filter(household__in=query.visible)
    if query.area_code:
        interventions = interventions.filter(household__area__code=query.area_code)
    return interventions


def export_counts(query: ExportQuery) -> dict[str, int]:
    counts = {}
    if HOUSEHOLDS in query.kinds:
        counts[HOUSEHOLDS] = households_for_export(query).count()
    if INTERVENTIONS in query.kinds:
        counts[INTERVENTIONS] = interventions_for_export(query).count()
    return counts


def _dutch_labels() -> dict[str, dict[str, str]]:
    """Choice code -> Dutch label: the file format is Dutch whatever the language of the UI."""
    return {choices.__name__: dutch_labels(choices) for choices in CHOICES}


def household_rows(query: ExportQuery) -> Iterator[tuple]:
    """One tuple per household in the order of EXPORT_HEADERS[HOUSEHOLDS], with Python values
    (dates, Decimals) and Dutch labels."""
    labels = _dutch_labels()
    income, debt, basis = labels["IncomeSource"], labels["DebtSituation"], labels["LegalBasis"]
    rows = (
        households_for_export(query)
        .order_by("pseudonym")
        .values_list(
            "pseudonym",
            "area__code",
            "adults",
            "children",
            "income_pct_social_minimum",
            "income_source",
            "debt_situation",
            "participation_start",
            "participation_end",
            "legal_basis",
        )
        .iterator(chunk_size=CHUNK)
    )
    for row in rows:
        yield (
            *row[:5],
            income.get(row[5], row[5]),
            debt.get(row[6], row[6]),
            row[7],
            row[8],
            basis.get(row[9], row[9]),
        )


def intervention_rows(query: ExportQuery) -> Iterator[tuple]:
    """One tuple per intervention in the order of EXPORT_HEADERS[INTERVENTIONS]."""
    status = _dutch_labels()["InterventionStatus"]
    rows = (
        interventions_for_export(query)
        .order_by("household_id", "start_date", "id")
        .values_list(
            "household__pseudonym",
            "intervention_type__code",
            "start_date",
            "end_date",
            "actual_cost",
            "cost_deviation_reason",
            "status",
            "notes",
        )
        .iterator(chunk_size=CHUNK)
    )
    for row in rows:
        yield (*row[:6], status.get(row[6], row[6]), row[7])


ROWS = {HOUSEHOLDS: household_rows, INTERVENTIONS: intervention_rows}


# --- Writers --------------------------------------------------------------------------------------


def csv_stream(kind: str, query: ExportQuery) -> Iterator[bytes]:
    """The CSV (UTF-8 with a byte order mark, so that Excel reads the accents; ";" between the
    cells, a decimal comma, dates as dd-mm-yyyy) as chunks of bytes."""
    return spreadsheets.csv_stream(EXPORT_HEADERS[kind], ROWS[kind](query))


def xlsx_file(query: ExportQuery) -> IO[bytes]:
    """A workbook with one sheet per kind, written in openpyxl's write-only mode to a temporary
    file (rewound, for streaming; it is deleted when closed)."""
    workbook = xlsx_workbook()
    for kind in KINDS:
        if kind not in query.kinds:
            continue
        sheet = xlsx_sheet(workbook, SHEET_NAMES[kind], EXPORT_HEADERS[kind], widths=_widths(kind))
        for row in ROWS[kind](query):
            xlsx_append(sheet, row)
    # Handed to the response, which closes (and so deletes) it once it has been sent.
    return xlsx_temporary_file(workbook)


def _widths(kind: str) -> list[int]:
    return [max(12, min(40, len(header) + 4)) for header in EXPORT_HEADERS[kind]]


def export_file_name(kind_or_all: str, file_format: str, today: date) -> str:
    stem = FILE_NAMES.get(kind_or_all, "register")
    return f"siex-{stem}-{today:%Y-%m-%d}.{file_format}"


# --- Templates ------------------------------------------------------------------------------------


EXAMPLE_REFERENCE = "VOORBEELD-001"


@dataclass(frozen=True)
class _Lookups:
    """What the templates list: the current wijken and the catalogue's interventions."""

    districts: list[tuple[str, str]]
    types: list[InterventionType]

    @classmethod
    def now(cls) -> _Lookups:
        return cls(
            [(a.code, a.name) for a in current_districts()],
            list(InterventionType.objects.order_by("name_nl")),
        )

    def example(self, column: Column) -> str:
        """A valid value of the column, as an officer writes it (choices by their Dutch label)."""
        if column.kind == "choice":
            return dutch_labels(column.choices).get(column.example, "")
        if column.kind == "district":
            codes = [code for code, _name in self.districts]
            return column.example if column.example in codes or not codes else codes[0]
        if column.kind == "intervention_type":
            codes = [t.code for t in self.types if t.is_active]
            return column.example if column.example in codes or not codes else codes[0]
        return column.example

    def allowed(self, column: Column) -> str:
        """What the column takes, in a few words, with every value when it is a list."""
        if column.kind == "choice":
            return " | ".join(dutch_labels(column.choices).values())
        if column.kind == "district":
            return _("CBS code or name: %(values)s") % {
                "values": " | ".join(f"{code} {name}" for code, name in self.districts)
            }
        if column.kind == "intervention_type":
            return _("code or Dutch name: %(values)s") % {
                "values": " | ".join(f"{t.code} ({t.name_nl})" for t in self.types if t.is_active)
            }
        return str(column.description)


def import_template_csv(kind: str) -> bytes:
    """The template of one kind as Excel with Dutch settings writes a CSV UTF-8 file: the column
    names, then rows that start with "#" (the import skips them) saying which columns are
    required, what each takes (every allowed value of a list) and a fictitious example row, as
    the workbook template's explanation sheet does."""
    columns = COLUMNS[kind]
    lookups = _Lookups.now()
    thing = {HOUSEHOLDS: _("household"), INTERVENTIONS: _("intervention")}[kind]
    yes, no = _("yes"), _("no")

    def comment(label: str, values: list[str]) -> list[str]:
        return [f"{COMMENT} {label}: {values[0]}", *values[1:]]

    example = [lookups.example(c) for c in columns]
    example[0] = EXAMPLE_REFERENCE
    rows = [
        [
            f"{COMMENT} "
            + _(
                "Rows that start with # are not imported. Fill in one row per %(thing)s below "
                "them; keep the first row (the column names) as it is."
            )
            % {"thing": thing}
        ],
        comment(_("required"), [yes if c.required else no for c in columns]),
        comment(_("allowed"), [lookups.allowed(c) for c in columns]),
        comment(_("example"), example),
    ]
    return csv_text([c.header for c in columns], rows).encode("utf-8")


def _choice_rows(column: Column) -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in column.choices.choices]


def import_template_xlsx() -> bytes:
    """The import workbook: empty sheets "Huishoudens" and "Interventies" with their column
    names, and a sheet "Toelichting" that explains every column and lists the values allowed now
    (the current wijken and catalogue), which the other sheets offer as drop-down lists."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    bold = Font(bold=True)
    lookups = _Lookups.now()
    # Not write-only: the explanation is styled after it was written.
    workbook = xlsx_workbook(write_only=False)
    data_sheets = {}
    for kind in KINDS:
        sheet = workbook.create_sheet(SHEET_NAMES[kind])
        xlsx_append(sheet, [c.header for c in COLUMNS[kind]])
        for position, column in enumerate(COLUMNS[kind], start=1):
            letter = get_column_letter(position)
            sheet[f"{letter}1"].font = bold
            sheet.column_dimensions[letter].width = max(14, len(column.header) + 4)
        # References are text: a number format would drop leading zeros.
        sheet.column_dimensions["A"].number_format = "@"
        sheet.freeze_panes = "A2"
        data_sheets[kind] = sheet

    notes = workbook.create_sheet(EXPLANATION_SHEET)
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 30
    notes.column_dimensions["C"].width = 12
    notes.column_dimensions["D"].width = 90
    notes.column_dimensions["E"].width = 18
    wrap = Alignment(wrap_text=True, vertical="top")
    xlsx_append(notes, [_("How to fill in this workbook")])
    notes["A1"].font = Font(bold=True, size=14)
    for line in (
        _(
            "Fill in the sheet Huishoudens, the sheet Interventies or both; households are "
            "imported before interventions. The first row holds the column names: do not change "
            "them. Empty rows are skipped."
        ),
        _(
            "Upload the workbook under Import and export in SIEX. You first see a check of every "
            "row; nothing is saved until you confirm, and then all rows are saved or none."
        ),
        _(
            "Households are recognised by their own reference, interventions by household, "
            "intervention and start date: importing the same file again changes nothing, and a "
            "changed row updates the registration."
        ),
        _("Never enter a BSN, a name, an address or other details that identify a person."),
    ):
        xlsx_append(notes, [line])
    xlsx_append(notes, [])
    header_row = notes.max_row + 1
    xlsx_append(notes, [_("Sheet"), _("Column"), _("Required"), _("Explanation"), _("Example")])
    for cell in notes[header_row]:
        cell.font = bold
    for kind in KINDS:
        for column in COLUMNS[kind]:
            xlsx_append(
                notes,
                [
                    SHEET_NAMES[kind],
                    column.header,
                    _("yes") if column.required else _("no"),
                    str(column.description),
                    lookups.example(column),
                ],
            )
            notes.cell(row=notes.max_row, column=4).alignment = wrap

    def value_list(title: str, headings: list[str], rows: list[tuple]) -> str:
        """Write a list of allowed values; returns the range of its first-column values."""
        xlsx_append(notes, [])
        xlsx_append(notes, [title])
        notes.cell(row=notes.max_row, column=1).font = Font(bold=True, size=12)
        xlsx_append(notes, headings)
        for cell in notes[notes.max_row]:
            cell.font = bold
        first = notes.max_row + 1
        for row in rows:
            xlsx_append(notes, row)
        last = max(first, notes.max_row)
        return f"'{EXPLANATION_SHEET}'!$B${first}:$B${last}"

    districts = lookups.districts
    types = [
        (t.code, t.name_nl, float(t.unit_cost), _("yes") if t.is_active else _("no"))
        for t in lookups.types
    ]
    ranges = {
        "district": value_list(
            _("Districts (wijk): code or name"), [_("CBS code"), _("Name")], districts
        ),
        "intervention_type": value_list(
            _("Interventions in the catalogue: code or Dutch name"),
            [_("Code"), _("Name"), _("Unit cost (EUR)"), _("In use")],
            types,
        ),
    }
    for kind in KINDS:
        for column in COLUMNS[kind]:
            if column.kind == "choice" and column.header not in ranges:
                ranges[column.header] = value_list(
                    _("Column %(column)s: code or description") % {"column": column.header},
                    [_("Code"), _("Description")],
                    _choice_rows(column),
                )

    for kind, sheet in data_sheets.items():
        for position, column in enumerate(COLUMNS[kind], start=1):
            source = ranges.get(column.kind) or ranges.get(column.header)
            if source is None or column.kind not in ("choice", "district", "intervention_type"):
                continue
            letter = get_column_letter(position)
            validation = DataValidation(
                type="list",
                formula1=f"={source}",
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle=_("Not in the list"),
                error=_("Choose a value from the list, or a code from the sheet Toelichting."),
            )
            validation.add(f"{letter}2:{letter}{200_001}")
            sheet.add_data_validation(validation)

    return xlsx_bytes(workbook)
