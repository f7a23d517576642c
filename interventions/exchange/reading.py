"""Reading and checking an uploaded file's cells, without the register: its size and type, its
column names, and every row, with every problem collected (``parse_file``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from siex.core.tabular.limits import check_size, file_type
from siex.core.text import first_control_character, printable

from .cells import CellReader, cell_text, field_default, read_cell
from .columns import COLUMNS, COMMENT, HOUSEHOLDS, KINDS
from .problems import CellError, RowProblem, file_error
from .sheets import Table, csv_tables, max_rows, too_many_rows
from .workbooks import workbook_tables

__all__ = ["check_size", "file_type", "parse_file"]

PROGRESS_EVERY = 1_000  # rows between two progress reports while a file is read


@dataclass
class ParsedFile:
    sheets: dict[str, str] = field(default_factory=dict)  # kind -> sheet name or file name
    rows: dict[str, list[list]] = field(default_factory=dict)  # kind -> checked rows
    problems: list[RowProblem] = field(default_factory=list)
    # Pseudonyms of household rows with a problem: their interventions say so.
    refused_households: set[str] = field(default_factory=set)
    # kind -> fields whose (optional) column is not in the file: existing records keep them.
    absent: dict[str, list[str]] = field(default_factory=dict)


def read_tables(data: bytes, file_name: str) -> list[Table]:
    """The sheets of one kind each in an uploaded file, or an ImportFileError."""
    check_size(data)
    if file_type(data, file_name) == "xlsx":
        return workbook_tables(data)
    return csv_tables(data, file_name)


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
        raise file_error(problems, "columns")
    return positions


@sensitive_variables()
def _read_rows(
    table: Table, reader: CellReader, parsed: ParsedFile, progress: Callable[[float], None]
) -> None:
    positions = _check_header(table)
    columns = COLUMNS[table.kind]
    parsed.absent[table.kind] = [c.field for c in columns if c.header not in positions]
    positions.update({c.header: -1 for c in columns if c.header not in positions})
    layout = [(c, positions[c.header]) for c in columns]
    width = len(table.header)
    unnamed = {position for position, name in enumerate(table.header) if not name}
    defaults = {
        c.field: "" if c.kind == "text" else field_default(table.kind, c.field)
        for c in columns
        if not c.required
    }
    problems = parsed.problems
    checked = parsed.rows.setdefault(table.kind, [])
    count, limit = 0, max_rows()
    for number, cells in table.rows:
        if number % PROGRESS_EVERY == 0:
            progress(table.done())
        if not any(cell is not None and cell_text(cell) != "" for cell in cells):
            continue  # a fully empty row
        if isinstance(cells[0], str) and cells[0].lstrip().startswith(COMMENT):
            continue  # a comment, such as the example row of a template
        count += 1
        if count > limit:  # the readers stop earlier; a last guard for any other Table
            raise too_many_rows(table.sheet)
        row_problems = []
        if (len(cells) > width or unnamed) and any(
            cell_text(cells[i]) for i in range(len(cells)) if i >= width or i in unnamed
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
            empty = raw is None or cell_text(raw) == ""
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
                values.append(read_cell(reader, column, raw))
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


def no_progress(fraction: float) -> None:
    pass


def parse_file(
    *, data: bytes, file_name: str, progress: Callable[[float], None] = no_progress
) -> ParsedFile:
    """Read and check the cells of an uploaded file, without the database's register: every cell
    problem is collected; a problem with the file as a whole raises ImportFileError. ``progress``
    hears now and then which share of the file has been read."""
    tables = read_tables(data, file_name)
    reader = CellReader()
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
        raise file_error(_("The file contains no rows to import."), "no_rows")
    return parsed
