"""Import of follow-up from a spreadsheet (CSV or XLSX): assessments (sheet "Metingen"), survey
waves ("Vragenlijsten") and outcome events ("Effecten"), with the households named by the
municipality's own reference (turned into the pseudonym, never shown or stored).

Every row goes through the services the forms and the API use, so it is validated, audited and
locked the same way. The whole file runs in one transaction: a check (``commit=False``) or a file
with any problem is rolled back, so a file is imported in full or not at all. Rows are matched on
household + instrument + date (assessments), household + wave (surveys) and household + outcome +
date (events): the same file twice changes nothing. Reading is bounded by ``siex.core.tabular``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from interventions.catalogue.models import Outcome
from interventions.register.models import Household, Intervention
from interventions.register.pseudonyms import pseudonymise, validate_reference
from interventions.register.scopes import households_visible_to
from siex.core.tabular.cells import cell_text, read_date, read_integer, refuse_control_characters
from siex.core.tabular.delimited import csv_table
from siex.core.tabular.errors import CellError, file_error
from siex.core.tabular.limits import check_size, file_type
from siex.core.tabular.table import Table
from siex.core.tabular.workbook import open_workbook, sheet_table

from . import services
from .models import (
    Assessment,
    EvidenceSource,
    Instrument,
    OutcomeEvent,
    SurveyResponse,
    is_wave,
)

ASSESSMENTS, SURVEYS, EVENTS = "assessments", "surveys", "events"
SHEET_NAMES = {ASSESSMENTS: "Metingen", SURVEYS: "Vragenlijsten", EVENTS: "Effecten"}
REQUIRED = {
    ASSESSMENTS: ("referentie", "instrument", "datum"),
    SURVEYS: ("referentie", "ronde", "datum"),
    EVENTS: ("referentie", "effect", "datum", "bron"),
}
#: The survey items by their Dutch column names.
SURVEY_ITEM_COLUMNS = {
    "weinig_stress": "stress",
    "zelfrespect": "self_respect",
    "goede_ouder": "good_parent",
    "de_weg_weten": "knowing_the_way",
    "leven_thuis": "home_life",
    "rondkomen": "making_ends_meet",
}
OPTIONAL = {
    ASSESSMENTS: (),  # plus a column per domain code of the instruments
    SURVEYS: (*SURVEY_ITEM_COLUMNS, "meest_waardevolle_hulp"),
    EVENTS: ("interventie", "notitie"),
}
#: What a model field is called in the file, for the problems a service reports.
COLUMN_OF = {
    "date": "datum",
    "scores": None,
    "wave": "ronde",
    "most_valuable_help": "meest_waardevolle_hulp",
    "outcome": "effect",
    "intervention": "interventie",
    "evidence": "bron",
    "note": "notitie",
    **{item: column for column, item in SURVEY_ITEM_COLUMNS.items()},
}


@dataclass
class Problem:
    sheet: str
    row: int
    column: str | None
    message: str


@dataclass
class ImportResult:
    """What the file did (or would do): per kind the new, changed and unchanged rows, the
    problems, and whether it was written."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    written: bool = False


class _RowProblem(Exception):
    def __init__(self, column: str | None, message: str):
        self.column, self.message = column, message


def _tables(data: bytes, file_name: str) -> list[Table]:
    check_size(data)
    if file_type(data, file_name) == "csv":
        return [csv_table(data, file_name)]
    workbook = open_workbook(data)
    return [table for sheet in workbook.worksheets if (table := sheet_table(workbook, sheet))]


def _kind(table: Table) -> str | None:
    """What a sheet holds: by its name, or (a CSV file) by its columns."""
    for kind, name in SHEET_NAMES.items():
        if table.sheet.casefold() == name.casefold():
            return kind
    for kind, required in REQUIRED.items():
        if set(required) <= set(table.header):
            return kind
    return None


