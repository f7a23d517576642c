"""What is wrong with an uploaded file: the file as a whole (``ImportFileError``: nothing is
stored) or a cell or row (``RowProblem``, with its sheet, row and column), kept on the batch in the
order of the file."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from siex.core.tabular.errors import CellError, ImportFileError, file_error

from .columns import COLUMN_OF_FIELD, COLUMNS, KINDS

__all__ = ["CellError", "ImportFileError", "RowProblem", "file_error", "file_problem"]

MAX_ERRORS_SHOWN = 500


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


def model_problems(kind: str, sheet: str, row: int, error: ValidationError) -> list[RowProblem]:
    columns = COLUMN_OF_FIELD[kind]
    found = []
    for name, messages in error.message_dict.items():
        column = columns.get(name) if name != "__all__" else None
        found.extend(RowProblem(kind, sheet, row, column, str(message)) for message in messages)
    return found


def problems_for_storage(problems: list[RowProblem]) -> list[dict]:
    found = sorted((p.as_dict() for p in problems), key=_sort_key)
    return found[:MAX_ERRORS_SHOWN]


def file_problem(message) -> dict:
    """A problem with the file as a whole, stored as the problems of its rows are."""
    return RowProblem("", "", None, None, str(message)).as_dict()
