"""The vocabulary of a result table: the kind of a value (how it is shown, typed in a spreadsheet
and drawn), a typed cell, a column, a table as declared and a table as built from one results
document."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise

#: A text shown to the reader: a lazy translation, or a name already in the reader's language.
Label = str | Promise
#: A results document, as ``engine.calculate`` writes it (and a run stores it).
Results = Mapping[str, Any]


class Kind(StrEnum):
    """What a value is: that says how it is shown (``formats.cell_text``), how a spreadsheet
    holds it (``Cell.sheet_value``, ``Cell.number_format``) and how a chart may draw it."""

    MONEY = "money"  # euros, shown in whole euros: EUR 1.234
    NUMBER = "number"  # a count or a volume: 1.234,5
    RATIO = "ratio"  # a multiplier: 1,38
    PERCENT = "percent"  # a rate, held as a fraction: 0.0225 is 2,25%
    SHARE = "share"  # a part of a whole, held as a fraction: 0.123 is 12,3%
    YEAR = "year"  # a calendar year: 2031
    YEARS = "years"  # a time in years after the start: 3,5 years; none is "not reached"
    YEAR_LIST = "year_list"  # calendar years: 2027, 2028; none is "none"
    FLAG = "flag"  # yes or no
    TEXT = "text"  # a name or a label

    @property
    def is_number(self) -> bool:
        """Whether a value of this kind is a number (right-aligned, a number in a spreadsheet)."""
        return self not in (Kind.TEXT, Kind.FLAG, Kind.YEAR_LIST)

    @property
    def default_decimals(self) -> int:
        return _DEFAULT_DECIMALS.get(self, 0)


#: The kinds as the API names them (the choices of a cell's and a column's ``kind``).
KIND_VALUES = tuple(kind.value for kind in Kind)

_DEFAULT_DECIMALS = {
    Kind.NUMBER: 1,
    Kind.RATIO: 2,
    Kind.PERCENT: 1,
    Kind.SHARE: 1,
    Kind.YEARS: 1,
}


@dataclass(frozen=True)
class Cell:
    """One value of a table with its kind; ``missing`` is what to say when there is no value,
    where a dash would not say enough ("not within the horizon")."""

    value: Any
    kind: Kind
    decimals: int = 0
    missing: Label | None = None

    @property
    def sheet_value(self) -> int | float | str | bool | None:
        """The value as a spreadsheet cell holds it: a number as a number, calendar years and
        texts as text, yes or no as a truth value."""
        if self.value is None:
            return None if self.missing is None else str(self.missing)
        if self.kind is Kind.YEAR_LIST:
            return ", ".join(str(year) for year in self.value)
        if self.kind is Kind.FLAG:
            return bool(self.value)
        if self.kind is Kind.YEAR:
            return int(self.value)
        if self.kind.is_number:
            return float(self.value)
        return str(self.value)

    @property
    def number_format(self) -> str | None:
        """The spreadsheet's number format of the value (None: as it is)."""
        places = "." + "0" * self.decimals if self.decimals else ""
        if self.kind in (Kind.PERCENT, Kind.SHARE):
            return f"0{places}%"
        if self.kind in (Kind.MONEY, Kind.NUMBER):
            return f"#,##0{places}"
        if self.kind in (Kind.RATIO, Kind.YEARS):
            return f"0{places}"
        if self.kind is Kind.YEAR:
            return "0"
        return None


def text_cell(value: Label | None) -> Cell:
    return Cell(value, Kind.TEXT)


@dataclass(frozen=True)
class Column:
    """A column of a table: the field of a row it reads, its heading and the kind of its values.
    A row may give a cell of its own instead of a value (a column of values of several kinds)."""

    key: str
    label: Label
    kind: Kind = Kind.MONEY
    decimals: int | None = None
    missing: Label | None = None

    @property
    def is_number(self) -> bool:
        return self.kind.is_number

    @property
    def places(self) -> int:
        """The decimals its values are shown with."""
        return self.kind.default_decimals if self.decimals is None else self.decimals

    def cell(self, value: Any) -> Cell:
        if isinstance(value, Cell):
            return value
        return Cell(value, self.kind, self.places, self.missing)


@dataclass(frozen=True)
class Row:
    """A row as built: the code of what it is about (an actor, a year, a key figure), its cells
    in the order of the columns (None: an empty cell, such as a total that is not summed) and a
    note that explains it."""

    key: str | None
    cells: tuple[Cell | None, ...]
    note: Label | None = None
    by_column: Mapping[str, Cell | None] = field(default_factory=dict)


@dataclass(frozen=True)
class ResultTable:
    """A table as built from one results document, ready to be rendered (a page, the command
    line, the API, a workbook)."""

    key: str
    title: Label
    explanation: Label
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    totals: Row | None = None
    #: What to say when the table has no rows; None: leave the table out.
    empty: Label | None = None
    #: A list of measures with a value each (a key figure, a date's end value) rather than a grid.
    facts: bool = False

    def sheet_rows(self) -> Iterator[list[Cell | None]]:
        """The table as rows of typed cells, for a workbook: the headings, the rows and the
        totals."""
        yield [text_cell(column.label) for column in self.columns]
        for row in self.rows:
            yield list(row.cells)
        if self.totals is not None:
            yield list(self.totals.cells)


RowSource = Callable[[Results], Sequence[Mapping[str, Any]]]
ColumnSource = Callable[[Results], tuple[Column, ...]]


@dataclass(frozen=True)
class Table:
    """A result table as declared: where its rows come from and what its columns are.

    ``rows`` reads the rows from a results document, each a mapping from a column's key to its
    value (or to a ``Cell``); ``row_key`` and ``row_note`` name the fields that hold a row's code
    and its note. ``columns`` may depend on the results (the life domains that have benefits).
    ``totals`` gives the row below the others; a column it leaves out stays empty there.
    """

    key: str
    title: Label
    explanation: Label
    columns: tuple[Column, ...] | ColumnSource
    rows: RowSource
    totals: Callable[[Results], Mapping[str, Any]] | None = None
    empty: Label | None = None
    facts: bool = False
    row_key: str | None = None
    row_note: str | None = None

    def build(self, results: Results) -> ResultTable:
        columns = self.columns if isinstance(self.columns, tuple) else self.columns(results)
        rows = tuple(self._row(columns, values) for values in self.rows(results))
        totals = None
        if self.totals is not None:
            totals = self._row(columns, self.totals(results), key="total")
        return ResultTable(
            key=self.key,
            title=self.title,
            explanation=self.explanation,
            columns=columns,
            rows=rows,
            totals=totals,
            empty=self.empty,
            facts=self.facts,
        )

    def _row(
        self, columns: tuple[Column, ...], values: Mapping[str, Any], key: str | None = None
    ) -> Row:
        cells = {
            column.key: column.cell(values[column.key]) if column.key in values else None
            for column in columns
        }
        if key is None and self.row_key:
            key = values.get(self.row_key)
        return Row(
            key=None if key is None else str(key),
            cells=tuple(cells.values()),
            note=values.get(self.row_note) if self.row_note else None,
            by_column=cells,
        )
