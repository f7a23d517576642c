"""Reading an Excel workbook (.xlsx) of the register import: its "Huishoudens" and "Interventies"
sheets, or else its first sheet recognised by its column names. The bounded reading itself is in
``siex.core.tabular.workbook``."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.utils.translation import gettext as _

from siex.core.tabular.table import Table
from siex.core.tabular.workbook import check_workbook_archive, open_workbook, sheet_table

from .columns import EXPLANATION_SHEET, KINDS, SHEET_NAMES
from .problems import file_error
from .sheets import kind_of_header, unknown_header_error

__all__ = ["check_workbook_archive", "workbook_tables"]


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
            raise unknown_header_error()
        chosen.append((None, candidates[0]))
    return chosen


def workbook_tables(data: bytes) -> list[Table]:
    workbook = open_workbook(data)
    try:
        return _xlsx_tables(workbook)
    except BaseException:
        workbook.close()
        raise


def _xlsx_tables(workbook) -> list[Table]:
    tables = []
    for kind, sheet in _chosen_sheets(workbook):
        # The column names are in row 1; a sheet without them is an empty sheet of the template.
        table = sheet_table(workbook, sheet)
        if table is None:
            continue
        found = kind_of_header(table.header)
        if kind is None:
            if found is None:
                raise unknown_header_error()
            kind = found
        tables.append(replace(table, kind=kind))
    if not tables:
        raise file_error(_("The file contains no rows to import."), "no_rows")
    return tables