class _Importer:
    def __init__(self, user):
        self.user = user
        self.result = ImportResult()
        self.instruments = {}
        for instrument in Instrument.objects.prefetch_related("domains"):
            self.instruments[instrument.code.casefold()] = instrument
            self.instruments[instrument.name_nl.casefold()] = instrument
        self.domain_columns = {
            d.code for instrument in self.instruments.values() for d in instrument.domains.all()
        }
        self.outcomes = {}
        for outcome in Outcome.objects.all():
            self.outcomes[outcome.code.casefold()] = outcome
            self.outcomes[outcome.name_nl.casefold()] = outcome
        with translation.override("nl"):
            self.evidence = {
                str(label).casefold(): value for value, label in EvidenceSource.choices
            }
        self.evidence.update({value: value for value in EvidenceSource.values})
        # The short Dutch words an officer writes.
        self.evidence.update(
            {
                "registratie": EvidenceSource.REGISTRATION,
                "eigen melding": EvidenceSource.OWN_REPORT,
                "waarneming": EvidenceSource.OBSERVATION,
            }
        )
        self.households: dict[str, Household | None] = {}
        self.visible = households_visible_to(user)

    # -- cells --

    def household(self, raw: Any) -> Household:
        try:
            pseudonym = pseudonymise(validate_reference(cell_text(raw)))
        except ValidationError as error:
            raise _RowProblem("referentie", " ".join(error.messages)) from None
        if pseudonym not in self.households:
            # A household outside the officer's scope does not exist for them (need to know).
            self.households[pseudonym] = self.visible.filter(pseudonym=pseudonym).first()
        household = self.households[pseudonym]
        if household is None:
            # The reference itself is never repeated: it may identify a person.
            raise _RowProblem(
                "referentie", _("There is no household with this reference. Register it first.")
            )
        return household

    @staticmethod
    def date(raw: Any, column: str = "datum") -> date:
        if cell_text(raw) == "":
            raise _RowProblem(column, _("Fill in the date."))
        try:
            return date.fromisoformat(read_date(raw))
        except CellError as error:
            raise _RowProblem(column, str(error)) from None

    @staticmethod
    def number(raw: Any, column: str) -> int | None:
        if cell_text(raw) == "":
            return None
        try:
            return read_integer(raw)
        except CellError as error:
            raise _RowProblem(column, str(error)) from None

    @staticmethod
    def wave(raw: Any) -> int:
        text = cell_text(raw).upper().replace(" ", "").removeprefix("T").removeprefix("+")
        if text.isdigit() and is_wave(int(text)):
            return int(text)
        raise _RowProblem(
            "ronde",
            _("“%(value)s” is not a wave: write T0, T+6, T+12, T+24, … (months after T0).")
            % {"value": cell_text(raw)[:20]},
        )

    @staticmethod
    def intervention_of(
        household: Household, raw: Any, on: date, column: str
    ) -> Intervention | None:
        """The household's intervention of the type named, the latest started on ``on`` or
        before."""
        code = cell_text(raw)
        if not code:
            return None
        found = (
            Intervention.objects.filter(
                household=household, intervention_type__code__iexact=code, start_date__lte=on
            )
            .order_by("-start_date", "-id")
            .first()
        ) or (
            Intervention.objects.filter(
                household=household, intervention_type__name_nl__iexact=code, start_date__lte=on
            )
            .order_by("-start_date", "-id")
            .first()
        )
        if found is None:
            raise _RowProblem(
                column,
                _(
                    "The household has no intervention “%(code)s” that started on or before "
                    "%(date)s."
                )
                % {"code": code[:60], "date": on.strftime("%d-%m-%Y")},
            )
        return found

    # -- rows --

    def assessment(self, row: dict) -> str:
        household = self.household(row["referentie"])
        instrument = self.instruments.get(cell_text(row["instrument"]).casefold())
        if instrument is None:
            raise _RowProblem(
                "instrument",
                _("Unknown instrument: write zrm or participatieladder."),
            )
        when = self.date(row["datum"])
        codes = {d.code for d in instrument.domains.all()}
        scores = {}
        for column, raw in row.items():
            if column in self.domain_columns and cell_text(raw) != "":
                if column not in codes:
                    raise _RowProblem(
                        column,
                        _("%(instrument)s has no domain “%(code)s”.")
                        % {"instrument": instrument.name_nl, "code": column},
                    )
                scores[column] = self.number(raw, column)
        existing = Assessment.objects.filter(
            household=household, instrument=instrument, date=when
        ).first()
        if existing is None:
            services.assessment_create(
                household=household,
                instrument=instrument,
                date=when,
                scores=scores,
                source="import",
                created_by=self.user,
            )
            return "new"
        if existing.scores == scores:
            return "unchanged"
        services.assessment_update(
            assessment=existing,
            expected_version=existing.version,
            updated_by=self.user,
            scores=scores,
        )
        return "changed"

    def survey(self, row: dict) -> str:
        household = self.household(row["referentie"])
        wave = self.wave(row["ronde"])
        when = self.date(row["datum"])
        values: dict[str, Any] = {
            item: self.number(row.get(column), column)
            for column, item in SURVEY_ITEM_COLUMNS.items()
        }
        values["most_valuable_help"] = self.intervention_of(
            household, row.get("meest_waardevolle_hulp"), when, "meest_waardevolle_hulp"
        )
        existing = SurveyResponse.objects.filter(household=household, wave=wave).first()
        if existing is None:
            services.survey_create(
                household=household,
                wave=wave,
                date=when,
                source="import",
                created_by=self.user,
                **values,
            )
            return "new"
        values["date"] = when
        if all(getattr(existing, name) == value for name, value in values.items()):
            return "unchanged"
        services.survey_update(
            survey=existing, expected_version=existing.version, updated_by=self.user, **values
        )
        return "changed"

    def event(self, row: dict) -> str:
        household = self.household(row["referentie"])
        outcome = self.outcomes.get(cell_text(row["effect"]).casefold())
        if outcome is None:
            raise _RowProblem(
                "effect", _("Unknown outcome: write its code or Dutch name from the catalogue.")
            )
        when = self.date(row["datum"])
        evidence = self.evidence.get(cell_text(row["bron"]).casefold())
        if evidence is None:
            raise _RowProblem(
                "bron",
                _(
                    "Unknown evidence: write registratie, document, eigen melding or waarneming "
                    "(or registration, own_report, observation)."
                ),
            )
        note = row.get("notitie")
        try:
            refuse_control_characters(note)
        except CellError as error:
            raise _RowProblem("notitie", str(error)) from None
        values = {
            "intervention": self.intervention_of(
                household, row.get("interventie"), when, "interventie"
            ),
            "evidence": evidence,
            "note": cell_text(note),
        }
        existing = OutcomeEvent.objects.filter(
            household=household, outcome=outcome, date=when
        ).first()
        if existing is None:
            services.outcome_event_create(
                household=household,
                outcome=outcome,
                date=when,
                source="import",
                created_by=self.user,
                **values,
            )
            return "new"
        if all(getattr(existing, name) == value for name, value in values.items()):
            return "unchanged"
        services.outcome_event_update(
            event=existing, expected_version=existing.version, updated_by=self.user, **values
        )
        return "changed"

    # -- sheets --

    def table(self, kind: str, table: Table) -> None:
        counts = self.result.counts.setdefault(
            kind, {"rows": 0, "new": 0, "changed": 0, "unchanged": 0}
        )
        known = {*REQUIRED[kind], *OPTIONAL[kind]}
        if kind == ASSESSMENTS:
            known |= self.domain_columns
        for column in REQUIRED[kind]:
            if column not in table.header:
                self.problem(
                    table.sheet, 1, column, _("The column “%(c)s” is missing.") % {"c": column}
                )
        for column in table.header:
            if column and column not in known:
                self.problem(
                    table.sheet, 1, column, _("Unknown column “%(c)s”.") % {"c": column[:40]}
                )
        if any(p.sheet == table.sheet and p.row == 1 for p in self.result.problems):
            return
        handle = {ASSESSMENTS: self.assessment, SURVEYS: self.survey, EVENTS: self.event}[kind]
        for number, cells in table.rows:
            row = dict(zip(table.header, cells, strict=False))
            if cell_text(cells[0] if cells else "").startswith("#"):
                continue  # an explanation row of the template
            counts["rows"] += 1
            try:
                with transaction.atomic():
                    counts[handle(row)] += 1
            except _RowProblem as problem:
                self.problem(table.sheet, number, problem.column, problem.message)
            except ValidationError as error:
                by_field = error.message_dict if hasattr(error, "error_dict") else {}
                if not by_field:
                    by_field = {"__all__": error.messages}
                for name, messages in by_field.items():
                    column = (
                        None
                        if name == "__all__"
                        else COLUMN_OF.get(name, name.removeprefix("score_"))
                    )
                    for message in messages:
                        self.problem(table.sheet, number, column, message)

    def problem(self, sheet: str, row: int, column: str | None, message: str) -> None:
        self.result.problems.append(Problem(sheet, row, column, message))


def follow_up_import(*, data: bytes, file_name: str, user, commit: bool) -> ImportResult:
    """Check a file of follow-up and, with ``commit`` and without problems, import it (all rows or
    none). A file that cannot be read raises an ``ImportFileError``."""
    tables = _tables(data, file_name)
    try:
        kinds = [(table, _kind(table)) for table in tables]
        if not any(kind for _table, kind in kinds):
            raise file_error(
                _(
                    "The file holds no follow-up: name the sheets Metingen, Vragenlijsten or "
                    "Effecten, or give a CSV file the columns of one of them."
                ),
                "no_follow_up",
            )
        with transaction.atomic():
            importer = _Importer(user)
            for table, kind in kinds:
                if kind is not None:
                    importer.table(kind, table)
            result = importer.result
            result.written = commit and not result.problems
            if not result.written:
                transaction.set_rollback(True)
    finally:
        for table in tables:
            table.close()
    return result
