"""Importing indicator values from a CSV or XLSX file in the shapes CBS publishes: long (a row per
area, period and indicator) or wide kerncijfers (a row per area, a column per indicator code, the
period given). The municipality's own registrations (counts per wijk) come in the long shape.

``indicator_values_check`` reads and checks everything and stores nothing; its report names every
problem by row and column. ``indicator_values_commit`` writes a report without problems, all or
nothing, and says when nothing changed (the same file twice)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from monitoring.selectors import AreaResolver
from siex.core.tabular.cells import (
    cell_text,
    read_integer,
    read_number,
    refuse_control_characters,
)
from siex.core.tabular.errors import CellError, file_error
from siex.core.tabular.limits import check_size, file_type
from siex.core.tabular.table import Table

from .models import Indicator, IndicatorValue, IndicatorValueImport, ValueStatus

LONG, WIDE = "long", "wide"
MAX_PROBLEMS = 500
PROGRESS_EVERY = 200  # rows between two reports of progress
#: CBS writes a secret or unknown value as "." and PDOK/older tables as a number at or below this.
SENTINEL_AT_MOST = Decimal(-99990)
WITHHELD_TEXTS = {"", ".", "x", "-", "geheim"}
#: A cell the source did not supply at all (not a secret: there is no such figure), left out.
NOT_SUPPLIED_TEXTS = {"n.v.t.", "nvt", "niet geleverd", "not supplied"}

AREA_COLUMNS = ("regiocode", "regio_code", "code", "gebiedscode", "gemeentecode", "wijk", "gebied")
PERIOD_COLUMNS = ("jaar", "peiljaar", "periode", "period")
INDICATOR_COLUMNS = ("indicator", "indicator_code", "indicatorcode", "onderwerp")
VALUE_COLUMNS = ("waarde", "value", "aantal")
STATUS_COLUMNS = ("status",)
SOURCE_COLUMNS = ("bron",)
#: Columns that describe a row without being a value (names, kinds, notes): read past.
DESCRIPTIVE = {
    "regionaam",
    "regio_naam",
    "gemeentenaam",
    "wijknaam",
    "naam",
    "soort",
    "soort_regio",
    "eenheid",
    "url",
    "kaartjaar_bron",
    "let_op",
    "opmerking",
}
STATUS_WORDS = {
    "definitief": ValueStatus.FINAL,
    "final": ValueStatus.FINAL,
    "voorlopig": ValueStatus.PROVISIONAL,
    "provisional": ValueStatus.PROVISIONAL,
    "*": ValueStatus.PROVISIONAL,
}


@dataclass
class Problem:
    """A problem of a row or cell; ``text`` names the row and column in the language of the
    check (so a report read later still says it in the officer's language)."""

    row: int | None
    column: str | None
    message: str
    text: str = ""

    def __post_init__(self) -> None:
        if self.text:
            return
        if self.row is None:
            self.text = self.message
        elif self.column is None:
            self.text = _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        else:
            self.text = _("Row %(row)s, column “%(column)s”: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }

    def __str__(self) -> str:
        return self.text


@dataclass
class PlannedValue:
    row: int
    indicator_id: int
    area_id: int
    period: int
    value: Decimal | None
    status: str
    source: str

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.indicator_id, self.area_id, self.period)


@dataclass
class ImportReport:
    """What a file holds and what is wrong with it; nothing of it is stored yet."""

    file_name: str
    file_sha256: str
    file_format: str
    period: int | None
    source: str
    rows: int = 0
    values: list[PlannedValue] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    #: Cells marked as not supplied by the source ("n.v.t."): left out, not a value nor withheld.
    not_supplied: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def withheld(self) -> int:
        return sum(1 for value in self.values if value.value is None)

    def messages(self) -> list[str]:
        return [str(problem) for problem in self.problems[:MAX_PROBLEMS]]


@dataclass
class CommitResult:
    batch: IndicatorValueImport | None
    created: int
    updated: int
    unchanged: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


class _Indicators:
    """Indicator versions by code or alias; the version valid in a period."""

    def __init__(self) -> None:
        self.versions: dict[str, list[Indicator]] = {}
        for indicator in Indicator.objects.order_by("valid_from"):
            for name in (indicator.code, *indicator.aliases):
                self.versions.setdefault(str(name).casefold(), []).append(indicator)

    def known(self, code: str) -> bool:
        return code.casefold() in self.versions

    def for_period(self, code: str, period: int) -> Indicator | None:
        valid = [i for i in self.versions.get(code.casefold(), ()) if i.valid_from <= period]
        return valid[-1] if valid else None


def _read_table(data: bytes, file_name: str) -> Table:
    check_size(data)
    if file_type(data, file_name) == "xlsx":
        from siex.core.tabular.workbook import open_workbook, sheet_table

        workbook = open_workbook(data)
        try:
            table = sheet_table(workbook, workbook.worksheets[0])
        except BaseException:
            workbook.close()
            raise
        if table is None:
            workbook.close()
            raise file_error(_("The file contains no rows to import."), "no_rows")
        return table
    from siex.core.tabular.delimited import csv_table

    return csv_table(data, file_name)


def _first(header: list[str], names: tuple[str, ...]) -> str | None:
    return next((name for name in names if name in header), None)


def _detect_format(header: list[str]) -> str:
    if _first(header, INDICATOR_COLUMNS) and _first(header, VALUE_COLUMNS):
        return LONG
    return WIDE


class _Checker:
    def __init__(
        self, report: ImportReport, default_status: str, progress: Callable[[float], None]
    ) -> None:
        self.report = report
        self.progress = progress
        self.areas = AreaResolver()
        self.indicators = _Indicators()
        self.default_status = default_status
        self.seen: dict[tuple[int, int, int], int] = {}

    def problem(self, row: int | None, column: str | None, message: str) -> None:
        self.report.problems.append(Problem(row, column, message))

    def period(self, row: int, column: str | None, raw: Any) -> int | None:
        if column is None:
            return self.report.period
        try:
            period = read_integer(raw)
        except CellError as error:
            self.problem(row, column, str(error))
            return None
        if not 1990 <= period <= 2100:
            self.problem(
                row, column, _("%(period)s is not a year from 1990 to 2100.") % {"period": period}
            )
            return None
        return period

    def area(self, row: int, column: str, raw: Any, period: int) -> int | None:
        text = cell_text(raw)
        if not text:
            self.problem(row, column, _("This cell is empty; fill in the code of the area."))
            return None
        code = self.areas.code_of(text)
        if not self.areas.known(code):
            self.problem(
                row,
                column,
                _("“%(code)s” is not a known area. Use a CBS code such as GM0014 or WK001401.")
                % {"code": text[:40]},
            )
            return None
        area = self.areas.for_period(code, period)
        if area is None:
            first = self.areas.first_year(code)
            self.problem(
                row,
                column,
                _(
                    "%(code)s exists in its current form only from %(first)s; a value for "
                    "%(period)s is about another area."
                )
                % {"code": code, "first": first or "?", "period": period}
                if first and period < first
                else _("%(code)s did not exist in %(period)s.") % {"code": code, "period": period},
            )
            return None
        return area.pk

    def value(self, row: int, column: str, raw: Any, indicator: Indicator) -> tuple[bool, Any]:
        """(ok, value): a Decimal, or None when withheld; not ok (and no problem) for a cell the
        source did not supply."""
        try:
            refuse_control_characters(raw)
        except CellError as error:
            self.problem(row, column, str(error))
            return False, None
        if cell_text(raw).casefold() in NOT_SUPPLIED_TEXTS:
            self.report.not_supplied += 1
            return False, None
        if cell_text(raw).casefold() in WITHHELD_TEXTS:
            return True, None
        try:
            number = Decimal(read_number(raw))
        except (CellError, InvalidOperation) as error:
            self.problem(row, column, str(error))
            return False, None
        if number <= SENTINEL_AT_MOST:
            return True, None
        if not number.is_finite():
            self.problem(row, column, _("“%(value)s” is not a number.") % {"value": raw})
            return False, None
        reason = indicator.domain_error(number)
        if reason:
            self.problem(
                row,
                column,
                _("%(value)s is not possible for “%(indicator)s”: %(reason)s")
                % {"value": cell_text(raw), "indicator": indicator.code, "reason": reason},
            )
            return False, None
        return True, number

    def status(self, row: int, column: str | None, raw: Any) -> str | None:
        text = cell_text(raw).casefold() if column else ""
        if not text:
            return self.default_status
        status = STATUS_WORDS.get(text)
        if status is None:
            self.problem(
                row,
                column,
                _("“%(value)s” is not a status; write “definitief” or “voorlopig”.")
                % {"value": text[:40]},
            )
        return status

    def add(self, row: int, column: str | None, planned: PlannedValue) -> None:
        first = self.seen.get(planned.key)
        if first is not None:
            self.problem(
                row,
                column,
                _(
                    "This value is in the file twice: row %(first)s holds the same indicator, area "
                    "and period."
                )
                % {"first": first},
            )
            return
        self.seen[planned.key] = row
        self.report.values.append(planned)

    def indicator(self, row: int, column: str, code: str, period: int) -> Indicator | None:
        if not self.indicators.known(code):
            self.problem(
                row, column, _("“%(code)s” is not a known indicator code.") % {"code": code[:60]}
            )
            return None
        indicator = self.indicators.for_period(code, period)
        if indicator is None:
            self.problem(
                row,
                column,
                _("The indicator “%(code)s” has no definition for %(period)s.")
                % {"code": code, "period": period},
            )
        return indicator


def _check_long(table: Table, checker: _Checker, source: str) -> None:
    header = table.header
    area_column = _first(header, AREA_COLUMNS)
    period_column = _first(header, PERIOD_COLUMNS)
    indicator_column = _first(header, INDICATOR_COLUMNS)
    value_column = _first(header, VALUE_COLUMNS)
    status_column = _first(header, STATUS_COLUMNS)
    source_column = _first(header, SOURCE_COLUMNS)
    _require_columns(area_column, period_column, checker.report.period)
    position = {name: index for index, name in reversed(list(enumerate(header)))}
    for number, cells in _data_rows(table, checker):

        def cell(name: str | None, cells: tuple = cells) -> Any:
            index = position.get(name) if name else None
            return cells[index] if index is not None and index < len(cells) else None

        period = checker.period(number, period_column, cell(period_column))
        code = cell_text(cell(indicator_column))
        status = checker.status(number, status_column, cell(status_column))
        if period is None or status is None:
            continue
        area_id = checker.area(number, str(area_column), cell(area_column), period)
        if not code:
            checker.problem(number, indicator_column, _("This cell is empty; fill it in."))
            continue
        indicator = checker.indicator(number, str(indicator_column), code, period)
        if area_id is None or indicator is None:
            continue
        ok, value = checker.value(number, str(value_column), cell(value_column), indicator)
        if ok:
            row_source = cell_text(cell(source_column))[:300] if source_column else ""
            checker.add(
                number,
                value_column,
                PlannedValue(
                    number, indicator.pk, area_id, period, value, status, row_source or source
                ),
            )


def _check_wide(table: Table, checker: _Checker, source: str) -> None:
    header = table.header
    area_column = _first(header, AREA_COLUMNS)
    period_column = _first(header, PERIOD_COLUMNS)
    status_column = _first(header, STATUS_COLUMNS)
    _require_columns(area_column, period_column, checker.report.period)
    identifying = {area_column, period_column, status_column, *DESCRIPTIVE, *AREA_COLUMNS, ""}
    value_columns = [(i, name) for i, name in enumerate(header) if name not in identifying]
    unknown = [name for _, name in value_columns if not checker.indicators.known(name)]
    for name in unknown:
        checker.problem(
            1, name, _("“%(code)s” is not a known indicator code.") % {"code": name[:60]}
        )
    if unknown:
        return
    if not value_columns:
        raise file_error(_("The file has no column with an indicator code."), "no_indicators")
    area_index = header.index(str(area_column))
    period_index = header.index(period_column) if period_column else None
    status_index = header.index(status_column) if status_column else None
    for number, cells in _data_rows(table, checker):

        def cell(index: int | None, cells: tuple = cells) -> Any:
            return cells[index] if index is not None and index < len(cells) else None

        period = checker.period(number, period_column, cell(period_index))
        status = checker.status(number, status_column, cell(status_index))
        if period is None or status is None:
            continue
        area_id = checker.area(number, str(area_column), cell(area_index), period)
        if area_id is None:
            continue
        for index, name in value_columns:
            indicator = checker.indicator(number, name, name, period)
            if indicator is None:
                continue
            ok, value = checker.value(number, name, cell(index), indicator)
            if ok:
                checker.add(
                    number,
                    name,
                    PlannedValue(number, indicator.pk, area_id, period, value, status, source),
                )


def _require_columns(area_column: str | None, period_column: str | None, period) -> None:
    problems = []
    if area_column is None:
        problems.append(
            _("The file has no column with the area code (%(names)s).")
            % {"names": ", ".join(AREA_COLUMNS)}
        )
    if period_column is None and period is None:
        problems.append(
            _("The file has no column with the period (%(names)s) and no period was given.")
            % {"names": ", ".join(PERIOD_COLUMNS)}
        )
    if problems:
        raise file_error(problems, "columns")


def _data_rows(table: Table, checker: _Checker):
    for number, cells in table.rows:
        if not any(cell_text(cell) for cell in cells):
            continue
        checker.report.rows += 1
        if checker.report.rows % PROGRESS_EVERY == 0:
            checker.progress(table.done())
        yield number, cells


def indicator_values_check(
    *,
    data: bytes,
    file_name: str,
    file_format: str | None = None,
    period: int | None = None,
    source: str = "",
    status: str = ValueStatus.FINAL,
    progress: Callable[[float], None] = lambda done: None,
) -> ImportReport:
    """Read and check a file of indicator values without storing anything. A problem with the
    file as a whole raises ImportFileError (a ValidationError); every problem of a row or cell is
    in the report, with its row and column. The counts say what a commit would change.
    ``progress`` hears the share of the file read so far (0 to 1) while it is checked."""
    table = _read_table(data, file_name)
    try:
        chosen = file_format or _detect_format(table.header)
        report = ImportReport(
            file_name=file_name,
            file_sha256=hashlib.sha256(data).hexdigest(),
            file_format=chosen,
            period=period,
            source=source,
        )
        checker = _Checker(report, status, progress)
        (_check_long if chosen == LONG else _check_wide)(table, checker, source)
    finally:
        table.close()
    if not report.rows and not report.problems:
        raise file_error(_("The file contains no rows to import."), "no_rows")
    if report.ok:
        _count_changes(report)
    return report


def _stored(report: ImportReport) -> dict[tuple[int, int, int], IndicatorValue]:
    indicator_ids = {value.indicator_id for value in report.values}
    area_ids = {value.area_id for value in report.values}
    periods = {value.period for value in report.values}
    return {
        (stored.indicator_id, stored.area_id, stored.period): stored
        for stored in IndicatorValue.objects.filter(
            indicator_id__in=indicator_ids, area_id__in=area_ids, period__in=periods
        )
    }


def _differs(stored: IndicatorValue, planned: PlannedValue) -> bool:
    """Whether the file changes a stored value. The same number from another file (the 2022
    benchmark and the 2022 slice of the series) is no change: the value keeps its first source."""
    return (
        stored.value != planned.value
        or stored.withheld != (planned.value is None)
        or stored.status != planned.status
    )


def _count_changes(report: ImportReport) -> None:
    stored = _stored(report)
    report.created = report.updated = report.unchanged = 0
    for planned in report.values:
        existing = stored.get(planned.key)
        if existing is None:
            report.created += 1
        elif _differs(existing, planned):
            report.updated += 1
        else:
            report.unchanged += 1


@transaction.atomic
def indicator_values_commit(*, report: ImportReport, user=None) -> CommitResult:
    """Store the values of a checked report, all or nothing. Nothing is written (not even the
    import record) when every value is stored already as it is in the file."""
    if not report.ok:
        raise ValidationError(report.messages())
    stored = _stored(report)
    new, changed, unchanged = [], [], 0
    for planned in report.values:
        existing = stored.get(planned.key)
        if existing is None:
            new.append(planned)
        elif _differs(existing, planned):
            existing.value = planned.value
            existing.withheld = planned.value is None
            existing.status = planned.status
            existing.source = planned.source[:300]
            changed.append(existing)
        else:
            unchanged += 1
    if not new and not changed:
        return CommitResult(batch=None, created=0, updated=0, unchanged=unchanged)
    batch = IndicatorValueImport.objects.create(
        file_name=report.file_name[:255],
        file_sha256=report.file_sha256,
        file_format=report.file_format,
        period=report.period,
        source=report.source[:300],
        imported_by=user if user is not None and user.is_authenticated else None,
        rows=report.rows,
        created=len(new),
        updated=len(changed),
        unchanged=unchanged,
        withheld=report.withheld,
    )
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(
                indicator_id=planned.indicator_id,
                area_id=planned.area_id,
                period=planned.period,
                value=planned.value,
                withheld=planned.value is None,
                status=planned.status,
                source=planned.source[:300],
                batch=batch,
            )
            for planned in new
        ],
        batch_size=1000,
    )
    for existing in changed:
        existing.batch = batch
    IndicatorValue.objects.bulk_update(
        changed, ["value", "withheld", "status", "source", "batch"], batch_size=1000
    )
    return CommitResult(batch=batch, created=len(new), updated=len(changed), unchanged=unchanged)
