"""The sheets of an uploaded register file as tables of one kind each, recognised by their column
names; a CSV file is read by ``siex.core.tabular``, a workbook in ``workbooks``."""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext as _

from siex.core.tabular.delimited import csv_table
from siex.core.tabular.limits import file_size_mb, max_rows, too_many_rows
from siex.core.tabular.table import Table

from .columns import HOUSEHOLD_COLUMNS, HOUSEHOLDS, INTERVENTION_COLUMNS, INTERVENTIONS
from .problems import ImportFileError, file_error

__all__ = ["Table", "csv_tables", "file_size_mb", "max_rows", "too_many_rows"]


def kind_of_header(header: list[str]) -> str | None:
    names = set(header)
    if "interventie" in names:
        return INTERVENTIONS
    if names & {"wijk", "inkomensbron", "schuldsituatie", "start_deelname"}:
        return HOUSEHOLDS
    return None


def unknown_header_error() -> ImportFileError:
    return file_error(
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


def csv_tables(data: bytes, file_name: str) -> list[Table]:
    table = csv_table(data, file_name)
    kind = kind_of_header(table.header)
    if kind is None:
        raise unknown_header_error()
    return [replace(table, kind=kind)]
